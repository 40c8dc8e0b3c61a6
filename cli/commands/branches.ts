import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { formatDiagnostic } from "../../compose/diagnostics";
import { EnvironmentConfig } from "../../config/environment-model";
import { environmentNameFrom, loadEnvironment } from "../../config/load-environment";
import { listenerPort } from "../../planner/slots";
import { textTable } from "../../review/text-table";
import { BranchEnvironment, branchBookkeeping, collectGarbage, DestroyBranchStack, GcOutcome, gcIncomplete, listBranchEnvironments, parseLiveBranches, staleBranches } from "../../state/branches";
import { Command, InputError, UsageError, parseFlags } from "../command";

const HELP = `Usage:
  compose2ecs branches list --env NAME [--json] [-C DIR]
  compose2ecs branches gc   --env NAME --live FILE|- [--destroy [--provider-mirror DIR]] [--json] [-C DIR]

The branch environments (one application stack and one Terraform state per git branch) of an
environment with \`branches: true\`.

list  Every branch environment that has state or a slot: branch, slug, slot, its ALB in the
      base's pool (loadBalancer.pool), its listener port
      (no domain) or host name (with loadBalancer.domain), when its state last changed, where it is.
gc    Names the branch environments whose branch is not in the live list. Without --destroy it
      changes nothing. With --destroy, one branch at a time: synthesize its stack into a temporary
      folder (with the slot its state was deployed with), \`terraform init\` + \`terraform destroy
      -auto-approve\` there, then delete its state and free its slot. A slot is freed only when its
      branch has no state at that moment ("needs destroy" otherwise). A failed destroy keeps the
      state and slot (retry later). Either makes the exit code 1. One line per branch is printed
      as soon as it is done (with --json, one JSON object per line).

Options:
  --env NAME         environment (default: COMPOSE2ECS_ENV)
  --live FILE|-      branches that still exist, one per line ("-" reads standard input), e.g.
                     git branch -r --format='%(refname:lstrip=3)' | compose2ecs branches gc --env qa --live -
  --destroy          really destroy stale branch environments; terraform runs with your own
                     configuration (TF_CLI_CONFIG_FILE, ~/.terraformrc, the registry, your AWS
                     credentials), as it would at your shell
  --provider-mirror DIR
                     install providers only from this filesystem mirror (made by \`terraform
                     providers mirror DIR\`), for machines without registry access (default:
                     COMPOSE2ECS_PROVIDER_MIRROR; ignored when TF_CLI_CONFIG_FILE is set)
  --json             machine-readable output (list: one JSON array; gc: one JSON object per line)
  -C, --project-dir  project directory (environments/, compose files, .compose2ecs/) (default: .)
  -h, --help         show this help

Exit codes: 0 done, 1 invalid environment, or a branch left with state (failed or needs destroy), 2 wrong usage.
`;

interface Options {
  readonly sub: "list" | "gc";
  readonly env?: string;
  readonly live?: string;
  readonly destroy: boolean;
  readonly json: boolean;
  readonly projectDir: string;
  readonly providerMirror?: string;
}

function parse(argv: readonly string[]): Options {
  const parsed = parseFlags({
    args: [...argv],
    allowPositionals: true,
    options: {
      env: { type: "string" },
      live: { type: "string" },
      destroy: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "project-dir": { type: "string", short: "C", default: "." },
      "provider-mirror": { type: "string" },
    },
  });
  const [sub, ...extra] = parsed.positionals;
  if (sub !== "list" && sub !== "gc") throw new UsageError(sub === undefined ? "expected a sub-command: list or gc" : `unknown sub-command "${sub}" (list or gc)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (sub === "list" && (parsed.values.live !== undefined || parsed.values.destroy)) throw new UsageError("--live and --destroy belong to `branches gc`");
  if (parsed.values["provider-mirror"] !== undefined && !(sub === "gc" && parsed.values.destroy)) throw new UsageError("--provider-mirror belongs to `branches gc --destroy` (it runs terraform)");
  if (sub === "gc" && parsed.values.live === undefined) throw new UsageError("`branches gc` needs --live FILE (or - for standard input): the branches that still exist");
  return {
    sub,
    ...(parsed.values.env !== undefined ? { env: parsed.values.env } : {}),
    ...(parsed.values.live !== undefined ? { live: parsed.values.live } : {}),
    destroy: parsed.values.destroy === true,
    json: parsed.values.json === true,
    projectDir: resolve(parsed.values["project-dir"] ?? "."),
    ...(parsed.values["provider-mirror"] !== undefined ? { providerMirror: parsed.values["provider-mirror"] } : {}),
  };
}

function branchEnvironment(options: Options): EnvironmentConfig {
  const name = environmentNameFrom(options.env, process.env);
  if (name === undefined) throw new UsageError("--env NAME (or COMPOSE2ECS_ENV) is required");
  const { env, diagnostics } = loadEnvironment(name, options.projectDir);
  if (env === undefined) throw new InputError(diagnostics.map(formatDiagnostic));
  if (!env.branches) throw new InputError([`environment ${name} has no branch environments (branches: false in ${env.file ?? `environments/${name}.yml`})`]);
  return env;
}

/** Where a branch is reached: its own listener port, or its host name under the domain. */
function address(env: EnvironmentConfig, b: BranchEnvironment): string {
  if (env.loadBalancer.domain !== undefined) return `${b.slug}.${env.loadBalancer.domain}`;
  return b.slot === undefined ? "-" : `port ${listenerPort(b.slot)}`;
}

function listText(env: EnvironmentConfig, branches: readonly BranchEnvironment[]): string {
  if (branches.length === 0) return `No branch environments in ${env.name}.\n`;
  const rows = branches.map((b) => [
    b.branch ?? "(unknown)",
    b.slug,
    b.slot === undefined ? "-" : String(b.slot),
    b.alb === undefined ? "-" : String(b.alb),
    address(env, b),
    b.lastModified?.toISOString() ?? "-",
    b.state ?? "(not deployed)",
  ]);
  return textTable(["BRANCH", "SLUG", "SLOT", "ALB", "ADDRESS", "LAST MODIFIED", "STATE"], rows) + "\n";
}

function branchJson(env: EnvironmentConfig, b: BranchEnvironment): Record<string, string | number | null> {
  return {
    branch: b.branch ?? null,
    slug: b.slug,
    slot: b.slot ?? null,
    alb: b.alb ?? null,
    address: address(env, b),
    lastModified: b.lastModified?.toISOString() ?? null,
    state: b.state ?? null,
  };
}

function outcomeLine(o: GcOutcome): string {
  const who = `${o.branch.branch ?? "(unknown branch)"} [${o.branch.slug}${o.branch.slot !== undefined ? `, slot ${o.branch.slot}` : ""}]`;
  return `${o.action.padEnd(13)} ${who}: ${o.detail}`;
}

function readLive(source: string): readonly string[] {
  try {
    return parseLiveBranches(readFileSync(source === "-" ? 0 : source, "utf8"));
  } catch (error) {
    throw new InputError([`cannot read the live branch list ${source}: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

/**
 * The environment terraform runs with for `gc --destroy`: the user's own configuration, or a
 * provider mirror when asked for (its CLI config goes to a temporary folder removed afterwards).
 */
async function terraformForGc(options: Options): Promise<{ readonly dir: string; readonly tfEnv: NodeJS.ProcessEnv }> {
  const { findTerraform, terraformSetup, MissingToolError, TerraformSetupError } = await import("../../terraform/cli-config");
  const dir = mkdtempSync(join(tmpdir(), "compose2ecs-gc-"));
  try {
    findTerraform(process.env);
    const setup = await terraformSetup({ envVars: process.env, workDir: dir, ...(options.providerMirror !== undefined ? { providerMirror: options.providerMirror } : {}) });
    if (setup.note !== undefined) process.stderr.write(`note: ${setup.note}\n`);
    return { dir, tfEnv: setup.env };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    if (error instanceof TerraformSetupError) throw new UsageError(error.message);
    if (error instanceof MissingToolError) throw new InputError([`compose2ecs branches gc: ${error.message}`]);
    throw error;
  }
}

/** The branch commands with the destroy step injectable, so tests can run gc without AWS. */
export async function runBranches(argv: readonly string[], destroyStack?: DestroyBranchStack): Promise<number> {
  const options = parse(argv);
  const env = branchEnvironment(options);
  const { bookkeeping, diagnostics } = branchBookkeeping(env, options.projectDir, process.env);
  if (bookkeeping === undefined) throw new InputError(diagnostics.map(formatDiagnostic));
  const { registry, inventory } = bookkeeping;
  const all = await listBranchEnvironments(registry, inventory);
  if (options.sub === "list") {
    process.stdout.write(options.json ? JSON.stringify(all.map((b) => branchJson(env, b)), null, 2) + "\n" : listText(env, all));
    return 0;
  }
  const live = readLive(options.live ?? "-");
  if (live.length === 0) throw new InputError([`the live branch list ${options.live} is empty: refusing to treat every branch of ${env.name} as stale`]);
  const stale = staleBranches(all, live);
  const terraformWork = options.destroy && destroyStack === undefined && stale.length > 0 ? await terraformForGc(options) : undefined;
  let outcomes: readonly GcOutcome[];
  try {
    outcomes = await collectGarbage(stale, registry, inventory, {
      destroy: options.destroy,
      destroyStack:
        destroyStack ??
        (async (branch) => {
          // Loaded only here: synthesizing loads cdktf, which `branches list` and a dry gc never need.
          const { destroyBranchWithTerraform } = await import("../../deploy/branch-destroy");
          return destroyBranchWithTerraform({ env, projectDir: options.projectDir, branch, inventory, envVars: process.env, tfEnv: terraformWork?.tfEnv ?? process.env });
        }),
      onOutcome: (o) => process.stdout.write((options.json ? JSON.stringify({ ...branchJson(env, o.branch), action: o.action, detail: o.detail }) : outcomeLine(o)) + "\n"),
    });
  } finally {
    if (terraformWork !== undefined) rmSync(terraformWork.dir, { recursive: true, force: true });
  }
  // Every outcome is already out, one line each; text output ends with a summary.
  if (!options.json && stale.length === 0) {
    process.stdout.write(`No stale branch environments in ${env.name} (${all.length} live).\n`);
  } else if (!options.json && !options.destroy) {
    process.stdout.write(`${stale.length} stale branch environment(s) in ${env.name}; nothing changed. Run again with --destroy to remove them.\n`);
  }
  return outcomes.some(gcIncomplete) ? 1 : 0;
}

export const command: Command = {
  help: HELP,
  run: (argv) => runBranches(argv),
};

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { formatDiagnostic } from "../../compose/diagnostics";
import { EnvironmentConfig } from "../../config/environment-model";
import { environmentNameFrom, loadEnvironment } from "../../config/load-environment";
import { listenerPort } from "../../planner/slots";
import { textTable } from "../../review/text-table";
import { branchAge, gcCandidates, GcReason, shortDuration } from "../../state/branch-expiry";
import {
  BranchEnvironment,
  branchBookkeeping,
  collectGarbage,
  DestroyBranchStack,
  GcOutcome,
  gcIncomplete,
  listBranchEnvironments,
  parseLiveBranches,
} from "../../state/branches";
import { readRecord } from "../../state/priority-slots";
import { SlotRegistry } from "../../state/slot-registry";
import { Command, InputError, UsageError, parseFlags } from "../command";

const HELP = `Usage:
  compose2ecs branches list --env NAME [--json] [-C DIR]
  compose2ecs branches gc   --env NAME [--live FILE|-] [--expired] [--destroy [--provider-mirror DIR]] [--json] [-C DIR]

The branch environments (one application stack and one Terraform state per git branch) of an
environment with \`branches: true\`.

list  Every branch environment that has state or a slot: branch, slug, slot, its ALB in the
      base's pool (loadBalancer.pool), its listener port (no domain) or host name (with
      loadBalancer.domain), when its state last changed, its age, when it expires (the environment's branchTtl; "never" without one), where its state is.
      The age counts from the branch's last \`compose2ecs up\` (up), else from the allocation of
      its slot by its first synth (slot), else, for a state without a slot record, from the
      state's last change (state). Applying with plain terraform does not count as a deploy.
gc    Names the branch environments to collect: with --live, those whose branch is not in the
      live list; with --expired, those past the environment's branchTtl; with both, every branch
      that is gone OR expired (each line says why). At least one of the two is needed. Without
      --destroy it changes nothing. With --destroy, one branch at a time: synthesize its stack
      into a temporary folder (with the slot its state was deployed with), \`terraform init\` +
      \`terraform destroy -auto-approve\` there, then delete its state and free its slot. A slot
      is freed only when its branch has no state at that moment ("needs destroy" otherwise). A
      failed destroy keeps the state and slot (retry later). Either makes the exit code 1. A
      branch collected only for its age that was deployed again since the listing is "kept".
      One line per branch is printed as soon as it is done (with --json, one JSON object per line).

Options:
  --env NAME         environment (default: COMPOSE2ECS_ENV)
  --live FILE|-      branches that still exist, one per line ("-" reads standard input), e.g.
                     git branch -r --format='%(refname:lstrip=3)' | compose2ecs branches gc --env qa --live -
  --expired          collect branch environments past the environment's branchTtl (e.g. branchTtl: 72h
                     in environments/NAME.yml; an error without one)
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
  readonly expired: boolean;
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
      expired: { type: "boolean", default: false },
      destroy: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "project-dir": { type: "string", short: "C", default: "." },
      "provider-mirror": { type: "string" },
    },
  });
  const [sub, ...extra] = parsed.positionals;
  if (sub !== "list" && sub !== "gc")
    throw new UsageError(sub === undefined ? "expected a sub-command: list or gc" : `unknown sub-command "${sub}" (list or gc)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (sub === "list" && (parsed.values.live !== undefined || parsed.values.expired || parsed.values.destroy))
    throw new UsageError("--live, --expired and --destroy belong to `branches gc`");
  if (parsed.values["provider-mirror"] !== undefined && !(sub === "gc" && parsed.values.destroy))
    throw new UsageError("--provider-mirror belongs to `branches gc --destroy` (it runs terraform)");
  if (sub === "gc" && parsed.values.live === undefined && !parsed.values.expired) {
    throw new UsageError(
      "`branches gc` needs --live FILE (or - for standard input): the branches that still exist, and/or --expired: the branches past the environment's branchTtl",
    );
  }
  return {
    sub,
    ...(parsed.values.env !== undefined ? { env: parsed.values.env } : {}),
    ...(parsed.values.live !== undefined ? { live: parsed.values.live } : {}),
    expired: parsed.values.expired === true,
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

/** `72h` as `3d`: the TTL as a reader would write it. */
function ttlText(hours: number): string {
  return hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
}

function ageCell(env: EnvironmentConfig, b: BranchEnvironment, now: Date): string {
  const age = branchAge(b, env.branchTtlHours, now);
  return age === undefined ? "-" : `${shortDuration(age.ageMs)} (${age.basis})`;
}

function expiresCell(env: EnvironmentConfig, b: BranchEnvironment, now: Date): string {
  if (env.branchTtlHours === undefined) return "never";
  const expiresAt = branchAge(b, env.branchTtlHours, now)?.expiresAt;
  if (expiresAt === undefined) return "-";
  const left = expiresAt.getTime() - now.getTime();
  return left <= 0 ? `expired ${shortDuration(-left)} ago` : `in ${shortDuration(left)}`;
}

function listText(env: EnvironmentConfig, branches: readonly BranchEnvironment[], now: Date): string {
  if (branches.length === 0) return `No branch environments in ${env.name}.\n`;
  const rows = branches.map((b) => [
    b.branch ?? "(unknown)",
    b.slug,
    b.slot === undefined ? "-" : String(b.slot),
    b.alb === undefined ? "-" : String(b.alb),
    address(env, b),
    b.lastModified?.toISOString() ?? "-",
    ageCell(env, b, now),
    expiresCell(env, b, now),
    b.state ?? "(not deployed)",
  ]);
  const table = textTable(["BRANCH", "SLUG", "SLOT", "ALB", "ADDRESS", "LAST MODIFIED", "AGE", "EXPIRES", "STATE"], rows) + "\n";
  const ttl = env.branchTtlHours;
  const expired = ttl === undefined ? 0 : branches.filter((b) => branchAge(b, ttl, now)?.expired === true).length;
  if (ttl === undefined || expired === 0) return table;
  return `${table}${expired} of ${branches.length} branch environment(s) are past branchTtl ${ttlText(ttl)}: \`compose2ecs branches gc --env ${env.name} --expired\` names them.\n`;
}

function branchJson(env: EnvironmentConfig, b: BranchEnvironment, now: Date): Record<string, string | number | boolean | null> {
  const age = branchAge(b, env.branchTtlHours, now);
  return {
    branch: b.branch ?? null,
    slug: b.slug,
    slot: b.slot ?? null,
    alb: b.alb ?? null,
    address: address(env, b),
    lastModified: b.lastModified?.toISOString() ?? null,
    createdAt: b.createdAt?.toISOString() ?? null,
    lastDeployedAt: b.lastDeployedAt?.toISOString() ?? null,
    ageFrom: age?.basis ?? null,
    ageSeconds: age === undefined ? null : Math.floor(age.ageMs / 1000),
    expiresAt: age?.expiresAt?.toISOString() ?? null,
    expired: age?.expired ?? false,
    state: b.state ?? null,
  };
}

/** Why a branch is collected, as its gc line says it. */
function reasonText(env: EnvironmentConfig, b: BranchEnvironment, reasons: readonly GcReason[], now: Date): string {
  return reasons
    .map((reason) => {
      if (reason === "not live") return "branch gone";
      const age = branchAge(b, env.branchTtlHours, now);
      return age === undefined || env.branchTtlHours === undefined
        ? "expired"
        : `expired: ${shortDuration(age.ageMs)} since ${age.basis}, branchTtl ${ttlText(env.branchTtlHours)}`;
    })
    .join("; ");
}

function outcomeLine(o: GcOutcome, why: string | undefined): string {
  const who = `${o.branch.branch ?? "(unknown branch)"} [${o.branch.slug}${o.branch.slot !== undefined ? `, slot ${o.branch.slot}` : ""}]`;
  return `${o.action.padEnd(13)} ${who}: ${o.detail}${why !== undefined ? ` (${why})` : ""}`;
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
    const setup = await terraformSetup({
      envVars: process.env,
      workDir: dir,
      ...(options.providerMirror !== undefined ? { providerMirror: options.providerMirror } : {}),
    });
    if (setup.note !== undefined) process.stderr.write(`note: ${setup.note}\n`);
    return { dir, tfEnv: setup.env };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    if (error instanceof TerraformSetupError) throw new UsageError(error.message);
    if (error instanceof MissingToolError) throw new InputError([`compose2ecs branches gc: ${error.message}`]);
    throw error;
  }
}

/** The TTL `--expired` collects by; an input error naming the file when the environment has none. */
function requiredTtl(env: EnvironmentConfig): number {
  if (env.branchTtlHours !== undefined) return env.branchTtlHours;
  throw new InputError([
    `environment ${env.name} sets no branchTtl (${env.file ?? `environments/${env.name}.yml`}), so no branch environment can be past it: ` +
      "add e.g. `branchTtl: 72h` for --expired, or collect by --live only",
  ]);
}

/**
 * For a branch collected only for its age: its record read again just before it is destroyed
 * (destroying the branches before it can take an hour), so a branch deployed meanwhile is kept.
 */
function expiryRecheck(env: EnvironmentConfig, registry: SlotRegistry, ttlHours: number, reasons: ReadonlyMap<string, readonly GcReason[]>, clock: () => Date) {
  return async (branch: BranchEnvironment): Promise<string | undefined> => {
    if (reasons.get(branch.slug)?.includes("not live") === true) return undefined;
    const record = await readRecord(registry.store, branch.slug);
    // Without a record (freed meanwhile) the usual checks apply: its state, if any, is destroyed.
    if (record === undefined) return undefined;
    const now = clock();
    const fresh: BranchEnvironment = {
      ...branch,
      createdAt: new Date(record.createdAt),
      ...(record.lastDeployedAt !== undefined ? { lastDeployedAt: new Date(record.lastDeployedAt) } : {}),
    };
    const age = branchAge(fresh, ttlHours, now);
    if (age === undefined || age.expired || age.expiresAt === undefined) return undefined;
    const when = age.basis === "up" ? `deployed again at ${age.since.toISOString()}` : `synthesized anew at ${age.since.toISOString()}`;
    return `${when}, after gc listed it; it expires in ${shortDuration(age.expiresAt.getTime() - now.getTime())} (branchTtl ${ttlText(ttlHours)} in ${env.file ?? env.name})`;
  };
}

/** The closing line of a text gc run: what was found, and what a dry run would do with --destroy. */
function gcSummary(
  env: EnvironmentConfig,
  options: Options,
  ttlHours: number | undefined,
  listed: number,
  reasons: ReadonlyMap<string, readonly GcReason[]>,
): string | undefined {
  const byLive = options.live !== undefined;
  const what = ttlHours === undefined ? "stale" : byLive ? "stale or expired" : "expired";
  if (reasons.size === 0) {
    const kept = ttlHours === undefined ? "live" : `${byLive ? "live and " : ""}within branchTtl ${ttlText(ttlHours)}`;
    return `No ${what} branch environments in ${env.name} (${listed} ${kept}).`;
  }
  if (options.destroy) return undefined;
  const count = (reason: GcReason) => [...reasons.values()].filter((r) => r.includes(reason)).length;
  const split = ttlHours !== undefined && byLive ? ` (${count("not live")} gone, ${count("expired")} expired)` : "";
  return `${reasons.size} ${what} branch environment(s) in ${env.name}${split}; nothing changed. Run again with --destroy to remove them.`;
}

/** The branch commands with the destroy step and the clock injectable, so tests can run gc without AWS or waiting. */
export async function runBranches(argv: readonly string[], destroyStack?: DestroyBranchStack, clock: () => Date = () => new Date()): Promise<number> {
  const options = parse(argv);
  const env = branchEnvironment(options);
  const ttlHours = options.sub === "gc" && options.expired ? requiredTtl(env) : undefined;
  const { bookkeeping, diagnostics } = branchBookkeeping(env, options.projectDir, process.env);
  if (bookkeeping === undefined) throw new InputError(diagnostics.map(formatDiagnostic));
  const { registry, inventory } = bookkeeping;
  const all = await listBranchEnvironments(registry, inventory);
  const now = clock();
  if (options.sub === "list") {
    process.stdout.write(
      options.json
        ? JSON.stringify(
            all.map((b) => branchJson(env, b, now)),
            null,
            2,
          ) + "\n"
        : listText(env, all, now),
    );
    return 0;
  }
  const live = options.live === undefined ? undefined : readLive(options.live);
  if (live !== undefined && live.length === 0)
    throw new InputError([`the live branch list ${options.live} is empty: refusing to treat every branch of ${env.name} as stale`]);
  const candidates = gcCandidates(all, { ...(live !== undefined ? { live } : {}), ...(ttlHours !== undefined ? { expiry: { ttlHours, now } } : {}) });
  const reasons = new Map(candidates.map((c) => [c.branch.slug, c.reasons]));
  const stale = candidates.map((c) => c.branch);
  // Lines say why only when age is a criterion (--live alone prints as it always did); a kept branch's detail says why it stays.
  const why = (o: GcOutcome): string | undefined =>
    options.expired && o.action !== "kept" ? reasonText(env, o.branch, reasons.get(o.branch.slug) ?? [], now) : undefined;
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
          return destroyBranchWithTerraform({
            env,
            projectDir: options.projectDir,
            branch,
            inventory,
            envVars: process.env,
            tfEnv: terraformWork?.tfEnv ?? process.env,
          });
        }),
      ...(ttlHours !== undefined ? { recheck: expiryRecheck(env, registry, ttlHours, reasons, clock) } : {}),
      onOutcome: (o) =>
        process.stdout.write(
          (options.json
            ? JSON.stringify({ ...branchJson(env, o.branch, now), action: o.action, detail: o.detail, reasons: reasons.get(o.branch.slug) ?? [] })
            : outcomeLine(o, why(o))) + "\n",
        ),
    });
  } finally {
    if (terraformWork !== undefined) rmSync(terraformWork.dir, { recursive: true, force: true });
  }
  // Every outcome is already out, one line each; text output ends with a summary.
  const summary = options.json ? undefined : gcSummary(env, options, ttlHours, all.length, reasons);
  if (summary !== undefined) process.stdout.write(`${summary}\n`);
  return outcomes.some(gcIncomplete) ? 1 : 0;
}

export const command: Command = {
  help: HELP,
  run: (argv) => runBranches(argv),
};

#!/usr/bin/env node
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readCompose } from "./compose-reader";
import { applicationStacks } from "./deployments";
import { verifyAppEnvironment } from "./promises";
import { AppEnvResult, formatAppEnvironment, formatTotals, keepsPromises } from "./report";
import { Terraform } from "./terraform";

const USAGE = `Usage: node dist/verify/cli.js OUT_DIR -f FILE [-f FILE]... [--project-dir DIR] [--app NAME] [--json] [--verbose]

Checks docker compose's runtime promises against a synth output folder (OUT_DIR/stacks/*/cdk.tf.json):
names resolve and security groups admit the port used, a lone web service is served at /, no
non-HTTP port is an ALB HTTP target, a stateful service never runs two tasks at once, and named
volumes are on EFS. Reads only the compose files (and their .env / env_file) and the Terraform JSON.
docs/verify.md describes every check.

Options:
  -f, --file FILE        compose file (repeatable, merged in order)
      --project-dir DIR  where .env is read (default: the first file's folder)
      --app NAME         name printed for the app (default: the project folder's name)
      --json             print the findings as JSON
      --verbose          list held promises too
Exit codes: 0 every promise holds, 1 some promise is broken or cannot be told, 2 wrong usage.
`;

/** Verifies every application stack of one output folder. */
export function verifyOutput(options: {
  readonly outDir: string;
  readonly files: readonly string[];
  readonly projectDir?: string;
  readonly app?: string;
  readonly environment?: Readonly<Record<string, string | undefined>>;
}): AppEnvResult[] {
  const project = readCompose({
    files: options.files,
    ...(options.projectDir !== undefined ? { projectDir: options.projectDir } : {}),
    environment: options.environment ?? {},
  });
  const tf = Terraform.load(options.outDir);
  const app = options.app ?? basename(project.projectDir);
  const stacks = applicationStacks(tf);
  if (stacks.length === 0)
    return [
      { app, env: basename(resolve(options.outDir)), findings: [], notes: project.notes, error: `no stack in ${options.outDir}/stacks runs an ECS service` },
    ];
  return stacks.map((stack) => {
    const result = verifyAppEnvironment({ app, env: stack, project, tf, stack });
    return { app, env: stack, findings: result.findings, notes: result.notes };
  });
}

export function main(argv: readonly string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        file: { type: "string", short: "f", multiple: true, default: [] },
        "project-dir": { type: "string" },
        app: { type: "string" },
        json: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const outDir = parsed.positionals[0];
  const files = parsed.values.file ?? [];
  if (outDir === undefined || parsed.positionals.length > 1 || files.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const results = verifyOutput({
    outDir,
    files,
    ...(parsed.values["project-dir"] !== undefined ? { projectDir: parsed.values["project-dir"] } : {}),
    ...(parsed.values.app !== undefined ? { app: parsed.values.app } : {}),
    environment: process.env,
  });
  if (parsed.values.json === true) process.stdout.write(JSON.stringify(results, null, 2) + "\n");
  else
    process.stdout.write(
      [...results.map((r) => formatAppEnvironment(r, { verbose: parsed.values.verbose === true })), "", formatTotals(results)].join("\n") + "\n",
    );
  return results.every(keepsPromises) ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

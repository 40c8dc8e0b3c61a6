#!/usr/bin/env node
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, InputError, UsageError } from "./command";

/**
 * Listed in the order a user meets them. Commands are loaded lazily: `check` must not pay for loading cdktf and the AWS provider.
 * Each entry's module exports `command: Command`.
 */
const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<Command> }>> = {
  init: { summary: "Write environments/qa.yml and production.yml for the compose project here", load: async () => (await import("./commands/init")).command },
  check: { summary: "Load compose files and print the conversion report", load: async () => (await import("./commands/check")).command },
  synth: { summary: "Write Terraform (cdktf stacks) for the compose project and an environment", load: async () => (await import("./commands/synth")).command },
  up: {
    summary: "Synthesize and apply an environment's stacks with terraform; wait until the services run",
    load: async () => (await import("./commands/up")).command,
  },
  down: {
    summary: "Destroy a branch's or the app's stack (or --base) with terraform and forget its state",
    load: async () => (await import("./commands/down")).command,
  },
  branches: {
    summary: "List branch environments (slot, ALB, age, expiry); gc those whose git branch is gone or whose branchTtl passed",
    load: async () => (await import("./commands/branches")).command,
  },
  diff: {
    summary: "Compare two synth outputs per service, replacements first (exit 1 on changes)",
    load: async () => (await import("./commands/diff")).command,
  },
  "plan-summary": {
    summary: "Summarise terraform show -json plans per service, replacements first",
    load: async () => (await import("./commands/plan-summary")).command,
  },
  cost: {
    summary: "Estimate the monthly cost of an environment's base and of one branch (or the app stack)",
    load: async () => (await import("./commands/cost")).command,
  },
  diagram: {
    summary: "Draw the deployed topology (Mermaid, SVG or DOT) from compose files and environment",
    load: async () => (await import("./commands/diagram")).command,
  },
  demo: {
    summary: "Deploy your compose project (or the bundled example) to a local AWS emulator (moto), then tear down",
    load: async () => (await import("./commands/demo")).command,
  },
};

/** compose2ecs's own package.json, found upwards from this file (dist/cli/ or a bundle in dist/). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "compose2ecs" && pkg.version) return pkg.version;
    }
  }
  return "unknown";
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "compose2ecs: turn docker compose files into Terraform for AWS ECS (cdktf).",
    "",
    "Usage: compose2ecs <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `compose2ecs <command> --help` for a command's options.",
    "Exit codes: 0 success, 1 invalid input or a failed check, 2 wrong usage.",
  ].join("\n");
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    process.stderr.write(`compose2ecs: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.help.trimEnd() + "\n");
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`compose2ecs ${name}: ${error.message}\nRun \`compose2ecs ${name} --help\` for usage.\n`);
      return 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(error.lines.join("\n") + "\n");
      return 1;
    }
    // Anything else is a bug in compose2ecs, not in the input: say so without a stack trace
    // unless asked for one.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`compose2ecs ${name}: internal error: ${message}\n`);
    if (process.env.COMPOSE2ECS_DEBUG) process.stderr.write(`${(error as Error).stack ?? ""}\n`);
    return 1;
  }
}

if (require.main === module) {
  // The AWS SDK (pinned in package.json) warns that its releases after January 2027 need Node 22;
  // that concerns later versions, not the one compose2ecs runs, and would interleave with output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`compose2ecs: internal error: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

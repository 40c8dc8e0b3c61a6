import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

import { Command, InputError, UsageError, parseFlags } from "../command";
import { formatDiagnostic, sortDiagnostics } from "../../compose/diagnostics";
import { Diagnostic } from "../../compose/model";
import { planRequest } from "../../pipeline/plan-request";
import { topologyGraph } from "../../review/diagram-graph";
import { renderDot, renderMermaid, renderSvg } from "../../review/diagram-render";
import { topologyFromPlan } from "../../review/topology-from-plan";

const HELP = `Usage: compose2ecs diagram [-f FILE]... [-C DIR] [--profile P]... [--env NAME] [--branch NAME] [--format mermaid|svg|dot] [--out FILE]

Draw the topology an environment (or a branch of it) deploys, from the compose files and the
environment, as the planner decides it (not from Terraform JSON): internet -> load balancer ->
listener -> rules (host/path, priority) -> target groups -> ECS services (task size, tasks) ->
their dependencies (services reached through service discovery, EFS volumes, secrets).

Options:
  -f, --file FILE      compose file (repeatable; default: the environment's composeFiles, else discovery)
  -C, --project-dir    project directory (environments/, compose files) (default: .)
  --profile P          activate a compose profile (repeatable; default: the environment's)
  --env NAME           environment (default: COMPOSE2ECS_ENV, else the built-in "default"
                       environment, as synth)
  --branch NAME        branch of a branch environment (default: BRANCH, else the git branch);
                       drawn with the slot it holds, or, before its first synth, the slot it
                       would get now (diagram never allocates one or writes any state)
  --format FORMAT      mermaid (default; for READMEs and pull requests), svg (Graphviz, offline), dot
  --out FILE           write to FILE instead of standard output
  -h, --help           show this help

Exit codes: 0 drawn, 1 invalid compose file or environment, 2 wrong usage.
`;

type Format = "mermaid" | "svg" | "dot";

interface Options {
  readonly files: readonly string[];
  readonly projectDir: string;
  readonly profiles: readonly string[];
  readonly env?: string;
  readonly branch?: string;
  readonly format: Format;
  readonly out?: string;
}

function parse(argv: readonly string[]): Options {
  const parsed = parseFlags({
    args: [...argv],
    options: {
      file: { type: "string", short: "f", multiple: true, default: [] },
      "project-dir": { type: "string", short: "C", default: "." },
      profile: { type: "string", multiple: true, default: [] },
      env: { type: "string" },
      branch: { type: "string" },
      format: { type: "string", default: "mermaid" },
      out: { type: "string" },
    },
  });
  const format = parsed.values.format;
  if (format !== "mermaid" && format !== "svg" && format !== "dot") throw new UsageError(`--format must be mermaid, svg or dot, not "${format}"`);
  return {
    files: parsed.values.file ?? [],
    projectDir: resolve(parsed.values["project-dir"] ?? "."),
    profiles: parsed.values.profile ?? [],
    ...(parsed.values.env !== undefined ? { env: parsed.values.env } : {}),
    ...(parsed.values.branch !== undefined ? { branch: parsed.values.branch } : {}),
    format,
    ...(parsed.values.out !== undefined ? { out: parsed.values.out } : {}),
  };
}

function fail(diagnostics: readonly Diagnostic[]): never {
  throw new InputError(diagnostics.map(formatDiagnostic));
}

async function render(text: string, format: Format): Promise<string> {
  return format === "svg" ? renderSvg(text) : text;
}

export const command: Command = {
  help: HELP,
  async run(argv) {
    const options = parse(argv);
    const planned = await planRequest({
      projectDir: options.projectDir,
      files: options.files,
      profiles: options.profiles,
      ...(options.env !== undefined ? { envName: options.env } : {}),
      ...(options.branch !== undefined ? { branch: options.branch } : {}),
      envVars: process.env,
    });
    const { plan, loaded } = planned;
    if (plan === undefined || loaded === undefined) fail(sortDiagnostics(planned.diagnostics));
    const notes: Diagnostic[] = [...planned.diagnostics];
    if (loaded.branch?.slotStatus === "provisional") {
      notes.push({
        severity: "info",
        path: loaded.branch.source,
        message: `branch "${loaded.branch.branch}" holds no slot yet: drawn with slot ${loaded.branch.slot}, the lowest free one now; its first synth allocates the slot, which may differ if another branch takes this one first`,
      });
    }
    const lines = sortDiagnostics(notes).map(formatDiagnostic);
    if (lines.length > 0) process.stderr.write(lines.join("\n") + "\n");
    const graph = topologyGraph(topologyFromPlan(plan, loaded.project));
    const text = options.format === "mermaid" ? renderMermaid(graph) : await render(renderDot(graph), options.format);
    if (options.out !== undefined) writeFileSync(options.out, text);
    else process.stdout.write(text);
    return 0;
  },
};

import { writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

import { Command, InputError, UsageError, parseFlags } from "../command";
import { formatDiagnostic } from "../../compose/diagnostics";
import { load } from "../../compose/load";
import { Diagnostic } from "../../compose/model";
import { resolveBranchAsync } from "../../config/branch-context";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { environmentNameFrom, loadEnvironment } from "../../config/load-environment";
import { planProject } from "../../planner/plan-project";
import { topologyGraph } from "../../review/diagram-graph";
import { renderDot, renderMermaid, renderSvg } from "../../review/diagram-render";
import { topologyFromPlan } from "../../review/topology-from-plan";

const HELP = `Usage: compose2ecs diagram [-f FILE]... [-C DIR] [--env NAME] [--branch NAME] [--format mermaid|svg|dot] [--out FILE]

Draw the topology an environment (or a branch of it) deploys, from the compose files and the
environment, as the planner decides it (not from Terraform JSON): internet -> load balancer ->
listener -> rules (host/path, priority) -> target groups -> ECS services (task size, tasks) ->
their dependencies (services reached through service discovery, EFS volumes, secrets).

Options:
  -f, --file FILE      compose file (repeatable; default: the environment's composeFiles, else discovery)
  -C, --project-dir    project directory (environments/, compose files) (default: .)
  --env NAME           environment (default: COMPOSE2ECS_ENV, else built-in defaults)
  --branch NAME        branch of a branch environment (default: BRANCH, else the git branch);
                       its slot is the one synth uses (allocated on first use, like synth)
  --format FORMAT      mermaid (default; for READMEs and pull requests), svg (Graphviz, offline), dot
  --out FILE           write to FILE instead of standard output
  -h, --help           show this help

Exit codes: 0 drawn, 1 invalid compose file or environment, 2 wrong usage.
`;

type Format = "mermaid" | "svg" | "dot";

interface Options {
  readonly files: readonly string[];
  readonly projectDir: string;
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
    ...(parsed.values.env !== undefined ? { env: parsed.values.env } : {}),
    ...(parsed.values.branch !== undefined ? { branch: parsed.values.branch } : {}),
    format,
    ...(parsed.values.out !== undefined ? { out: parsed.values.out } : {}),
  };
}

function fail(diagnostics: readonly Diagnostic[]): never {
  throw new InputError(diagnostics.map(formatDiagnostic));
}

function environment(options: Options): EnvironmentConfig {
  const name = environmentNameFrom(options.env, process.env);
  if (name === undefined) return defaultEnvironment("production");
  const loaded = loadEnvironment(name, options.projectDir);
  if (loaded.env === undefined || loaded.diagnostics.some((d) => d.severity === "error")) fail(loaded.diagnostics);
  return loaded.env;
}

async function render(text: string, format: Format): Promise<string> {
  return format === "svg" ? renderSvg(text) : text;
}

export const command: Command = {
  name: "diagram",
  summary: "Draw the deployed topology (Mermaid, SVG or DOT) from the compose files and environment",
  help: HELP,
  async run(argv) {
    const options = parse(argv);
    const env = environment(options);
    const files = options.files.length > 0 ? options.files : env.composeFiles.map((f) => (isAbsolute(f) ? f : join(options.projectDir, f)));
    const loaded = load({ files, workingDir: options.projectDir, profiles: env.profiles });
    if (loaded.project === undefined) fail(loaded.diagnostics);
    const branch = await resolveBranchAsync(env, { projectDir: options.projectDir, envVars: process.env, ...(options.branch !== undefined ? { branch: options.branch } : {}) });
    if (branch.diagnostics.some((d) => d.severity === "error")) fail(branch.diagnostics);
    const planned = planProject({ project: loaded.project, env, ...(branch.branch ? { branch: branch.branch } : {}) });
    if (planned.plan === undefined) fail(planned.diagnostics);
    const graph = topologyGraph(topologyFromPlan(planned.plan, loaded.project));
    const text = options.format === "mermaid" ? renderMermaid(graph) : await render(renderDot(graph), options.format);
    if (options.out !== undefined) writeFileSync(options.out, text);
    else process.stdout.write(text);
    return 0;
  },
};

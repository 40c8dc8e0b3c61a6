import * as fs from "fs";
import * as path from "path";
import { formatDiagnostic, sortDiagnostics } from "../../compose/diagnostics";
import { load } from "../../compose/load";
import { ComposeProject, Diagnostic } from "../../compose/model";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { branchSlug } from "../../naming/branch-slug";
import { Plan } from "../../planner/plan";
import { planProject } from "../../planner/plan-project";
import { ConversionEntry, ConversionStatus, conversionReport, reportDiagnostics } from "../../planner/report";
import { connectivityOf, environmentLabel, renderConnectivity } from "../check-connectivity";
import { Command, InputError, UsageError, parseFlags } from "../command";

const HELP = `Usage: compose2ecs check [-f FILE]... [-C DIR] [--profile NAME]... [--env NAME [--branch NAME]] [--json]

Load compose files the way docker compose does (interpolation, .env, extends, include,
profiles, several -f files merged in order) and report, for every service and every key it
uses, what it becomes on ECS: mapped (with the ECS attribute), mapped as the ECS default,
mapped with loss, not applicable on ECS, or rejected. The project is planned as synth plans it,
so check fails wherever synth would: task sizes, routes, and AWS limits (64 KiB per task
definition, 60 rules per security group). Then it shows where each service is reached (its
URL, its network load balancer port, or sibling services only) and what its compose networks
admit. Only regular files of at most 10 MiB are read.

Options:
  -f, --file FILE         Compose file; repeat to merge several in order. Default: COMPOSE_FILE,
                          else compose.yaml / compose.yml / docker-compose.yaml /
                          docker-compose.yml (+ its .override file) in DIR or a parent folder.
  -C, --project-dir DIR   Folder the files and the discovery are relative to. Default: current folder.
      --profile NAME      Enable services of this profile; repeat or comma-separate.
                          Default: COMPOSE_PROFILES.
      --env NAME          Plan for environments/NAME.yml (default: the built-in environment,
                          with an internal load balancer).
      --branch NAME       The branch, for a branch environment (default: main); its slot is
                          not allocated, so its listener port shows as a formula.
      --json              Print {"diagnostics": [...], "report": [...], "connectivity": {...}}
                          for CI instead of text.
  -h, --help              Show this help.

Problems are printed one per line as  file:line:col compose.path: message
(warnings say "warning:"). Colour is used only when the output is a terminal (not with NO_COLOR).

Exit codes: 0 the project converts (warnings allowed), 1 errors in the input, 2 wrong usage.`;

interface CheckArgs {
  readonly files: string[];
  readonly dir: string;
  readonly profiles: string[];
  readonly json: boolean;
  readonly env?: string;
  readonly branch?: string;
}

function parse(argv: readonly string[]): CheckArgs {
  const { values, positionals } = parseFlags({
    args: [...argv],
    options: {
      file: { type: "string", short: "f", multiple: true },
      "project-dir": { type: "string", short: "C" },
      profile: { type: "string", multiple: true },
      json: { type: "boolean" },
      env: { type: "string" },
      branch: { type: "string" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (compose files are given with -f)`);
  const dir = path.resolve(values["project-dir"] ?? process.cwd());
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`-C ${values["project-dir"] ?? ""}: no such directory`);
  return {
    files: values.file ?? [],
    dir,
    profiles: values.profile ?? [],
    json: values.json === true,
    ...(values.env !== undefined ? { env: values.env } : {}),
    ...(values.branch !== undefined ? { branch: values.branch } : {}),
  };
}

const STATUS_LABEL: Readonly<Record<ConversionStatus, string>> = {
  mapped: "mapped",
  "mapped-default": "ECS default",
  "mapped-with-loss": "with loss",
  "not-applicable": "not applicable",
  rejected: "rejected",
};

interface Style {
  readonly status: (status: ConversionStatus, text: string) => string;
  readonly severity: (d: Diagnostic, text: string) => string;
  readonly bold: (text: string) => string;
}

function style(colour: boolean): Style {
  const paint = (code: string, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const statusCode: Readonly<Record<ConversionStatus, string>> = {
    mapped: "32",
    "mapped-default": "32",
    "mapped-with-loss": "33",
    "not-applicable": "33",
    rejected: "31",
  };
  return {
    status: (s, text) => paint(statusCode[s], text),
    severity: (d, text) => paint(d.severity === "error" ? "31" : d.severity === "warning" ? "33" : "2", text),
    bold: (text) => paint("1", text),
  };
}

/** What check found: the project and its plan (when it loaded and planned), every problem, and the report. */
export interface CheckResult {
  readonly project?: ComposeProject;
  readonly plan?: Plan;
  readonly diagnostics: readonly Diagnostic[];
  readonly report: readonly ConversionEntry[];
}

/**
 * Without `--env`, check plans against the built-in environment, with an internal load balancer
 * so that the one question only an environment answers (which CIDRs may reach it) does not fail
 * every check.
 */
function builtInEnvironment(): EnvironmentConfig {
  const env = defaultEnvironment("default");
  return { ...env, loadBalancer: { ...env.loadBalancer, internal: true } };
}

export interface CheckRequest {
  readonly files: readonly string[];
  readonly dir: string;
  readonly profiles: readonly string[];
  /** `--env`, loaded. @default the built-in environment with an internal load balancer */
  readonly env?: EnvironmentConfig;
  /** `--branch` of a branch environment; check allocates no slot (slot 1 stands for "some slot"). @default "main" */
  readonly branch?: string;
}

/** Loads and plans the project, and reports what each key became. */
export function checkProject(args: CheckRequest): CheckResult {
  const env = args.env ?? builtInEnvironment();
  const files = args.files.length > 0 || args.env === undefined ? args.files : env.composeFiles.map((f) => path.resolve(args.dir, f));
  const profiles = args.profiles.length > 0 ? args.profiles : env.profiles;
  const loaded = load({ files, workingDir: args.dir, ...(profiles.length > 0 ? { profiles } : {}) });
  if (loaded.project === undefined) return { diagnostics: loaded.diagnostics, report: [] };
  const branchName = args.branch ?? "main";
  const branch = env.branches ? { branch: branchName, slug: branchSlug(branchName), slot: 1 } : undefined;
  const planned = planProject({ project: loaded.project, env, ...(branch ? { branch } : {}) });
  const report = planned.plan !== undefined ? conversionReport(loaded.project, planned.plan) : [];
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...planned.diagnostics, ...reportDiagnostics(report)]);
  return planned.plan !== undefined ? { project: loaded.project, plan: planned.plan, diagnostics, report } : { diagnostics, report };
}

/** The report for people: problems first, then every key grouped by service, then a summary. */
export function renderText(result: CheckResult, colour: boolean, connectivity: readonly string[] = []): string {
  const s = style(colour);
  const lines: string[] = [];
  const fromReport = new Set(reportDiagnostics(result.report).map(formatDiagnostic));
  const others = result.diagnostics.filter((d) => !fromReport.has(formatDiagnostic(d)));
  for (const d of others) lines.push(s.severity(d, formatDiagnostic(d)));
  if (others.length > 0) lines.push("");
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.filter((d) => d.severity === "warning").length;
  if (result.project === undefined) {
    lines.push(
      `check failed: ${errors} error${errors === 1 ? "" : "s"}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}; nothing converted.`,
    );
    return lines.join("\n");
  }
  const project = result.project;
  lines.push(s.bold(`Project ${project.name} (${project.files.join(", ")}): ${project.services.length} service${project.services.length === 1 ? "" : "s"}`));
  const groups = groupByService(result.report);
  const keyWidth = Math.max(10, ...result.report.map((e) => e.key.length));
  const statusWidth = Math.max(...Object.values(STATUS_LABEL).map((l) => l.length));
  for (const [service, entries] of groups) {
    lines.push("", s.bold(service ?? "(top level)"));
    for (const e of entries)
      lines.push(
        `  ${s.status(e.status, STATUS_LABEL[e.status].padEnd(statusWidth))}  ${e.key.padEnd(keyWidth)}  ${e.detail}${e.attribute !== undefined ? ` (${e.attribute})` : ""}`,
      );
  }
  if (connectivity.length > 0) lines.push("", s.bold(connectivity[0] ?? ""), ...connectivity.slice(1));
  const count = (status: ConversionStatus): number => result.report.filter((e) => e.status === status).length;
  lines.push(
    "",
    `${count("mapped")} mapped, ${count("mapped-default")} mapped as the ECS default, ${count("mapped-with-loss")} mapped with loss, ${count("not-applicable")} not applicable, ${count("rejected")} rejected; ` +
      `${warnings} warning${warnings === 1 ? "" : "s"}. ${warnings === 0 ? "Converts cleanly." : "Converts, with the warnings above."}`,
  );
  return lines.join("\n");
}

function groupByService(report: readonly ConversionEntry[]): Map<string | undefined, ConversionEntry[]> {
  const groups = new Map<string | undefined, ConversionEntry[]>();
  const top = report.filter((e) => e.service === undefined);
  if (top.length > 0) groups.set(undefined, top);
  for (const e of report) {
    if (e.service === undefined) continue;
    const list = groups.get(e.service) ?? [];
    list.push(e);
    groups.set(e.service, list);
  }
  return groups;
}

export const command: Command = {
  help: HELP,
  async run(argv) {
    const args = parse(argv);
    let env: EnvironmentConfig | undefined;
    if (args.env !== undefined) {
      const { loadEnvironment } = await import("../../config/load-environment");
      const loadedEnv = loadEnvironment(args.env, args.dir);
      if (loadedEnv.env === undefined) throw new InputError(loadedEnv.diagnostics.map(formatDiagnostic));
      env = loadedEnv.env;
    }
    const result = checkProject({
      files: args.files,
      dir: args.dir,
      profiles: args.profiles,
      ...(env ? { env } : {}),
      ...(args.branch !== undefined ? { branch: args.branch } : {}),
    });
    const connectivity = result.plan !== undefined ? connectivityOf(result.plan) : undefined;
    const failed = result.project === undefined;
    if (args.json) {
      process.stdout.write(
        JSON.stringify({ diagnostics: result.diagnostics, report: result.report, ...(connectivity ? { connectivity } : {}) }, null, 2) + "\n",
      );
    } else {
      const colour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
      const text = renderText(result, colour && !failed, connectivity ? renderConnectivity(connectivity, environmentLabel(env)) : []);
      (failed ? process.stderr : process.stdout).write(text + "\n");
    }
    return failed ? 1 : 0;
  },
};

import * as fs from "fs";
import * as path from "path";
import { formatDiagnostic, sortDiagnostics } from "../../compose/diagnostics";
import { load } from "../../compose/load";
import { ConversionEntry, ConversionStatus, Diagnostic, LoadResult } from "../../compose/model";
import { reportDiagnostics } from "../../compose/report";
import { defaultEnvironment } from "../../config/defaults";
import { planProject } from "../../planner/plan-project";
import { Command, UsageError, parseFlags } from "../command";

const HELP = `Usage: compose2ecs check [-f FILE]... [-C DIR] [--profile NAME]... [--json]

Load compose files the way docker compose does (interpolation, .env, extends, include,
profiles, several -f files merged in order) and report, for every service and every key it
uses, what it becomes on ECS: mapped, mapped with loss, not applicable on ECS, or rejected.
It also plans the ECS services (for the built-in environment), so it fails wherever synth
would for the compose file: task sizes, routes, and AWS limits (64 KiB per task definition,
60 rules per security group). Only regular files of at most 10 MiB are read.

Options:
  -f, --file FILE         Compose file; repeat to merge several in order. Default: COMPOSE_FILE,
                          else compose.yaml / compose.yml / docker-compose.yaml /
                          docker-compose.yml (+ its .override file) in DIR or a parent folder.
  -C, --project-dir DIR   Folder the files and the discovery are relative to. Default: current folder.
      --profile NAME      Enable services of this profile; repeat or comma-separate.
                          Default: COMPOSE_PROFILES.
      --json              Print {"diagnostics": [...], "report": [...]} for CI instead of text.
  -h, --help              Show this help.

Problems are printed one per line as  file:line:col compose.path: message
(warnings say "warning:"). Colour is used only when the output is a terminal (not with NO_COLOR).

Exit codes: 0 the project converts (warnings allowed), 1 errors in the input, 2 wrong usage.`;

interface CheckArgs {
  readonly files: string[];
  readonly dir: string;
  readonly profiles: string[];
  readonly json: boolean;
}

function parse(argv: readonly string[]): CheckArgs {
  const { values, positionals } = parseFlags({
    args: [...argv],
    options: {
      file: { type: "string", short: "f", multiple: true },
      "project-dir": { type: "string", short: "C" },
      profile: { type: "string", multiple: true },
      json: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (compose files are given with -f)`);
  const dir = path.resolve(values["project-dir"] ?? process.cwd());
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`-C ${values["project-dir"] ?? ""}: no such directory`);
  return { files: values.file ?? [], dir, profiles: values.profile ?? [], json: values.json === true };
}

const STATUS_LABEL: Readonly<Record<ConversionStatus, string>> = {
  mapped: "mapped",
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
  const statusCode: Readonly<Record<ConversionStatus, string>> = { mapped: "32", "mapped-with-loss": "33", "not-applicable": "33", rejected: "31" };
  return {
    status: (s, text) => paint(statusCode[s], text),
    severity: (d, text) => paint(d.severity === "error" ? "31" : d.severity === "warning" ? "33" : "2", text),
    bold: (text) => paint("1", text),
  };
}

/** The report for people: problems first, then every key grouped by service, then a summary. */
export function renderText(result: LoadResult, colour: boolean): string {
  const s = style(colour);
  const lines: string[] = [];
  const fromReport = new Set(reportDiagnostics(result.report).map(formatDiagnostic));
  const others = result.diagnostics.filter((d) => !fromReport.has(formatDiagnostic(d)));
  for (const d of others) lines.push(s.severity(d, formatDiagnostic(d)));
  if (others.length > 0) lines.push("");
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.filter((d) => d.severity === "warning").length;
  if (result.project === undefined) {
    lines.push(`check failed: ${errors} error${errors === 1 ? "" : "s"}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}; nothing converted.`);
    return lines.join("\n");
  }
  const project = result.project;
  lines.push(s.bold(`Project ${project.name} (${project.files.join(", ")}): ${project.services.length} service${project.services.length === 1 ? "" : "s"}`));
  const groups = groupByService(result.report);
  const keyWidth = Math.max(10, ...result.report.map((e) => e.key.length));
  const statusWidth = Math.max(...Object.values(STATUS_LABEL).map((l) => l.length));
  for (const [service, entries] of groups) {
    lines.push("", s.bold(service ?? "(top level)"));
    for (const e of entries) lines.push(`  ${s.status(e.status, STATUS_LABEL[e.status].padEnd(statusWidth))}  ${e.key.padEnd(keyWidth)}  ${e.detail}`);
  }
  const count = (status: ConversionStatus): number => result.report.filter((e) => e.status === status).length;
  lines.push(
    "",
    `${count("mapped")} mapped, ${count("mapped-with-loss")} mapped with loss, ${count("not-applicable")} not applicable, ${count("rejected")} rejected; ` +
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

/**
 * `check` fails wherever `synth` would for the compose file's sake: the planner's decisions
 * (task sizes, routes, AWS limits such as the 64 KiB task definition and 60 rules per security
 * group) are made for the built-in environment. Its load balancer is internal here because
 * which CIDRs may reach it is a setting of the environment file, not of the compose file.
 */
function withPlan(loaded: LoadResult): LoadResult {
  if (loaded.project === undefined) return loaded;
  const env = defaultEnvironment("default");
  const planned = planProject({ project: loaded.project, env: { ...env, loadBalancer: { ...env.loadBalancer, internal: true } } });
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...planned.diagnostics]);
  return planned.plan === undefined ? { diagnostics, report: loaded.report } : { ...loaded, diagnostics };
}

export const command: Command = {
  help: HELP,
  async run(argv) {
    const args = parse(argv);
    const result = withPlan(load({ files: args.files, workingDir: args.dir, ...(args.profiles.length > 0 ? { profiles: args.profiles } : {}) }));
    const failed = result.project === undefined;
    if (args.json) {
      process.stdout.write(JSON.stringify({ diagnostics: result.diagnostics, report: result.report }, null, 2) + "\n");
    } else {
      const colour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
      const text = renderText(result, colour && !failed);
      (failed ? process.stderr : process.stdout).write(text + "\n");
    }
    return failed ? 1 : 0;
  },
};

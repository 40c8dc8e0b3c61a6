import { AttributeChange } from "./attribute-diff";
import { DiffReport, ResourceChange, hasChanges } from "./diff";
import { cell, code, codeValue, plural, table } from "./markdown";

/** Text forms of a DiffReport: Markdown for a pull-request comment, JSON for tools. */

const SHARED = "(shared)";

export interface DiffCounts {
  readonly replaced: number;
  readonly changed: number;
  readonly added: number;
  readonly removed: number;
}

export function countChanges(report: DiffReport): DiffCounts {
  const managed = report.resources.filter((r) => r.mode === "managed");
  return {
    replaced: managed.filter((r) => r.replaced).length,
    changed: managed.filter((r) => r.kind === "changed" && !r.replaced).length,
    added: managed.filter((r) => r.kind === "added").length,
    removed: managed.filter((r) => r.kind === "removed").length,
  };
}

function attributeLine(change: AttributeChange, indent: string): string {
  const marker = change.forcesReplacement ? " **(forces replacement)**" : "";
  if (change.before === undefined) return `${indent}- ${code(change.path)}: added ${codeValue(change.after)}${marker}`;
  if (change.after === undefined) return `${indent}- ${code(change.path)}: removed (was ${codeValue(change.before)})${marker}`;
  return `${indent}- ${code(change.path)}: ${codeValue(change.before)} → ${codeValue(change.after)}${marker}`;
}

function resourceLines(change: ResourceChange): string[] {
  const what = change.mode === "data" ? `data source ${code(change.address)}` : code(change.address);
  switch (change.kind) {
    case "added":
      return [`- **add** ${what}${change.identity ? ` (${cell(change.identity)})` : ""}`];
    case "removed":
      return [`- **destroy** ${what}${change.identity ? ` (${cell(change.identity)})` : ""}`];
    case "moved":
      return [`- **replace** ${what}: address changed from ${code(change.previousAddress ?? "")} (same arguments)`];
    case "changed": {
      const verb = change.replaced ? "**replace**" : "update";
      const lines = [`- ${verb} ${what}`];
      for (const a of change.attributes) lines.push(attributeLine(a, "  "));
      for (const c of change.containers) {
        lines.push(`  - container ${code(c.container)} ${c.kind === "changed" ? "" : c.kind}`.trimEnd());
        if (c.kind === "changed") for (const f of c.fields) lines.push(attributeLine({ ...f, forcesReplacement: false }, "    "));
      }
      return lines;
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function replacementTable(report: DiffReport): string[] {
  const replaced = report.resources.filter((r) => r.replaced);
  if (replaced.length === 0) return [];
  return [
    `### Replacements (${replaced.length})`,
    "",
    "Terraform will destroy and re-create these (a task definition gets a new revision):",
    "",
    ...table(
      ["Environment", "Stack", "Service", "Resource", "Forced by", "Consequence"],
      replaced.map((r) => [
        cell(r.environment),
        cell(r.stack),
        cell(r.service ?? SHARED),
        code(r.address),
        r.replacementReasons.map((p) => (p.includes(" ") ? cell(p) : code(p))).join(", "),
        cell(r.consequence ?? ""),
      ]),
    ),
    "",
  ];
}

/** The pull-request comment. */
export function renderDiffMarkdown(report: DiffReport): string {
  const lines: string[] = ["## compose2ecs diff", ""];
  if (!hasChanges(report)) return [...lines, "No changes: both synth outputs describe the same resources.", ""].join("\n");
  const counts = countChanges(report);
  lines.push(`**${plural(counts.replaced, "replacement")}**, ${counts.changed} updated in place, ${counts.added} added, ${counts.removed} destroyed.`, "");
  if (report.stacks.length > 0) {
    lines.push(
      "### Stacks",
      "",
      ...report.stacks.map((s) => `- ${s.kind === "added" ? "new stack" : "stack removed"} ${code(s.stack)} (${plural(s.resourceCount, "resource")})`),
      "",
    );
  }
  lines.push(...replacementTable(report));
  for (const [env, envChanges] of groupBy(report.resources, (r) => r.environment)) {
    for (const [stack, stackChanges] of groupBy(envChanges, (r) => r.stack)) {
      lines.push(`### ${cell(env)} / ${cell(stack)}`, "");
      const byService = groupBy(stackChanges, (r) => r.service ?? SHARED);
      for (const service of [...byService.keys()].sort((a, b) => Number(a === SHARED) - Number(b === SHARED) || a.localeCompare(b))) {
        lines.push(service === SHARED ? "#### shared resources" : `#### service ${code(service)}`, "");
        for (const change of byService.get(service) ?? []) lines.push(...resourceLines(change));
        lines.push("");
      }
    }
  }
  if (report.outputs.length > 0) {
    lines.push("### Outputs", "");
    for (const o of report.outputs) lines.push(`- ${code(`${o.stack}.${o.name}`)}: ${codeValue(o.before)} → ${codeValue(o.after)}`);
    lines.push("");
  }
  return lines.join("\n");
}

export function renderDiffJson(report: DiffReport): string {
  return JSON.stringify({ summary: countChanges(report), changed: hasChanges(report), ...report }, null, 2) + "\n";
}

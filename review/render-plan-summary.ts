import { cell, code, plural, table } from "./markdown";
import { ActionCounts, PlanFileSummary, PlannedChange, countActions, countsByService } from "./plan-summary";

/** Text forms of plan summaries: Markdown for a pull-request comment, JSON for tools. */

const SHARED = "(shared)";

function title(plan: PlanFileSummary): string {
  if (plan.stack !== undefined) return `${code(plan.stack)}${plan.environment ? ` (environment ${code(plan.environment)})` : ""}`;
  return code(plan.file);
}

/** Terraform's own headline: a replacement counts as one add and one destroy. */
export function terraformHeadline(counts: ActionCounts): string {
  const add = counts.create + counts.replace;
  const destroy = counts.destroy + counts.replace;
  return `Plan: ${add} to add, ${counts.update} to change, ${destroy} to destroy.`;
}

function reasonText(change: PlannedChange): string {
  if (change.replacePaths.length > 0) return change.replacePaths.map(code).join(", ");
  return cell(change.reason ?? "");
}

function planSection(plan: PlanFileSummary): string[] {
  const counts = countActions(plan.changes);
  const lines = [`### ${title(plan)}`, ""];
  if (plan.changes.length === 0) return [...lines, "No changes. The infrastructure matches the configuration.", ""];
  lines.push(`${terraformHeadline(counts)} **${plural(counts.replace, "replacement")}**, ${plural(counts.destroy, "destroy")}.`, "");
  const replaced = plan.changes.filter((c) => c.action === "replace");
  if (replaced.length > 0) {
    lines.push(
      `**Replaced** (destroyed and re-created):`,
      "",
      ...table(
        ["Service", "Resource", "Forced by", "Consequence"],
        replaced.map((c) => [cell(c.service ?? SHARED), code(c.address), reasonText(c), cell(c.consequence ?? "")]),
      ),
      "",
    );
  }
  const destroyed = plan.changes.filter((c) => c.action === "destroy");
  if (destroyed.length > 0) {
    lines.push(
      "**Destroyed:**",
      "",
      ...destroyed.map((c) => `- ${code(c.address)} (${cell(c.service ?? SHARED)})${c.reason ? `: ${cell(c.reason)}` : ""}`),
      "",
    );
  }
  lines.push(
    ...table(
      ["Service", "create", "update in place", "replace", "destroy"],
      countsByService(plan.changes).map(([service, c]) => [
        service === "" ? SHARED : code(service),
        String(c.create),
        String(c.update),
        String(c.replace),
        String(c.destroy),
      ]),
    ),
    "",
  );
  const updated = plan.changes.filter((c) => c.action === "update" || c.action === "create" || c.action === "forget");
  if (updated.length > 0) {
    lines.push(
      "<details><summary>Other changes</summary>",
      "",
      ...updated.map((c) => `- ${c.action === "update" ? "update" : c.action} ${code(c.address)}`),
      "",
      "</details>",
      "",
    );
  }
  return lines;
}

export function renderPlanSummaryMarkdown(plans: readonly PlanFileSummary[]): string {
  const all = plans.flatMap((p) => p.changes);
  const counts = countActions(all);
  return [
    "## compose2ecs plan summary",
    "",
    plans.length > 1 ? `${plural(plans.length, "plan")}: ${terraformHeadline(counts)}` : "",
    "",
    ...plans.flatMap(planSection),
  ]
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

export function renderPlanSummaryJson(plans: readonly PlanFileSummary[]): string {
  return (
    JSON.stringify(
      plans.map((p) => ({
        ...p,
        counts: countActions(p.changes),
        services: countsByService(p.changes).map(([service, counts]) => ({ service: service === "" ? null : service, ...counts })),
      })),
      null,
      2,
    ) + "\n"
  );
}

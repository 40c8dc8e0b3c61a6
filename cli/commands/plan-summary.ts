import { readFileSync, writeFileSync } from "node:fs";

import { Command, InputError, UsageError, parseFlags } from "../command";
import { JsonValue } from "../../review/json";
import { PlanFileSummary, countActions, parsePlan } from "../../review/plan-summary";
import { renderPlanSummaryJson, renderPlanSummaryMarkdown } from "../../review/render-plan-summary";

const HELP = `Usage: compose2ecs plan-summary PLAN.json... [--format md|json] [--out FILE] [--fail-on-replace]

Summarise Terraform plans per compose service: create / update in place / replace / destroy counts,
replaced resources first with the attribute(s) that force the replacement (Terraform's
replace_paths), then destroyed resources. Markdown is meant for a pull-request comment.

Arguments:
  PLAN.json          output of \`terraform show -json PLANFILE\` (one or more, e.g. one per stack)

Options:
  --format md|json   Markdown (default) or JSON
  --out FILE         write the summary to FILE instead of standard output
  --fail-on-replace  exit 1 when any resource is replaced or destroyed (a CI gate)
  -h, --help         show this help

Example:
  cd out/stacks/qa-feature-x && terraform plan -out plan.tfplan && terraform show -json plan.tfplan > plan.json
  compose2ecs plan-summary plan.json > comment.md

Exit codes: 0 summary printed, 1 unreadable plan (or replacements with --fail-on-replace), 2 wrong usage.
`;

function parse(argv: readonly string[]): { files: string[]; format: "md" | "json"; out?: string; failOnReplace: boolean } {
  const parsed = parseFlags({
    args: [...argv],
    allowPositionals: true,
    options: { format: { type: "string", default: "md" }, out: { type: "string" }, "fail-on-replace": { type: "boolean", default: false } },
  });
  if (parsed.positionals.length === 0) throw new UsageError("expected at least one PLAN.json (terraform show -json output)");
  const format = parsed.values.format;
  if (format !== "md" && format !== "json") throw new UsageError(`--format must be md or json, not "${format}"`);
  return {
    files: parsed.positionals,
    format,
    ...(parsed.values.out !== undefined ? { out: parsed.values.out } : {}),
    failOnReplace: parsed.values["fail-on-replace"] === true,
  };
}

function readPlan(file: string): { plan?: PlanFileSummary; error?: string } {
  let json: JsonValue;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as JsonValue;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: `${file}: cannot read plan JSON: ${message} (give \`terraform show -json PLANFILE\` output, not the binary plan)` };
  }
  const result = parsePlan(json, file);
  return result.ok ? { plan: result.plan } : { error: result.error };
}

export const command: Command = {
  help: HELP,
  async run(argv) {
    const options = parse(argv);
    const results = options.files.map(readPlan);
    const errors = results.flatMap((r) => (r.error !== undefined ? [r.error] : []));
    if (errors.length > 0) throw new InputError(errors);
    const plans = results.flatMap((r) => (r.plan !== undefined ? [r.plan] : []));
    const text = options.format === "json" ? renderPlanSummaryJson(plans) : renderPlanSummaryMarkdown(plans);
    if (options.out !== undefined) writeFileSync(options.out, text);
    else process.stdout.write(text);
    const counts = countActions(plans.flatMap((p) => p.changes));
    return options.failOnReplace && counts.replace + counts.destroy > 0 ? 1 : 0;
  },
};

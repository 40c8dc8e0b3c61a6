import { Command, UsageError, parseFlags } from "../command";
import { diffSynthOutputs, hasChanges } from "../../review/diff";
import { renderDiffJson, renderDiffMarkdown } from "../../review/render-diff";
import { readSynthOutput } from "../../review/synth-output";

const HELP = `Usage: compose2ecs diff OLD_DIR NEW_DIR [--format md|json] [--out FILE]

Compare two synth outputs (e.g. the base branch's and a pull request's) without credentials or
state. Changes are grouped by environment, stack and compose service: resources added, destroyed,
updated in place (with each changed argument; container definitions are decoded and compared
container by container, field by field) and, first, resources Terraform will REPLACE, with the
argument that forces it (target group name/port, task definition, log group name, ...).

Arguments:
  OLD_DIR, NEW_DIR   folders written by \`compose2ecs synth --out DIR\` (JSON output, not --hcl)

Options:
  --format md|json   Markdown for a pull-request comment (default) or JSON
  --out FILE         write the report to FILE instead of standard output
  -h, --help         show this help

Exit codes (usable as a CI gate):
  0  no changes
  1  changes found
  2  error (missing or unreadable folder, wrong usage)
`;

function parse(argv: readonly string[]): { oldDir: string; newDir: string; format: "md" | "json"; out?: string } {
  const parsed = parseFlags({
    args: [...argv],
    allowPositionals: true,
    options: { format: { type: "string", default: "md" }, out: { type: "string" } },
  });
  const [oldDir, newDir, ...extra] = parsed.positionals;
  if (oldDir === undefined || newDir === undefined) throw new UsageError("expected OLD_DIR and NEW_DIR");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const format = parsed.values.format;
  if (format !== "md" && format !== "json") throw new UsageError(`--format must be md or json, not "${format}"`);
  return { oldDir, newDir, format, ...(parsed.values.out !== undefined ? { out: parsed.values.out } : {}) };
}

export const command: Command = {
  help: HELP,
  async run(argv) {
    const options = parse(argv);
    const before = readSynthOutput(options.oldDir);
    const after = readSynthOutput(options.newDir);
    const errors = [...(before.ok ? [] : before.errors), ...(after.ok ? [] : after.errors)];
    if (!before.ok || !after.ok) {
      // Exit 2, not 1: a CI gate must not read "cannot compare" as "there are changes".
      process.stderr.write(errors.map((l) => `compose2ecs diff: ${l}\n`).join(""));
      return 2;
    }
    const report = diffSynthOutputs(before.output, after.output);
    const text = options.format === "json" ? renderDiffJson(report) : renderDiffMarkdown(report);
    if (options.out !== undefined) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(options.out, text);
    } else {
      process.stdout.write(text);
    }
    return hasChanges(report) ? 1 : 0;
  },
};

import { resolve } from "node:path";
import { formatDiagnostic, sortDiagnostics } from "../../compose/diagnostics";
import { planRequest } from "../../pipeline/plan-request";
import { estimateCost } from "../../review/cost";
import { renderCostJson, renderCostMarkdown } from "../../review/render-cost";
import { Command, InputError, UsageError, parseFlags } from "../command";

const HELP = `Usage: compose2ecs cost [-f FILE]... [-C DIR] [--profile P]... [--env NAME] [--branch NAME] [--branches N] [--awake-hours H] [--format md|json]

Estimate the monthly cost of an environment's base stack and of its application stack (or of one
branch, and of the base with N branches), from the price table shipped with compose2ecs
(review/prices.ts: its date and source are printed) and stated traffic assumptions. Nothing is
written and no AWS account is needed; like diagram, it never allocates a branch slot.

Options:
  -f, --file FILE      compose file (repeatable; default: the environment's compose files, else discovery)
  -C, --project-dir    project directory (default: .)
  --profile P          activate a compose profile (repeatable)
  --env NAME           environment (default: COMPOSE2ECS_ENV, else the built-in "default")
  --branch NAME        branch of a branch environment (default: BRANCH, else the git branch)
  --branches N         price the base together with N branches (default: 10)
  --awake-hours H      hours per week the application's tasks run (a sleep schedule), to show
                       what it saves (default: the awake hours of the environment's sleepSchedule)
  --format FORMAT      md (default; a pull-request comment) or json
  -h, --help           show this help

Exit codes: 0 estimated, 1 invalid input or no prices for the region, 2 wrong usage.
`;

function count(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n > max) throw new UsageError(`${flag} must be a number from 0 to ${max}, not "${value}"`);
  return n;
}

export const command: Command = {
  help: HELP,
  async run(argv) {
    const { values } = parseFlags({
      args: [...argv],
      options: {
        file: { type: "string", short: "f", multiple: true, default: [] },
        "project-dir": { type: "string", short: "C", default: "." },
        profile: { type: "string", multiple: true, default: [] },
        env: { type: "string" },
        branch: { type: "string" },
        branches: { type: "string" },
        "awake-hours": { type: "string" },
        format: { type: "string", default: "md" },
      },
    });
    const format = values.format;
    if (format !== "md" && format !== "json") throw new UsageError(`--format must be md or json, not "${format}"`);
    const branchCount = count(values.branches, "--branches", 1000);
    const awake = count(values["awake-hours"], "--awake-hours", 168);
    const planned = await planRequest({
      projectDir: resolve(values["project-dir"] ?? "."),
      files: values.file ?? [],
      profiles: values.profile ?? [],
      ...(values.env !== undefined ? { envName: values.env } : {}),
      ...(values.branch !== undefined ? { branch: values.branch } : {}),
      envVars: process.env,
    });
    if (planned.plan === undefined) throw new InputError(sortDiagnostics(planned.diagnostics).map(formatDiagnostic));
    const result = estimateCost(planned.plan, {
      ...(branchCount !== undefined ? { branchCount } : {}),
      ...(awake !== undefined ? { awakeHoursPerWeek: awake } : {}),
    });
    if (!result.ok) throw new InputError([`cost: ${result.message}`]);
    process.stdout.write(format === "json" ? renderCostJson(result.estimate) : renderCostMarkdown(result.estimate));
    return 0;
  },
};

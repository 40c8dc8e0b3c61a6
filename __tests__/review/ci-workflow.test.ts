import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { runCli } from "./cli-harness";

/**
 * The example workflow (docs/ci/github-actions.yml) must only call compose2ecs commands and flags
 * that exist: every invocation is found in the `run:` scripts, its command must print --help, and
 * each flag it passes must be documented in that help (the help text is the CLI's contract).
 */

const WORKFLOW = join(__dirname, "..", "..", "docs", "ci", "github-actions.yml");

interface Step {
  readonly run?: string;
}
interface Job {
  readonly steps: readonly Step[];
  readonly if?: string;
}

function workflow(): { on: Record<string, unknown>; jobs: Record<string, Job> } {
  return parse(readFileSync(WORKFLOW, "utf8")) as { on: Record<string, unknown>; jobs: Record<string, Job> };
}

/** `node <anything>dist/cli/main.js CMD args...` up to a pipe, `;`, `&&`, `||` or the end of the line. */
function invocations(script: string): string[][] {
  const joined = script.replace(/\\\n\s*/g, " ");
  const found: string[][] = [];
  for (const match of joined.matchAll(/node \S*dist\/cli\/main\.js ([^|;&\n]*)/g)) {
    const args = (match[1] ?? "").trim().match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
    found.push(args);
  }
  return found;
}

function allInvocations(): string[][] {
  return Object.values(workflow().jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? invocations(step.run) : [])));
}

describe("docs/ci/github-actions.yml", () => {
  test("GIVEN the workflow WHEN parsed THEN it reviews pull requests, deploys the QA branch and collects garbage on a schedule", () => {
    const wf = workflow();
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
    const commands = new Set(allInvocations().map((args) => args[0]));
    expect(commands).toEqual(new Set(["synth", "diff", "plan-summary", "diagram", "cost", "up", "branches"]));
    const scripts = Object.values(wf.jobs)
      .flatMap((j) => j.steps.map((s) => s.run ?? ""))
      .join("\n");
    expect(scripts).toMatch(/terraform -chdir="\$dir" validate/);
    expect(scripts).toMatch(/terraform -chdir="\$dir" show -json plan\.tfplan/);
    expect(scripts).toMatch(/branches gc --env qa --live - --expired --destroy/);
  });

  test.each(allInvocations().map((args) => [args.join(" "), args] as const))(
    "GIVEN `compose2ecs %s` WHEN checked against its --help THEN the command and every flag exist",
    async (_text, args) => {
      const [command, ...rest] = args;
      const help = await runCli([command ?? "", "--help"]);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      for (const flag of rest.filter((a) => /^--?[A-Za-z]/.test(a))) {
        const name = flag.split("=")[0] ?? flag;
        expect({ flag: name, documented: new RegExp(`(^|[\\s,\\[])${name.replace(/[-]/g, "\\-")}([\\s,=\\]]|$)`, "m").test(help.stdout) }).toEqual({
          flag: name,
          documented: true,
        });
      }
    },
  );

  test("GIVEN the diff step WHEN the exit code is 1 (changes) THEN the job continues, and only 2 fails it", () => {
    const diffStep = workflow().jobs.review?.steps.find((s) => s.run?.includes("main.js diff"));
    expect(diffStep?.run).toMatch(/set \+e/);
    expect(diffStep?.run).toMatch(/if \[ "\$code" -eq 2 \]; then exit 2; fi/);
  });
});

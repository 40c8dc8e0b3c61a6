import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { branchSlug } from "../../naming/branch-slug";
import { albShare } from "../../state/alb-capacity";
import { planRequest } from "../../pipeline/plan-request";
import { synthesize } from "../../stacks/synthesize";
import { testTerraformEnv } from "../../testing/test-provider-mirror";
import { terraform } from "../../terraform/run";
import { pluginCacheEnv } from "../../testing/plugin-cache";
import { terraformBudget } from "../helpers/budgets";

/**
 * The bundled example's QA environment synthesized for two branches: one base and two branch
 * stacks, each with its own state file, listener port and priority block, all valid Terraform.
 */

const REPO = resolve(__dirname, "..", "..");
const BRANCHES = ["feature/ÄÖ-login", "fix--x"];

interface StackJson {
  readonly terraform: { readonly backend: { readonly local: { readonly path: string } } };
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, unknown>;
}

/** The bundled qa.yml, with the compose path made absolute so it works from another project folder. */
function qaFile(): string {
  const text = readFileSync(join(REPO, "environments", "qa.yml"), "utf8");
  return text.replace("  - examples/seed/docker-compose.yml", `  - ${join(REPO, "examples", "seed", "docker-compose.yml")}`);
}

describe("QA branch stacks of the bundled example", () => {
  let work: string;
  let project: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "c2e-qa-stacks-"));
    project = join(work, "project");
    mkdirSync(join(project, "environments"), { recursive: true });
    writeFileSync(join(project, "environments", "qa.yml"), qaFile());
    const compose = join(REPO, "examples", "seed", "docker-compose.yml");
    writeFileSync(
      join(project, "environments", "qadomain.yml"),
      `branches: true\ncompose: [${compose}]\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n  domain: qa.example.com\n  deletionProtection: false\n`,
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const stack = (out: string, name: string): StackJson => JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8")) as StackJson;

  test(
    "GIVEN two branches WHEN synthesized THEN each gives qa-base and qa-<slug> with their own state, port and priorities, and terraform validates all three",
    async () => {
      const outs = BRANCHES.map((_, i) => join(work, `out-${i}`));
      for (const [i, branch] of BRANCHES.entries()) {
        const result = await synthesize({ files: [], projectDir: project, profiles: [], envName: "qa", branch, outDir: outs[i], hcl: false, envVars: {} });
        expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(result.stacks).toEqual(["qa-base", `qa-${branchSlug(branch)}`]);
      }
      const stateOf = (out: string, name: string) => resolve(join(out, "stacks", name), stack(out, name).terraform.backend.local.path);
      const stateDir = join(project, ".compose2ecs", "state", "qa");
      expect(stateOf(outs[0], "qa-base")).toBe(join(stateDir, "base.tfstate"));
      expect(stateOf(outs[1], "qa-base")).toBe(join(stateDir, "base.tfstate"));
      const branchStacks = BRANCHES.map((b, i) => ({ out: outs[i], name: `qa-${branchSlug(b)}` }));
      expect(branchStacks.map((s) => stateOf(s.out, s.name))).toEqual(BRANCHES.map((b) => join(stateDir, `${branchSlug(b)}.tfstate`)));

      const listenerPorts = branchStacks.map((s) => Object.values(stack(s.out, s.name).resource?.aws_lb_listener ?? {}).map((l) => l.port));
      expect(listenerPorts).toEqual([[10001], [10002]]);
      const priorities = branchStacks.map((s) => Object.values(stack(s.out, s.name).resource?.aws_lb_listener_rule ?? {}).map((r) => Number(r.priority)));
      expect(priorities[0].every((p) => p >= 51 && p <= 100)).toBe(true);
      expect(priorities[1].every((p) => p >= 101 && p <= 150)).toBe(true);
      expect(branchStacks.every((s) => stack(s.out, s.name).output?.url !== undefined)).toBe(true);

      const env = { ...testTerraformEnv(join(work, "terraform.rc"), process.env), ...pluginCacheEnv() };
      for (const dir of [join(outs[0], "stacks", "qa-base"), ...branchStacks.map((s) => join(s.out, "stacks", s.name))]) {
        // With the backend: the local state path, relative to the stack folder, must resolve.
        const init = await terraform(["init", "-input=false"], { cwd: dir, env });
        expect({ dir, stderr: init.stderr, code: init.code }).toEqual({ dir, stderr: "", code: 0 });
        const validate = await terraform(["validate"], { cwd: dir, env });
        expect({ dir, out: validate.stdout + validate.stderr, code: validate.code }).toEqual({
          dir,
          out: expect.stringContaining("Success! The configuration is valid."),
          code: 0,
        });
      }
    },
    terraformBudget(3),
  );

  test("GIVEN the example's QA plan WHEN its ALB share is measured THEN one base holds 48 branches by listeners, 50 with a domain", async () => {
    const byPort = await planRequest({ projectDir: project, envName: "qa", branch: "capacity", envVars: {} });
    const byHost = await planRequest({ projectDir: project, envName: "qadomain", branch: "capacity", envVars: {} });
    if (byPort.plan === undefined || byHost.plan === undefined)
      throw new Error([...byPort.diagnostics, ...byHost.diagnostics].map((d) => d.message).join("\n"));
    expect(albShare(byPort.plan.app)).toMatchObject({ targetGroups: 2, rules: 2, listeners: 1, branchesPerBase: 48, diagnostics: [] });
    expect(albShare(byHost.plan.app)).toMatchObject({ targetGroups: 2, rules: 2, listeners: 0, branchesPerBase: 50, diagnostics: [] });
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonValue } from "../../review/json";
import { countsByService, parsePlan, PlanFileSummary } from "../../review/plan-summary";
import { forcesReplacement } from "../../review/replacement-rules";
import { runCli } from "./cli-harness";
import { FixtureService, SEED_LIKE, synthFixture } from "./fixture-app";
import { Moto, planJson, startMoto, terraformEnv, tf } from "./terraform-harness";
import { terraformBudget } from "../helpers/budgets";

/**
 * Real plans: the fixture stack is planned and applied against moto with the real AWS provider,
 * then changed and planned again; plan-summary reads real `terraform show -json` output.
 */

let root: string;
let moto: Moto;
let env: NodeJS.ProcessEnv;
let freshPlan: JsonValue;
let changedPlan: JsonValue;
const statePath = (): string => join(root, "state", "qa-app.tfstate");

async function synthAndInit(name: string, services: readonly FixtureService[]): Promise<string> {
  const out = join(root, name);
  synthFixture(out, { env: "qa", role: "app", services, endpoint: moto.endpoint, statePath: statePath() });
  const stackDir = join(out, "stacks", "qa-app");
  await tf(["init", "-input=false", "-backend=true"], stackDir, env);
  return stackDir;
}

const CHANGED: readonly FixtureService[] = [
  // web: new container port -> target group replaced (port), task definition new revision, service updated.
  { ...SEED_LIKE[0]!, port: 5001 },
  // boot: only replicas -> service updated in place.
  { ...SEED_LIKE[1]!, replicas: 4 },
  // redis removed -> destroyed; worker added -> created.
  { name: "worker", image: "worker:1", port: 9000 },
];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "c2e-plan-"));
  env = terraformEnv(root);
  moto = await startMoto();
  const v1 = await synthAndInit("v1", SEED_LIKE);
  freshPlan = await planJson(v1, env);
  await tf(["apply", "-input=false", "-lock=false", "-auto-approve", "plan.tfplan"], v1, env);
  const v2 = await synthAndInit("v2", CHANGED);
  changedPlan = await planJson(v2, env);
  writeFileSync(join(root, "fresh.json"), JSON.stringify(freshPlan));
  writeFileSync(join(root, "changed.json"), JSON.stringify(changedPlan));
}, terraformBudget(5));

afterAll(async () => {
  await moto?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

function parsed(json: JsonValue, file = "plan.json"): PlanFileSummary {
  const result = parsePlan(json, file);
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

describe("plan-summary on real terraform plans", () => {
  test("GIVEN a first plan WHEN summarised THEN every service's resources are creates, grouped by service, shared separately", () => {
    const plan = parsed(freshPlan);
    expect(plan.environment).toBe("qa");
    expect(plan.stack).toBe("qa-app");
    const byService = new Map(countsByService(plan.changes));
    expect([...byService.keys()]).toEqual(["boot", "redis", "web", ""]);
    for (const service of ["boot", "redis", "web"]) {
      // log group, role, inline policy (untagged: grouped by its cdktf name), SG, target group, task definition, ECS service
      expect(byService.get(service)).toEqual({ create: 7, update: 0, replace: 0, destroy: 0, forget: 0 });
    }
    expect(byService.get("")?.create).toBe(4); // vpc, 2 subnets, cluster
  });

  test("GIVEN a changed app WHEN summarised THEN replacements carry Terraform's replace_paths and removed services are destroyed", () => {
    const plan = parsed(changedPlan);
    const web = plan.changes.filter((c) => c.service === "web");
    const targetGroup = web.find((c) => c.type === "aws_lb_target_group");
    expect(targetGroup).toMatchObject({ action: "replace", replacePaths: ["port"] });
    expect(web.find((c) => c.type === "aws_ecs_task_definition")?.action).toBe("replace");
    expect(web.find((c) => c.type === "aws_ecs_service")?.action).toBe("update");
    expect(plan.changes.filter((c) => c.service === "boot").map((c) => [c.type, c.action])).toEqual([["aws_ecs_service", "update"]]);
    expect(new Set(plan.changes.filter((c) => c.service === "redis").map((c) => c.action))).toEqual(new Set(["destroy"]));
    expect(new Set(plan.changes.filter((c) => c.service === "worker").map((c) => c.action))).toEqual(new Set(["create"]));
  });

  test("GIVEN real replace_paths WHEN compared with the diff's replacement table THEN the table agrees with the provider", () => {
    const replaced = parsed(changedPlan).changes.filter((c) => c.action === "replace");
    expect(replaced.length).toBeGreaterThan(0);
    for (const change of replaced) {
      for (const path of change.replacePaths) expect([change.type, path, forcesReplacement(change.type, path)]).toEqual([change.type, path, true]);
    }
  });

  test("GIVEN the CLI WHEN run on the plan THEN Markdown lists replacements first, with counts per service", async () => {
    const result = await runCli(["plan-summary", join(root, "changed.json")]);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/### `qa-app` \(environment `qa`\)/);
    expect(text).toMatch(/Plan: \d+ to add, \d+ to change, \d+ to destroy\./);
    expect(text).toMatch(/\| web \| `aws_lb_target_group\.web_target-group_[0-9A-F]+` \| `port` \|/);
    expect(text.indexOf("**Replaced**")).toBeLessThan(text.indexOf("**Destroyed:**"));
    expect(text).toMatch(/\| `redis` \| 0 \| 0 \| 0 \| 7 \|/);
    // Terraform's own headline numbers must match: replacements count as add + destroy.
    const p = parsed(changedPlan).changes;
    const n = (a: string): number => p.filter((c) => c.action === a).length;
    expect(text).toContain(`Plan: ${n("create") + n("replace")} to add, ${n("update")} to change, ${n("destroy") + n("replace")} to destroy.`);
  });

  test("GIVEN --fail-on-replace WHEN the plan replaces THEN exit 1; a create-only plan exits 0", async () => {
    expect((await runCli(["plan-summary", "--fail-on-replace", join(root, "changed.json")])).code).toBe(1);
    expect((await runCli(["plan-summary", "--fail-on-replace", join(root, "fresh.json")])).code).toBe(0);
  });

  test("GIVEN two plans and --format json WHEN run THEN one entry per plan with per-service counts", async () => {
    const result = await runCli(["plan-summary", "--format", "json", join(root, "fresh.json"), join(root, "changed.json")]);
    const json = JSON.parse(result.stdout) as Array<{ stack: string; services: Array<{ service: string | null; create: number }> }>;
    expect(json.map((p) => p.stack)).toEqual(["qa-app", "qa-app"]);
    expect(json[0]?.services.find((s) => s.service === "web")?.create).toBe(7);
  });
});

describe("plan-summary input errors", () => {
  test.each([
    ["a binary plan", "\u0000\u0001PK", /cannot read plan JSON/],
    ["JSON that is not a plan", JSON.stringify({ hello: 1 }), /no format_version/],
    ["a future plan format", JSON.stringify({ format_version: "2.0" }), /format_version 2\.0 is not supported/],
  ])("GIVEN %s WHEN run THEN exit 1 with the file named", async (_what, content, message) => {
    const file = join(root, "bad.json");
    writeFileSync(file, content);
    const result = await runCli(["plan-summary", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(file);
  });

  test("GIVEN no plan file WHEN run THEN exit 2", async () => {
    expect((await runCli(["plan-summary"])).code).toBe(2);
  });

  test("GIVEN a no-op plan WHEN summarised THEN it says no changes", () => {
    const noop = JSON.parse(readFileSync(join(root, "fresh.json"), "utf8")) as { resource_changes: Array<{ change: { actions: string[] } }> };
    noop.resource_changes.forEach((c) => (c.change.actions = ["no-op"]));
    expect(parsed(noop as unknown as JsonValue).changes).toEqual([]);
  });
});

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkHclLayout, escapeHclTemplate, finishHclOutput, repairHclQuoting } from "../../review/hcl";
import { isJsonArray, isJsonObject, JsonValue } from "../../review/json";
import { runCli } from "./cli-harness";
import { SEED_LIKE, synthFixture } from "./fixture-app";
import { Moto, planJson, startMoto, terraformEnv, terraformFmtCheck, tf } from "./terraform-harness";
import { terraformBudget } from "../helpers/budgets";

/**
 * HCL for ops: the HCL output must be formatted, validate with the real provider, and plan to the
 * same resource addresses and actions as the JSON output. Plans run against moto on 127.0.0.1.
 */

let root: string;
let moto: Moto;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "c2e-hcl-"));
  env = terraformEnv(root);
  moto = await startMoto();
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** `address action` lines of a plan, sorted: what "plans to the same resources" means. */
function addressesAndActions(plan: JsonValue): string[] {
  const changes = isJsonObject(plan) && isJsonArray(plan.resource_changes) ? plan.resource_changes : [];
  return changes
    .flatMap((c) =>
      isJsonObject(c) && typeof c.address === "string" && isJsonObject(c.change) && isJsonArray(c.change.actions)
        ? [`${c.address} ${c.change.actions.join("+")}`]
        : [],
    )
    .sort();
}

function stackNames(outDir: string): string[] {
  return readdirSync(join(outDir, "stacks")).sort();
}

describe("HCL output of cdktf stacks (fixture)", () => {
  test(
    "GIVEN the same app as JSON and HCL WHEN formatted, validated and planned THEN HCL is canonical, valid and plans the same resources",
    async () => {
      const jsonOut = join(root, "fixture-json");
      const hclOut = join(root, "fixture-hcl");
      synthFixture(jsonOut, { env: "qa", role: "app", services: SEED_LIKE, endpoint: moto.endpoint, statePath: join(root, "state-json.tfstate") });
      synthFixture(hclOut, { env: "qa", role: "app", services: SEED_LIKE, endpoint: moto.endpoint, statePath: join(root, "state-hcl.tfstate"), hcl: true });

      expect(checkHclLayout(hclOut)).toEqual([]);
      expect(await finishHclOutput(hclOut, env)).toEqual({ formatted: true });
      expect((await terraformFmtCheck(hclOut, env)).code).toBe(0);

      const plans = [];
      for (const out of [jsonOut, hclOut]) {
        const dir = join(out, "stacks", "qa-app");
        await tf(["init", "-input=false"], dir, env);
        const validate = await tf(["validate", "-json"], dir, env);
        expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
        plans.push(addressesAndActions(await planJson(dir, env)));
      }
      expect(plans[0]?.length).toBeGreaterThan(20);
      expect(plans[1]).toEqual(plans[0]);
    },
    terraformBudget(6),
  );

  test("GIVEN JSON text in cdk.tf or both files in a stack WHEN checked THEN each problem is named", () => {
    const broken = join(root, "broken");
    synthFixture(broken, { env: "qa", role: "app", services: SEED_LIKE });
    cpSync(join(broken, "stacks", "qa-app", "cdk.tf.json"), join(broken, "stacks", "qa-app", "cdk.tf"));
    const problems = checkHclLayout(broken);
    expect(problems).toEqual([expect.stringMatching(/has both cdk\.tf and cdk\.tf\.json/), expect.stringMatching(/cdk\.tf: holds JSON, not HCL/)]);
  });
});

/** A copy of the bundled example project (environments + compose files) so state and slots stay out of the repo. */
function exampleProject(): string {
  const dir = join(root, "project");
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    cpSync(join(__dirname, "..", "..", "environments"), join(dir, "environments"), { recursive: true });
    cpSync(join(__dirname, "..", "..", "examples"), join(dir, "examples"), { recursive: true });
  }
  return dir;
}

async function synth(out: string, extra: readonly string[]): Promise<void> {
  const previous = process.env.COMPOSE2ECS_AWS_ENDPOINT;
  process.env.COMPOSE2ECS_AWS_ENDPOINT = moto.endpoint;
  try {
    const result = await runCli(["synth", "-C", exampleProject(), "--env", "qa", "--branch", "feature-x", "--out", out, ...extra]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  } finally {
    if (previous === undefined) delete process.env.COMPOSE2ECS_AWS_ENDPOINT;
    else process.env.COMPOSE2ECS_AWS_ENDPOINT = previous;
  }
}

describe("repairing cdktf's HCL quoting", () => {
  test.each([
    ['{"a":"${aws_x.y.arn}:*"}', '{\\"a\\":\\"${aws_x.y.arn}:*\\"}'],
    ['["sh","-c","echo \\"hi\\""] ${x}', '[\\"sh\\",\\"-c\\",\\"echo \\\\\\"hi\\\\\\"\\"] ${x}'],
    ['${jsonencode({"k" = "v"})} "q"', '${jsonencode({"k" = "v"})} \\"q\\"'],
    ['$${literal} "', '$${literal} \\"'],
  ])("GIVEN the raw template %s WHEN escaped THEN literal quotes and backslashes are escaped, interpolations kept", (raw, escaped) => {
    expect(escapeHclTemplate(raw)).toBe(escaped);
  });

  test("GIVEN a cdktf line with unescaped quotes WHEN repaired THEN only that line changes", () => {
    const text = ['resource "aws_iam_role_policy" "p" {', 'policy = "{"Resource":"${aws_cloudwatch_log_group.l.arn}:*"}"', 'name = "plain"', "}"].join("\n");
    expect(repairHclQuoting(text).split("\n")).toEqual([
      'resource "aws_iam_role_policy" "p" {',
      'policy = "{\\"Resource\\":\\"${aws_cloudwatch_log_group.l.arn}:*\\"}"',
      'name = "plain"',
      "}",
    ]);
  });
});

describe("compose2ecs synth --hcl on the bundled example", () => {
  test(
    "GIVEN the example WHEN synthesized with --hcl THEN every stack folder has only a formatted cdk.tf that validates and plans like the JSON",
    async () => {
      const jsonOut = join(root, "example-json");
      const hclOut = join(root, "example-hcl");
      await synth(jsonOut, []);
      await synth(hclOut, ["--hcl"]);

      expect(stackNames(hclOut)).toEqual(stackNames(jsonOut));
      expect(checkHclLayout(hclOut)).toEqual([]);
      for (const stack of stackNames(hclOut)) {
        expect(readdirSync(join(hclOut, "stacks", stack)).filter((f) => f.startsWith("cdk.tf"))).toEqual(["cdk.tf"]);
      }
      const fmt = await terraformFmtCheck(hclOut, env);
      expect({ code: fmt.code, unformatted: fmt.stdout.trim() }).toEqual({ code: 0, unformatted: "" });

      for (const out of [jsonOut, hclOut]) {
        for (const stack of stackNames(out)) {
          const dir = join(out, "stacks", stack);
          await tf(["init", "-input=false", "-backend=false"], dir, env);
          const validate = await tf(["validate", "-json"], dir, env);
          expect({ stack, ...JSON.parse(validate.stdout) }).toMatchObject({ stack, valid: true, error_count: 0 });
        }
      }

      // The base stack plans with no existing resources; compare JSON and HCL plans of it directly.
      const base = stackNames(jsonOut).find((s) => s.endsWith("-base"));
      expect(base).toBe("qa-base");
      const basePlans = [];
      for (const out of [jsonOut, hclOut]) {
        const dir = join(out, "stacks", "qa-base");
        await tf(["init", "-input=false", "-reconfigure"], dir, env);
        basePlans.push(addressesAndActions(await planJson(dir, env, ["-refresh=false"])));
      }
      expect(basePlans[0]?.length).toBeGreaterThan(10);
      expect(basePlans[1]).toEqual(basePlans[0]);
    },
    terraformBudget(8),
  );
});

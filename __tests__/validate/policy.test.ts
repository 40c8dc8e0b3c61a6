import { existsSync } from "node:fs";
import { join } from "node:path";
import { runProgram } from "../../terraform/run";
import { exampleProjectDir, exampleWithDataProjectDir, runCli } from "../synth/project-dir";
import { SHARED } from "./corpus";

const POLICY = join(SHARED, "security", "policy.py");

async function policy(outDir: string, qa: boolean): Promise<{ code: number; output: string }> {
  if (!existsSync(POLICY)) throw new Error(`security checker not found at ${POLICY}: set COMPOSE2ECS_SHARED_DIR to the shared folder`);
  const result = await runProgram("python3", [POLICY, outDir, ...(qa ? ["--qa"] : [])], { cwd: outDir, env: process.env }).catch((error: unknown) => {
    throw new Error(`python3 is needed to run ${POLICY}: ${String(error)}`);
  });
  return { code: result.code, output: result.stdout + result.stderr };
}

describe("security policy (shared/security/policy.py) on the bundled example", () => {
  test.each([
    ["production", ["--env", "production"], false],
    ["a QA branch (--qa)", ["--env", "qa", "--branch", "feature/policy"], true],
  ] as const)("GIVEN the %s synth WHEN the policy runs THEN no HIGH or CRITICAL rule fails", async (_label, flags, qa) => {
    const { root, projectDir } = exampleProjectDir();
    const out = join(root, "out");
    expect((await runCli(["synth", "-C", projectDir, "--out", out, ...flags])).code).toBe(0);
    const result = await policy(out, qa);
    const gating = result.output.split("\n").filter((l) => /\[(HIGH|CRITICAL)\]/.test(l) && !l.includes("(relaxed for QA)"));
    expect(gating).toEqual([]);
    expect(result.output).toMatch(/policy: \d+ passed/);
    expect(result.code).toBe(0);
  });
});

const failedRules = (output: string): string[] => [...new Set(output.split("\n").flatMap((l) => /^(SEC-\d+) /.exec(l)?.[1] ?? []))].sort();

describe("security policy on a project with data, secrets and permissions", () => {
  test("GIVEN secrets as files, secret variables, a protected volume, task permissions and private pulls WHEN the policy runs THEN no HIGH or CRITICAL rule fails and no rule fails that the example does not, but the unencrypted-by-CMK secrets", async () => {
    const plain = exampleProjectDir();
    expect((await runCli(["synth", "-C", plain.projectDir, "--out", join(plain.root, "out"), "--env", "production"])).code).toBe(0);
    const baseline = failedRules((await policy(join(plain.root, "out"), false)).output);
    const { root, projectDir } = exampleWithDataProjectDir();
    const out = join(root, "out");
    const synth = await runCli(["synth", "-C", projectDir, "--out", out, "--env", "production"]);
    expect(synth.stderr).not.toMatch(/error/);
    expect(synth.code).toBe(0);
    const result = await policy(out, false);
    expect(result.output.split("\n").filter((l) => /\[(HIGH|CRITICAL)\]/.test(l))).toEqual([]);
    // SEC-40 (MEDIUM, relaxable): Secrets Manager secrets without a customer-managed KMS key, as compose secrets always were here.
    expect(failedRules(result.output).filter((r) => !baseline.includes(r))).toEqual(["SEC-40"]);
    expect(result.code).toBe(0);
  });
});

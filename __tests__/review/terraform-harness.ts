import { join } from "node:path";
import { findTerraform } from "../../terraform/cli-config";
import { testTerraformEnv } from "../../testing/test-provider-mirror";
import { RunResult, runProgram, terraform } from "../../terraform/run";
import { JsonValue } from "../../review/json";
import { pluginCacheEnv } from "../../testing/plugin-cache";

/**
 * Real terraform and moto for review tests. Missing tools fail the test with a message saying what
 * to install (never a skip). moto only ever listens on 127.0.0.1.
 */

/** The one moto launcher (testing/moto.ts): loopback only, fails clearly when moto is missing. */
export { startMoto } from "../../testing/moto";
export type { MotoServer as Moto } from "../../testing/moto";

/** Environment for terraform: mirror-only providers, fake credentials for the emulator. */
export function terraformEnv(workDir: string): NodeJS.ProcessEnv {
  findTerraform();
  return {
    ...testTerraformEnv(join(workDir, "terraformrc")),
    ...pluginCacheEnv(),
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "eu-west-1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

export async function tf(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const result = await terraform(args, { cwd, env });
  if (result.code !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${cwd} (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
  return result;
}

/** `terraform plan -out` then `terraform show -json`: the real plan JSON plan-summary reads. */
export async function planJson(cwd: string, env: NodeJS.ProcessEnv, extra: readonly string[] = []): Promise<JsonValue> {
  await tf(["plan", "-input=false", "-lock=false", "-out=plan.tfplan", ...extra], cwd, env);
  const shown = await tf(["show", "-json", "plan.tfplan"], cwd, env);
  return JSON.parse(shown.stdout) as JsonValue;
}

export async function terraformFmtCheck(cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runProgram("terraform", ["fmt", "-check", "-recursive", "-list=true"], { cwd, env });
}

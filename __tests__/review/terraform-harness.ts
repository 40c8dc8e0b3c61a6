import { spawn, ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { findTerraform, writeCliConfig } from "../../terraform/cli-config";
import { RunResult, runProgram, terraform } from "../../terraform/run";
import { JsonValue } from "../../review/json";

/**
 * Real terraform and moto for review tests. Missing tools fail the test with a message saying what
 * to install (never a skip). moto only ever listens on 127.0.0.1.
 */

export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode} before listening`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`moto_server did not answer on ${url}`);
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", () => resolve());
    child.once("error", (error) => reject(new Error(`moto_server is required for this test (pip install 'moto[server]==5.*'): ${error.message}`)));
  });
  await spawned;
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(`${endpoint}/moto-api/`, child);
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Environment for terraform: mirror-only providers, fake credentials for the emulator. */
export function terraformEnv(workDir: string): NodeJS.ProcessEnv {
  findTerraform();
  return {
    ...writeCliConfig(join(workDir, "terraformrc")),
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

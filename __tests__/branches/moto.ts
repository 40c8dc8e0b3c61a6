import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

/** A moto_server (AWS emulator) on 127.0.0.1 for one test file; fails clearly when moto is missing. */
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

async function waitUntilUp(endpoint: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode} before it answered`);
    try {
      await fetch(`${endpoint}/moto-api/`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`moto_server did not answer at ${endpoint}`);
}

export async function startMoto(): Promise<Moto> {
  if (spawnSync("moto_server", ["--help"], { stdio: "ignore" }).error) {
    throw new Error("moto_server is not on PATH: install it with `pip install 'moto[server]==5.2.*'` to run these tests.");
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  await waitUntilUp(endpoint, child);
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Credentials the SDK needs to sign requests; moto accepts any. */
export const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "eu-west-1" } as const;

import { ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { MissingToolError } from "../terraform/cli-config";

/**
 * moto_server (the AWS API emulator) on a free loopback port, for the end-to-end tests and
 * `npm run demo`. It binds 127.0.0.1 only; `stop()` is safe to call more than once and also
 * runs when this process exits or is interrupted, so no emulator outlives its test.
 */

export const MOTO_INSTALL_HINT = "Install it with `pip install 'moto[server]>=5.2,<5.3'` (it provides the moto_server command).";

/** A running emulator. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** Everything moto wrote to stdout/stderr so far (request log, tracebacks of unimplemented APIs). */
  log(): string;
  /** Stops the emulator (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Give up when moto has not answered by then. @default 30_000 */
  readonly startTimeoutMs?: number;
  /** Process environment to look up moto_server in. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The moto_server program on PATH, or a MissingToolError saying how to install it. */
export function findMotoServer(env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of (env.PATH ?? "").split(":").filter(Boolean)) {
    const candidate = join(dir, "moto_server");
    if (existsSync(candidate)) return candidate;
  }
  throw new MissingToolError(`moto_server is not on PATH. ${MOTO_INSTALL_HINT}`);
}

/** A port nobody listens on right now (the kernel picks it; moto binds it a moment later). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free loopback port"))));
    });
  });
}

/** Resolves true when moto's own API answers on `endpoint`. */
export function motoAnswers(endpoint: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${endpoint}/moto-api/`, { method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts moto_server on 127.0.0.1 and waits until it answers. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const env = options.env ?? process.env;
  const program = findMotoServer(env);
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let lastError = "";
  // The port is free when chosen but another process may take it before moto binds: retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const server = launch(program, port, env);
    while (Date.now() < deadline && server.running()) {
      if (await motoAnswers(server.endpoint)) return server;
      await sleep(200);
    }
    lastError = server.log().trim().split("\n").slice(-5).join("\n");
    await server.stop();
    if (Date.now() >= deadline) break;
  }
  throw new Error(`moto_server did not answer on 127.0.0.1 within ${options.startTimeoutMs ?? 30_000} ms.${lastError ? `\nIts last output:\n${lastError}` : ""}`);
}

function launch(program: string, port: number, env: NodeJS.ProcessEnv): MotoServer & { running(): boolean } {
  // Own process group, so stop() also ends anything moto started (werkzeug workers).
  const child: ChildProcess = spawn(program, ["-H", "127.0.0.1", "-p", String(port)], {
    env: { ...env, MOTO_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      resolve();
    });
    child.once("error", (error) => {
      output += `\n${error.message}`;
      exited = true;
      resolve();
    });
  });
  const append = (d: Buffer) => {
    // Bounded: the request log of a long test run is not needed in full.
    output = (output + d.toString()).slice(-200_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);

  const killGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const onExit = () => killGroup("SIGKILL");
  const onSignal = (signal: NodeJS.Signals) => {
    killGroup("SIGKILL");
    removeHooks();
    // Re-raise so the process ends the way it would have without us.
    process.kill(process.pid, signal);
  };
  const removeHooks = () => {
    process.off("exit", onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  process.on("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    log: () => output,
    running: () => !exited,
    stop() {
      stopping ??= (async () => {
        killGroup("SIGTERM");
        const timer = setTimeout(() => killGroup("SIGKILL"), 5_000);
        await exit;
        clearTimeout(timer);
        removeHooks();
        child.stdout?.destroy();
        child.stderr?.destroy();
      })();
      return stopping;
    },
  };
}

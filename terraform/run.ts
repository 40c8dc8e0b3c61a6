import { spawn } from "node:child_process";

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Killed after this long. @default 600_000 */
  readonly timeoutMs?: number;
  /** Called with each chunk of output, for progress. */
  readonly onOutput?: (chunk: string) => void;
}

/** Runs terraform (or another program) and collects its output; never throws for a non-zero exit. */
export function runProgram(program: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGTERM"), options.timeoutMs ?? 600_000);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      options.onOutput?.(d.toString());
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      options.onOutput?.(d.toString());
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

export function terraform(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return runProgram("terraform", [...args, ...(needsNoColor(args) ? ["-no-color"] : [])], options);
}

function needsNoColor(args: readonly string[]): boolean {
  const sub = args[0];
  return sub !== undefined && sub !== "fmt" && sub !== "version" && !args.includes("-no-color");
}

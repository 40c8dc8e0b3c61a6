import { main } from "../../cli/main";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `work` while capturing what it writes to stdout and stderr. */
export async function captureOutput<T>(work: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const err = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    const result = await work();
    return { result, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Runs the real CLI entry (`compose2ecs ...`) in-process and captures what it prints. */
export async function runCli(argv: readonly string[]): Promise<CliResult> {
  const { result, stdout, stderr } = await captureOutput(() => main(argv));
  return { code: result, stdout, stderr };
}

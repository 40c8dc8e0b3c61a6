import { parseArgs, ParseArgsConfig } from "node:util";

/**
 * A CLI sub-command: its --help text and what it does. Only the CLI exits. Its name and one-line
 * summary live in cli/main.ts's list, the one place `compose2ecs --help` reads without loading
 * any command.
 */
export interface Command {
  readonly help: string;
  /** Returns the process exit code: 0 ok, 1 bad input or a failed check, 2 wrong usage. */
  run(argv: readonly string[]): Promise<number>;
}

/** Wrong usage (unknown flag, missing argument): printed with a hint, exit code 2. */
export class UsageError extends Error {}

/** A problem in the user's input, already formatted with its location: printed as is, exit code 1. */
export class InputError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
  }
}

/**
 * node's parseArgs, with its complaints (unknown flag, missing value) turned into usage
 * errors, so every command reports them the same way: exit 2 with a hint.
 */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A CLI sub-command: its one-line summary, its --help text, and what it does. Only the CLI exits. */
export interface Command {
  readonly name: string;
  readonly summary: string;
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

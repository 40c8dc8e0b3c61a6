import * as fs from "fs";
import * as path from "path";

/** The names docker compose looks for, in its order (compose-go cli/options.go). */
export const DEFAULT_FILE_NAMES: readonly string[] = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
export const OVERRIDE_FILE_NAMES: readonly string[] = [
  "compose.override.yaml",
  "compose.override.yml",
  "docker-compose.override.yaml",
  "docker-compose.override.yml",
];

export type Discovery = { readonly files: readonly string[] } | { readonly problem: string };

/**
 * Which files to load when none is given: COMPOSE_FILE (separated by COMPOSE_PATH_SEPARATOR,
 * default `:` or `;` on Windows), else the first default name found in `dir` or a parent
 * folder, plus the matching `.override` file beside it.
 */
export function discoverFiles(dir: string, env: Readonly<Record<string, string | undefined>>, exists: (file: string) => boolean = isFile): Discovery {
  const fromEnv = env.COMPOSE_FILE;
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    const separator = env.COMPOSE_PATH_SEPARATOR ?? path.delimiter;
    return {
      files: fromEnv
        .split(separator)
        .filter((f) => f.trim() !== "")
        .map((f) => path.resolve(dir, f)),
    };
  }
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const found = DEFAULT_FILE_NAMES.map((name) => path.join(current, name)).find(exists);
    if (found !== undefined) {
      const base = path.basename(found).startsWith("docker-") ? OVERRIDE_FILE_NAMES.slice(2) : OVERRIDE_FILE_NAMES.slice(0, 2);
      const override = [...base, ...OVERRIDE_FILE_NAMES].map((name) => path.join(current, name)).find(exists);
      return { files: override === undefined ? [found] : [found, override] };
    }
    if (path.dirname(current) === current) break;
  }
  return { problem: `no compose file found in ${dir} or its parents (looked for ${DEFAULT_FILE_NAMES.join(", ")}); pass one with -f` };
}

export function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Input files (compose files, `.env`, `env_file`, `include`, `extends`) are read only up to this
 * size: every real one is far smaller, and a file named by mistake (a log, a disk image) would
 * otherwise be read whole into memory.
 */
export const MAX_INPUT_FILE_BYTES = 10 * 1024 * 1024;

export type ReadText =
  | { readonly text: string }
  /** `missing` is set when the file does not exist (callers may treat that as "not given"). */
  | { readonly problem: string; readonly missing?: true };

/**
 * A file's text, or why it cannot be read (a message for the user, not an exception). The one
 * way the loader reads a file the user named: only regular files, at most `limit` bytes. A
 * device (`/dev/zero`) would grow without end and a FIFO would block for ever, so the file is
 * opened without blocking and its type checked on the open descriptor before anything is read.
 */
export function readText(file: string, limit: number = MAX_INPUT_FILE_BYTES): ReadText {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return openProblem(e);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return { problem: "is a directory, not a file" };
    if (!stat.isFile()) return { problem: `is ${fileKind(stat)}, not a regular file: only regular files are read` };
    if (stat.size > limit) return { problem: tooLarge(limit) };
    // The size can lie (files under /proc say 0) or grow while read: read at most limit + 1 bytes.
    const buffer = Buffer.alloc(Math.min(limit + 1, Math.max(stat.size + 1, 64 * 1024)));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) return { problem: tooLarge(limit) };
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return { text: Buffer.concat(chunks, total).toString("utf8") };
  } catch (e) {
    return openProblem(e);
  } finally {
    fs.closeSync(fd);
  }
}

function tooLarge(limit: number): string {
  return `is larger than ${limit / (1024 * 1024)} MiB, the limit for input files`;
}

function fileKind(stat: fs.Stats): string {
  if (stat.isFIFO()) return "a named pipe (FIFO)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "a special file";
}

function openProblem(e: unknown): ReadText {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return { problem: "file not found", missing: true };
  if (code === "EISDIR") return { problem: "is a directory, not a file" };
  if (code === "EACCES" || code === "EPERM") return { problem: "permission denied" };
  // A socket cannot be opened at all (ENXIO).
  if (code === "ENXIO") return { problem: "is a socket, not a regular file: only regular files are read" };
  return { problem: `cannot read: ${(e as Error).message}` };
}

import * as fs from "fs";
import * as path from "path";

/** The names docker compose looks for, in its order (compose-go cli/options.go). */
export const DEFAULT_FILE_NAMES: readonly string[] = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
export const OVERRIDE_FILE_NAMES: readonly string[] = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"];

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
    return { files: fromEnv.split(separator).filter((f) => f.trim() !== "").map((f) => path.resolve(dir, f)) };
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

/** A file's text, or why it cannot be read (a message for the user, not an exception). */
export function readText(file: string): { readonly text: string } | { readonly problem: string } {
  try {
    return { text: fs.readFileSync(file, "utf8") };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { problem: "file not found" };
    if (code === "EISDIR") return { problem: "is a directory, not a compose file" };
    if (code === "EACCES") return { problem: "permission denied" };
    return { problem: `cannot read: ${(e as Error).message}` };
  }
}

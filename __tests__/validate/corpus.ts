import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, posix, resolve } from "node:path";

/** The shared corpus (COMPOSE2ECS_SHARED_DIR, else <repo>/../shared). */
export const SHARED = process.env.COMPOSE2ECS_SHARED_DIR ?? resolve(__dirname, "../../../shared");
export const CORPUS = join(SHARED, "corpus");

export interface CorpusEntry {
  readonly file: string;
  readonly repoPath: string;
  readonly expectation: string;
  /** Companion files: stored name in visible/ -> path relative to the compose file. */
  readonly companions: readonly { readonly stored: string; readonly relativePath: string }[];
}

export function readManifest(): CorpusEntry[] {
  const manifest = join(CORPUS, "MANIFEST.tsv");
  if (!existsSync(manifest)) throw new Error(`corpus manifest not found at ${manifest}: set COMPOSE2ECS_SHARED_DIR to the shared folder`);
  const [header, ...rows] = readFileSync(manifest, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const columns = (header ?? "").split("\t");
  const col = (row: string[], name: string) => row[columns.indexOf(name)] ?? "";
  return rows.map((line) => {
    const row = line.split("\t");
    const repoPath = col(row, "path").split("#")[0] ?? "";
    const companions = col(row, "companions")
      .split(";")
      .map((c) => c.trim())
      .filter((c) => c !== "" && c !== "-" && c.includes(".companion."))
      .map((c) => {
        const [stored, original] = c.split("<=").map((s) => s.trim());
        const originalPath = (original ?? "").split("@")[0] ?? "";
        return { stored: stored ?? "", relativePath: posix.relative(posix.dirname(repoPath), originalPath) };
      });
    return { file: col(row, "file"), repoPath, expectation: col(row, "expectation"), companions };
  });
}

/** Puts the compose file and its companions under their original names in a fresh folder. */
export function materialise(entry: CorpusEntry): { dir: string; composeFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "compose2ecs-corpus-"));
  const project = join(dir, "corpus-project");
  mkdirSync(project);
  const name = entry.repoPath.endsWith(".go") ? "docker-compose.yml" : basename(entry.repoPath);
  const composeFile = join(project, name);
  copyFileSync(join(CORPUS, "visible", entry.file), composeFile);
  for (const c of entry.companions) {
    const target = join(project, c.relativePath);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(CORPUS, "visible", c.stored), target);
  }
  return { dir, composeFile };
}

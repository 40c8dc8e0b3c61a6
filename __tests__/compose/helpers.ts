import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatDiagnostic } from "../../compose/diagnostics";
import { load } from "../../compose/load";
import { LoadOptions, LoadResult } from "../../compose/model";

/** A temporary project folder with the given files (relative path -> content). */
export function project(files: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compose2ecs-test-"));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** Loads `compose.yaml` (or the given files) from a fresh project, with an empty host environment. */
export function loadProject(files: Readonly<Record<string, string>>, options: Partial<LoadOptions> = {}): LoadResult & { dir: string } {
  const dir = project(files);
  const result = load({ files: ["compose.yaml"], workingDir: dir, environment: {}, ...options });
  return { ...result, dir };
}

export function messages(result: LoadResult, severity: "error" | "warning" | "info" = "error"): string[] {
  return result.diagnostics.filter((d) => d.severity === severity).map(formatDiagnostic);
}

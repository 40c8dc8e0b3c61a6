import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

export const REPO = resolve(__dirname, "../..");

/** A throw-away copy of the bundled example's project dir (environments + examples/seed), so state and slots stay out of the repo. */
export function exampleProjectDir(): { root: string; projectDir: string } {
  const root = mkdtempSync(join(tmpdir(), "compose2ecs-synth-"));
  const projectDir = join(root, "project");
  mkdirSync(projectDir);
  cpSync(join(REPO, "environments"), join(projectDir, "environments"), { recursive: true });
  cpSync(join(REPO, "examples", "seed"), join(projectDir, "examples", "seed"), { recursive: true });
  return { root, projectDir };
}

/** Every file under `dir`, relative, sorted, with its bytes. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return out;
}

export { runCli } from "../helpers/run-cli";

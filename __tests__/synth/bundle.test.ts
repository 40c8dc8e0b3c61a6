import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleProjectDir, readTree, REPO, runCli } from "./project-dir";

/**
 * `npx compose2ecs` runs the bundle the build makes (scripts/bundle.js): dist/compose2ecs.js,
 * which loads dist/compose2ecs-synth.js (stacks, constructs and cdktf) only to write stacks.
 * The bundle must write exactly what the sources write, and keep cdktf out of other commands.
 */

const BIN = join(REPO, (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { bin: Record<string, string> }).bin.compose2ecs ?? "");

let root: string;
let preload: string;
beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} not found: run \`npm run build\` first (npm test does)`);
  root = mkdtempSync(join(tmpdir(), "compose2ecs-bundle-"));
  // Lists, at exit, every module file the process loaded.
  preload = join(root, "loaded.js");
  writeFileSync(preload, 'process.on("exit", () => process.stderr.write("\\nLOADED " + JSON.stringify(Object.keys(require.cache)) + "\\n"));\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function bin(args: readonly string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const result = spawnSync(process.execPath, ["--require", preload, BIN, ...args], { encoding: "utf8", timeout: 120_000 });
  const line = /\nLOADED (.*)\n/.exec(result.stderr);
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr.replace(/\nLOADED .*\n/, ""),
    loaded: line ? (JSON.parse(line[1] ?? "[]") as string[]) : [],
  };
}

const fromNodeModules = (loaded: readonly string[], pkg: RegExp) => loaded.filter((f) => pkg.test(f.split("node_modules").pop() ?? ""));

describe("the bundled compose2ecs (package.json's bin)", () => {
  test("GIVEN the example WHEN synthesized by the bundle and by the sources, for production and a QA branch THEN the folders are byte-identical, with one copy of cdktf, from the synth bundle", async () => {
    for (const args of [
      ["--env", "production"],
      ["--env", "qa", "--branch", "feature/login"],
    ]) {
      const { root: a, projectDir: bundled } = exampleProjectDir();
      const { root: b, projectDir: sources } = exampleProjectDir();
      try {
        const viaBundle = bin(["synth", "-C", bundled, "--out", join(bundled, "out"), ...args]);
        expect({ status: viaBundle.status, stderr: viaBundle.stderr }).toEqual({ status: 0, stderr: "" });
        expect((await runCli(["synth", "-C", sources, "--out", join(sources, "out"), ...args])).code).toBe(0);
        expect(readTree(join(bundled, "out"))).toEqual(readTree(join(sources, "out")));
        expect(viaBundle.loaded).toContain(join(REPO, "dist", "compose2ecs-synth.js"));
        expect(fromNodeModules(viaBundle.loaded, /^\/(cdktf|constructs|@cdktf\/provider-aws)\//)).toEqual([]);
      } finally {
        rmSync(a, { recursive: true, force: true });
        rmSync(b, { recursive: true, force: true });
      }
    }
  });

  test.each([
    ["check", ["check", "-f", join(REPO, "examples", "seed", "docker-compose.yml")]],
    ["--help", ["--help"]],
    ["branches list", ["branches", "list", "--env", "qa", "-C", REPO]],
  ])("GIVEN `compose2ecs %s` WHEN run from the bundle THEN it succeeds without loading the synth bundle or cdktf", (_name, args) => {
    const run = bin(args);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(run.loaded.filter((f) => f.endsWith("compose2ecs-synth.js"))).toEqual([]);
    expect(fromNodeModules(run.loaded, /^\/(cdktf|@cdktf\/provider-aws)\//)).toEqual([]);
  });

  test("GIVEN --version WHEN run from the bundle THEN it prints package.json's version", () => {
    const run = bin(["--version"]);
    expect(run.stdout.trim()).toBe((JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version);
  });
});

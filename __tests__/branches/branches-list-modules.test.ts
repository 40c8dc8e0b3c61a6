import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, writeTsRegister } from "../helpers/ts-child";

/**
 * `branches list` reads state and slots only: it must not load cdktf or the AWS provider
 * (hundreds of modules). Measured in a child process, whose require.cache is node's own.
 */

describe("modules loaded by a CLI command", () => {
  let work: string;
  let project: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "c2e-modules-"));
    writeTsRegister(work);
    writeFileSync(
      join(work, "child.js"),
      [
        `const { main } = require(${JSON.stringify(join(REPO_ROOT, "cli", "main.ts"))});`,
        "const [report, ...argv] = process.argv.slice(2);",
        "main(argv).then((code) => {",
        "  const loaded = Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/](cdktf|@cdktf[\\\\/]provider-aws)[\\\\/]/.test(k));",
        '  require("node:fs").writeFileSync(report, JSON.stringify({ code, loaded: loaded.length }));',
        "});",
      ].join("\n"),
    );
    project = join(work, "project");
    mkdirSync(join(project, "environments"), { recursive: true });
    writeFileSync(join(project, "environments", "qa.yml"), "branches: true\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n");
    writeFileSync(join(project, "compose.yaml"), 'name: shop\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function cdktfModules(argv: readonly string[]): { code: number; loaded: number } {
    const report = join(work, `report-${argv[0]}.json`);
    const child = spawnSync(process.execPath, ["-r", join(work, "register.js"), join(work, "child.js"), report, ...argv], {
      encoding: "utf8",
      timeout: 120_000,
    });
    if (child.status !== 0) throw new Error(`child failed (${child.status}): ${child.stderr}`);
    return JSON.parse(readFileSync(report, "utf8")) as { code: number; loaded: number };
  }

  test("GIVEN a branch environment WHEN `branches list` runs THEN no cdktf or provider module is loaded", () => {
    expect(cdktfModules(["branches", "list", "--env", "qa", "-C", project])).toEqual({ code: 0, loaded: 0 });
  });

  test("GIVEN the same project WHEN `synth` runs in the same harness THEN cdktf is loaded (the measurement sees it)", () => {
    const result = cdktfModules(["synth", "--env", "qa", "--branch", "main", "-C", project, "--out", join(work, "out")]);
    expect(result.code).toBe(0);
    expect(result.loaded).toBeGreaterThan(50);
  });
});

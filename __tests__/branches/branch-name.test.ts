import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDiagnostic } from "../../compose/diagnostics";
import { branchSlug } from "../../naming/branch-slug";
import { resolveBranchName } from "../../pipeline/branch-name";

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" }).trim();
}

function commitOn(dir: string, branch: string): void {
  git(dir, "init", "-q", "-b", branch);
  writeFileSync(join(dir, "f"), "x");
  git(dir, "add", "f");
  git(dir, "commit", "-qm", "init");
}

describe("resolveBranchName", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "c2e-git-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ["--branch wins over BRANCH", { flag: "from-flag" }, { BRANCH: "from-env" }, "from-flag", "--branch"],
    ["BRANCH when no flag", {}, { BRANCH: "from-env" }, "from-env", "BRANCH"],
  ])("GIVEN %s WHEN resolved THEN that name, its slug and its source come back", (_what, opts, envVars, expected, source) => {
    const { name, diagnostics } = resolveBranchName({ ...opts, projectDir: dir, envVars });
    expect(diagnostics).toEqual([]);
    expect(name).toEqual({ branch: expected, slug: branchSlug(expected), source });
  });

  test("GIVEN a git checkout on a branch WHEN resolved without --branch or BRANCH THEN the current git branch is used", () => {
    commitOn(dir, "feature/ÄÖ-login");
    expect(resolveBranchName({ projectDir: dir, envVars: {} }).name).toEqual({
      branch: "feature/ÄÖ-login",
      slug: branchSlug("feature/ÄÖ-login"),
      source: "git",
    });
  });

  test("GIVEN a detached HEAD WHEN resolved without --branch THEN the error comes from git and asks for --branch", () => {
    commitOn(dir, "main");
    git(dir, "checkout", "-q", "--detach");
    const { name, diagnostics } = resolveBranchName({ projectDir: dir, envVars: {} });
    expect(name).toBeUndefined();
    expect(formatDiagnostic(diagnostics[0])).toMatch(/^git: the git checkout in .* is a detached HEAD .* pass --branch NAME or set BRANCH$/);
  });

  test("GIVEN a folder that is not a git checkout WHEN resolved without --branch THEN the error comes from git and asks for --branch", () => {
    const { diagnostics } = resolveBranchName({ projectDir: dir, envVars: {} });
    expect(formatDiagnostic(diagnostics[0])).toMatch(/^git: no branch given and git could not tell the current branch .* pass --branch NAME or set BRANCH$/);
  });

  test.each([
    ["--branch", { flag: "bad\u0007name" }, {}],
    ["BRANCH", {}, { BRANCH: "bad\u001bname" }],
    ["--branch", { flag: "  " }, { BRANCH: "ignored" }],
  ])("GIVEN a bad branch name from %s WHEN resolved THEN the problem says where it came from", (source, opts, envVars) => {
    const { name, diagnostics } = resolveBranchName({ ...opts, projectDir: dir, envVars });
    expect(name).toBeUndefined();
    expect(diagnostics.map((d) => d.path)).toEqual([source]);
    expect(formatDiagnostic(diagnostics[0]).startsWith(`${source}: the branch name `)).toBe(true);
  });

  test("GIVEN any branch WHEN resolved THEN nothing is written next to the project", () => {
    resolveBranchName({ flag: "feature/x", projectDir: dir, envVars: {} });
    expect(existsSync(join(dir, ".compose2ecs"))).toBe(false);
  });
});

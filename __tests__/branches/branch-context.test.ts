import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveBranch } from "../../config/branch-context";
import { defaultEnvironment } from "../../config/defaults";
import { branchSlug } from "../../naming/branch-slug";

const QA = defaultEnvironment("qa", true);

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" }).trim();
}

describe("resolveBranch", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "c2e-git-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("GIVEN an environment without branches WHEN resolved THEN there is no branch and no slot is taken", () => {
    expect(resolveBranch(defaultEnvironment("production"), { branch: "x", projectDir: dir, envVars: {} })).toEqual({ diagnostics: [] });
  });

  test.each([
    ["--branch wins over BRANCH", { branch: "from-flag" }, { BRANCH: "from-env" }, "from-flag"],
    ["BRANCH when no flag", {}, { BRANCH: "from-env" }, "from-env"],
  ])("GIVEN %s WHEN resolved THEN that branch gets a slot", (_what, opts, envVars, expected) => {
    const { branch, diagnostics } = resolveBranch(QA, { ...opts, projectDir: dir, envVars });
    expect(diagnostics).toEqual([]);
    expect(branch).toEqual({ branch: expected, slug: branchSlug(expected), slot: 1 });
  });

  test("GIVEN a git checkout on a branch WHEN resolved without --branch THEN the current git branch is used", () => {
    git(dir, "init", "-q", "-b", "feature/ÄÖ-login");
    writeFileSync(join(dir, "f"), "x");
    git(dir, "add", "f");
    git(dir, "commit", "-qm", "init");
    expect(resolveBranch(QA, { projectDir: dir, envVars: {} }).branch?.branch).toBe("feature/ÄÖ-login");
  });

  test("GIVEN a detached HEAD WHEN resolved without --branch THEN the error asks for --branch", () => {
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(join(dir, "f"), "x");
    git(dir, "add", "f");
    git(dir, "commit", "-qm", "init");
    git(dir, "checkout", "-q", "--detach");
    const { branch, diagnostics } = resolveBranch(QA, { projectDir: dir, envVars: {} });
    expect(branch).toBeUndefined();
    expect(diagnostics[0].message).toMatch(/detached HEAD .* pass --branch NAME or set BRANCH/);
  });

  test("GIVEN a folder that is not a git checkout WHEN resolved without --branch THEN the error asks for --branch", () => {
    const { diagnostics } = resolveBranch(QA, { projectDir: dir, envVars: {} });
    expect(diagnostics[0].message).toMatch(/git could not tell the current branch .* pass --branch NAME or set BRANCH/);
  });

  test("GIVEN the same branch twice WHEN resolved THEN the slot is the same; another branch gets the next one", () => {
    const a = resolveBranch(QA, { branch: "a", projectDir: dir, envVars: {} }).branch;
    const b = resolveBranch(QA, { branch: "b", projectDir: dir, envVars: {} }).branch;
    expect(resolveBranch(QA, { branch: "a", projectDir: dir, envVars: {} }).branch).toEqual(a);
    expect([a?.slot, b?.slot]).toEqual([1, 2]);
  });
});

import { execFileSync } from "node:child_process";
import { Diagnostic } from "../compose/model";
import { branchSlug } from "../naming/branch-slug";

/**
 * Which branch a branch environment's application stack is built for: `--branch`, else
 * BRANCH, else the checked-out git branch. Problems carry that source as their diagnostic
 * path (`--branch: ...`, `BRANCH: ...`, `git: ...`), so the user knows what to fix.
 */

export type BranchSource = "--branch" | "BRANCH" | "git";

export interface BranchName {
  /** The git branch name as given. */
  readonly branch: string;
  /** `[a-z0-9-]`, short, unique: used in every AWS name and state key of the branch. */
  readonly slug: string;
  /** Where the name came from. */
  readonly source: BranchSource;
}

export interface BranchNameOptions {
  /** `--branch`. */
  readonly flag?: string;
  /** Folder git is asked in. */
  readonly projectDir: string;
  /** Variables (BRANCH). */
  readonly envVars: NodeJS.ProcessEnv;
}

/** The branch name and slug, or errors naming where the name came from. Never writes anything. */
export function resolveBranchName(opts: BranchNameOptions): { name?: BranchName; diagnostics: Diagnostic[] } {
  if (opts.flag !== undefined) return checked(opts.flag.trim(), "--branch");
  const fromEnv = opts.envVars.BRANCH;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return checked(fromEnv.trim(), "BRANCH");
  let head: string;
  try {
    head = execFileSync("git", ["rev-parse", "--abbrev-ref", "HEAD"], { cwd: opts.projectDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    // execFileSync errors carry git's own message in stderr (not instanceof Error across jest realms, so duck-typed).
    const stderr = typeof error === "object" && error !== null && "stderr" in error ? String((error as { stderr: unknown }).stderr).trim() : "";
    const reason = (stderr || String(error)).split("\n")[0];
    return {
      diagnostics: [
        problem("git", `no branch given and git could not tell the current branch in ${opts.projectDir} (${reason}); pass --branch NAME or set BRANCH`),
      ],
    };
  }
  if (head === "HEAD" || head === "") {
    return {
      diagnostics: [
        problem(
          "git",
          `the git checkout in ${opts.projectDir} is a detached HEAD (as in most CI jobs), so it has no branch name; pass --branch NAME or set BRANCH`,
        ),
      ],
    };
  }
  return checked(head, "git");
}

function checked(name: string, source: BranchSource): { name?: BranchName; diagnostics: Diagnostic[] } {
  if (name === "") return { diagnostics: [problem(source, "the branch name is empty")] };
  // Git refuses control characters in ref names (git check-ref-format); they would also break the registry files.
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f]/.test(name)) return { diagnostics: [problem(source, `the branch name contains control characters: ${JSON.stringify(name)}`)] };
  return { name: { branch: name, slug: branchSlug(name), source }, diagnostics: [] };
}

function problem(source: BranchSource, message: string): Diagnostic {
  return { severity: "error", path: source, message };
}

import { execFileSync } from "node:child_process";
import { Diagnostic } from "../compose/model";
import { branchSlug } from "../naming/branch-slug";
import { slotRegistryFor } from "../state/slot-registry";
import { slotLimit } from "../planner/slots";
import { LocalSlotRegistry, SlotResult } from "../state/priority-slots";
import { BranchContext, EnvironmentConfig } from "./environment-model";

/**
 * Which branch an application stack is built for, and its slug and slot.
 * The branch comes from `--branch`, else BRANCH, else the checked-out git branch.
 */

export interface BranchOptions {
  readonly branch?: string;
  readonly projectDir: string;
  readonly envVars: NodeJS.ProcessEnv;
  /** Clock for the slot record's createdAt. @default new Date() */
  readonly now?: Date;
}

export interface ResolvedBranch {
  readonly branch?: BranchContext;
  readonly diagnostics: Diagnostic[];
}

/**
 * Synchronous resolution for environments whose slot registry is a local folder (state
 * backends `local` and `cloud`). For the `s3` backend the registry lives in the bucket and
 * needs network I/O: use `resolveBranchAsync` (this function then returns an error saying so).
 */
export function resolveBranch(env: EnvironmentConfig, opts: BranchOptions): { branch?: BranchContext; diagnostics: Diagnostic[] } {
  if (!env.branches) return { diagnostics: [] };
  const named = branchName(opts);
  if (named.name === undefined) return { diagnostics: named.diagnostics };
  const registry = slotRegistryFor(env, opts.projectDir, opts.envVars);
  if (!(registry instanceof LocalSlotRegistry)) {
    return {
      diagnostics: [
        {
          severity: "error",
          path: "state.backend",
          message: `environment ${env.name} keeps its branch slots in S3; resolve the branch with resolveBranchAsync (the CLI does)`,
        },
      ],
    };
  }
  const slug = branchSlug(named.name);
  return toContext(registry.allocate(env.name, named.name, slug, slotLimit(env), opts.now ?? new Date()));
}

/** Works for every backend: the S3 slot registry is reached with @aws-sdk/client-s3. */
export async function resolveBranchAsync(env: EnvironmentConfig, opts: BranchOptions): Promise<ResolvedBranch> {
  if (!env.branches) return { diagnostics: [] };
  const named = branchName(opts);
  if (named.name === undefined) return { diagnostics: named.diagnostics };
  const registry = slotRegistryFor(env, opts.projectDir, opts.envVars);
  const slug = branchSlug(named.name);
  const now = opts.now ?? new Date();
  if (registry instanceof LocalSlotRegistry) return toContext(registry.allocate(env.name, named.name, slug, slotLimit(env), now));
  return toContext(await registry.allocate(env.name, named.name, slug, slotLimit(env), now));
}

function toContext(result: SlotResult): ResolvedBranch {
  const record = result.record;
  return record === undefined
    ? { diagnostics: [...result.diagnostics] }
    : { branch: { branch: record.branch, slug: record.slug, slot: record.slot }, diagnostics: [...result.diagnostics] };
}

/** The branch name from the options, BRANCH, or git; an error value when none can be found. */
export function branchName(opts: Pick<BranchOptions, "branch" | "projectDir" | "envVars">): { name?: string; diagnostics: Diagnostic[] } {
  const given = opts.branch ?? opts.envVars.BRANCH;
  if (given !== undefined && given.trim() !== "") return checkBranchName(given.trim(), opts.branch !== undefined ? "--branch" : "BRANCH");
  let head: string;
  try {
    head = execFileSync("git", ["rev-parse", "--abbrev-ref", "HEAD"], { cwd: opts.projectDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    // execFileSync errors carry git's own message in stderr (not instanceof Error across jest realms, so duck-typed).
    const stderr = typeof error === "object" && error !== null && "stderr" in error ? String((error as { stderr: unknown }).stderr).trim() : "";
    const reason = (stderr || String(error)).split("\n")[0];
    return { diagnostics: [branchError(`no branch given and git could not tell the current branch in ${opts.projectDir} (${reason}); pass --branch NAME or set BRANCH`)] };
  }
  if (head === "HEAD" || head === "") {
    return { diagnostics: [branchError(`the git checkout in ${opts.projectDir} is a detached HEAD (as in most CI jobs), so it has no branch name; pass --branch NAME or set BRANCH`)] };
  }
  return checkBranchName(head, "git");
}

function checkBranchName(name: string, source: string): { name?: string; diagnostics: Diagnostic[] } {
  // Git refuses control characters in ref names (git check-ref-format); they would also break the registry files.
  if (/[\u0000-\u001f\u007f]/.test(name)) return { diagnostics: [branchError(`the branch name from ${source} contains control characters: ${JSON.stringify(name)}`)] };
  return { name, diagnostics: [] };
}

function branchError(message: string): Diagnostic {
  return { severity: "error", path: "branch", message };
}

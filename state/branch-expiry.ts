import { branchSlug } from "../naming/branch-slug";
import { BranchEnvironment } from "./branches";

/**
 * How old a branch environment is and when it expires (`branchTtl`): pure, with the time given,
 * so `branches list`, `branches gc --expired` and their tests agree on one clock.
 */

/**
 * What a branch's age counts from: its last `up` (the record's lastDeployedAt), else its slot's
 * allocation by its first synth (createdAt), else, for a state without a slot record, the
 * state's last change (the only time known for it).
 */
export type AgeBasis = "up" | "slot" | "state";

export interface BranchAge {
  readonly since: Date;
  readonly basis: AgeBasis;
  /** Milliseconds from `since` to now; 0 when `since` is ahead of this machine's clock. */
  readonly ageMs: number;
  /** `since` plus the TTL; undefined without a TTL. */
  readonly expiresAt?: Date;
  /** Whether now is at or past `expiresAt`; never without a TTL. */
  readonly expired: boolean;
}

const HOUR_MS = 3_600_000;

/** The branch's age and expiry at `now`; undefined when no time is known for it. */
export function branchAge(branch: BranchEnvironment, ttlHours: number | undefined, now: Date): BranchAge | undefined {
  const start = ageStart(branch);
  if (start === undefined) return undefined;
  const ageMs = Math.max(0, now.getTime() - start.since.getTime());
  if (ttlHours === undefined) return { ...start, ageMs, expired: false };
  const expiresAt = new Date(start.since.getTime() + ttlHours * HOUR_MS);
  return { ...start, ageMs, expiresAt, expired: now.getTime() >= expiresAt.getTime() };
}

function ageStart(branch: BranchEnvironment): { since: Date; basis: AgeBasis } | undefined {
  if (branch.lastDeployedAt !== undefined) return { since: branch.lastDeployedAt, basis: "up" };
  if (branch.createdAt !== undefined) return { since: branch.createdAt, basis: "slot" };
  // Only a state without a record falls back to the state: a failed destroy rewrites the state,
  // and must not make a recorded branch look freshly deployed (it would not be retried).
  if (branch.slot === undefined && branch.state !== undefined && branch.lastModified !== undefined) return { since: branch.lastModified, basis: "state" };
  return undefined;
}

/** Why `branches gc` collects a branch. */
export type GcReason = "not live" | "expired";

export interface GcCandidate {
  readonly branch: BranchEnvironment;
  /** At least one; both when the branch is gone and past its TTL. */
  readonly reasons: readonly GcReason[];
}

/** What `branches gc` collects by: the live branch list (`--live`), the TTL (`--expired`), or both. */
export interface GcCriteria {
  /** Branch names that still exist; a branch whose slug is not among them is collected. */
  readonly live?: readonly string[];
  /** The environment's TTL and the time to judge it at; a branch past it is collected. */
  readonly expiry?: { readonly ttlHours: number; readonly now: Date };
}

/**
 * The branches to collect: with both criteria, every branch that is gone OR expired (the union:
 * a branch whose git branch still exists but that nobody deployed within the TTL goes too, and a
 * gone branch goes however young it is). Matched by slug, so a state without a record counts.
 */
export function gcCandidates(all: readonly BranchEnvironment[], criteria: GcCriteria): readonly GcCandidate[] {
  const liveSlugs = criteria.live === undefined ? undefined : new Set(criteria.live.map(branchSlug));
  const out: GcCandidate[] = [];
  for (const branch of all) {
    const reasons: GcReason[] = [];
    if (liveSlugs !== undefined && !liveSlugs.has(branch.slug)) reasons.push("not live");
    if (criteria.expiry !== undefined && branchAge(branch, criteria.expiry.ttlHours, criteria.expiry.now)?.expired === true) reasons.push("expired");
    if (reasons.length > 0) out.push({ branch, reasons });
  }
  return out;
}

/** `3d 4h`, `5h`, `12m`: a duration rounded down to what a reader needs. */
export function shortDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days}d` : `${days}d ${hours % 24}h`;
}

import { Diagnostic } from "../compose/model";
import { AlbLimits, albLoads, chooseAlb, noAlbFits, QuotaUsage } from "./alb-capacity";
import { MAX_BRANCH_LISTENERS, MAX_RULE_PRIORITY, RULES_PER_SLOT } from "../planner/slots";

/**
 * The slot registry: each branch of an environment holds one slot (what a slot means:
 * planner/slots.ts), an integer that no other live branch of that environment holds.
 *
 * Allocation is atomic: a slot is taken by creating `slots/<n>` exclusively (O_EXCL locally,
 * `If-None-Match: *` on S3), and a branch's record `branches/<slug>.json` is published with
 * an exclusive create, so two processes allocating for the same branch end up with one slot.
 * Only `synth` of a branch stack allocates, after its plan succeeded (pipeline/claim-slot.ts);
 * everything else looks slots up read-only (`lookupSlot`).
 */

/** A branch's entry in the registry. */
export interface SlotRecord {
  readonly branch: string;
  readonly slug: string;
  readonly slot: number;
  /** ISO time the slot was first allocated. */
  readonly createdAt: string;
  /** ISO time of the branch's last successful `up` (only `up` writes it; `branches gc --expired` counts age from it, else from createdAt). */
  readonly lastDeployedAt?: string;
  /** 1-based index of the branch's ALB in the base's pool, chosen at allocation. @default 1 (records from before pools) */
  readonly alb?: number;
  /** The branch's quota usage on its ALB, recorded at allocation and refreshed when a synth finds it changed. @default unknown */
  readonly usage?: QuotaUsage;
}

/** Where a new branch may be placed: the pool and what the branch takes of an ALB. */
export interface PlacementRequest {
  /** The branch's quota usage (state/alb-capacity.ts usageOf of its plan). */
  readonly usage: QuotaUsage;
  /** loadBalancer.pool. */
  readonly poolSize: number;
  /** What the branches of one ALB may take together (state/alb-capacity.ts albLimits). */
  readonly limits: AlbLimits;
}

export interface SlotResult {
  readonly record?: SlotRecord;
  readonly diagnostics: readonly Diagnostic[];
}

/** Which branch wants a slot, and where its problems are reported. */
export interface SlotRequest {
  readonly envName: string;
  /** The git branch name as given. */
  readonly branch: string;
  readonly slug: string;
  /** The highest slot the environment may hand out (planner/slots.ts slotLimit). */
  readonly limit: number;
  /** Diagnostic path of problems: where the branch name came from (`--branch`, `BRANCH`, `git`). @default "branch" */
  readonly path?: string;
  /**
   * Place a new branch on an ALB of the pool: allocation then runs under the registry's lock
   * (`locks/allocation`), so two branches placed at once both see each other's usage.
   * @default undefined: no ALB is recorded (callers that only need a slot)
   */
  readonly placement?: PlacementRequest;
  /** Where a placement error points (the environment file's loadBalancer.pool). @default no location */
  readonly placementLocation?: Diagnostic["location"];
}

/** A read-only answer: the branch's slot when it holds one, else the slot it would get now. */
export interface SlotLookup {
  /** The branch's record, when the registry holds one. */
  readonly record?: SlotRecord;
  /** Without a record: the lowest free slot now, not reserved (another branch may take it first). */
  readonly provisional?: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** Storage the registry needs: exclusive create, replace, read, list, delete of small text objects by relative key. */
export interface SlotStore {
  /** Creates `key` with `body` unless it exists; returns false when it exists. */
  createExclusive(key: string, body: string): Promise<boolean>;
  /** Writes `key` with `body`, replacing it. */
  put(key: string, body: string): Promise<void>;
  read(key: string): Promise<string | undefined>;
  /** Keys directly under `dir` (e.g. "slots"), names only. */
  list(dir: string): Promise<readonly string[]>;
  remove(key: string): Promise<void>;
}

function recordKey(slug: string): string {
  return `branches/${slug}.json`;
}

function slotKey(slot: number): string {
  return `slots/${slot}`;
}

export function parseRecord(text: string | undefined): SlotRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const r = value as Record<string, unknown>;
    if (typeof r.branch === "string" && typeof r.slug === "string" && typeof r.slot === "number" && typeof r.createdAt === "string") {
      const alb = typeof r.alb === "number" && Number.isInteger(r.alb) && r.alb >= 1 ? r.alb : undefined;
      const usage = parseUsage(r.usage);
      return {
        branch: r.branch,
        slug: r.slug,
        slot: r.slot,
        createdAt: r.createdAt,
        ...(alb !== undefined ? { alb } : {}),
        ...(usage !== undefined ? { usage } : {}),
        // A time that does not parse is dropped: age then counts from createdAt, never from nonsense.
        ...(typeof r.lastDeployedAt === "string" && !Number.isNaN(Date.parse(r.lastDeployedAt)) ? { lastDeployedAt: r.lastDeployedAt } : {}),
      };
    }
  } catch {
    // A torn or foreign file is treated as no record.
  }
  return undefined;
}

function parseUsage(value: unknown): QuotaUsage | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const u = value as Record<string, unknown>;
  const count = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
  return count(u.targetGroups) && count(u.rules) && count(u.listeners) ? { targetGroups: u.targetGroups, rules: u.rules, listeners: u.listeners } : undefined;
}

function recordBody(record: SlotRecord): string {
  return JSON.stringify(record, null, 2) + "\n";
}

/** Rewrites the record of `record.slug` (a refreshed usage): the branch's slot and ALB stay. */
export async function updateRecord(store: SlotStore, record: SlotRecord): Promise<void> {
  await store.put(recordKey(record.slug), recordBody(record));
}

function collision(request: SlotRequest, existing: SlotRecord): Diagnostic {
  return {
    severity: "error",
    path: request.path ?? "branch",
    message:
      `branch "${request.branch}" and branch "${existing.branch}" share the slug "${existing.slug}" in environment ${request.envName} ` +
      "(a 6-character hash collision); rename one of the branches",
  };
}

function registryFull(request: SlotRequest): Diagnostic {
  const why =
    request.limit === MAX_BRANCH_LISTENERS
      ? `each branch gets its own listener port and an ALB has at most 50 listeners (80 and 443 are the base's); ` +
        "setting loadBalancer.domain routes branches by host name instead"
      : `each branch gets ${RULES_PER_SLOT} listener-rule priorities and an ALB allows priorities up to ${MAX_RULE_PRIORITY}`;
  return {
    severity: "error",
    path: request.path ?? "branch",
    message:
      `environment ${request.envName} has no free branch slot: all ${request.limit} are taken (${why}). ` +
      `Remove stale branches with \`compose2ecs branches gc --env ${request.envName} --live <file> --destroy\``,
  };
}

/** The branch's own record, or a collision error when another branch holds its slug. */
function ownRecord(request: SlotRequest, existing: SlotRecord | undefined): SlotResult | undefined {
  if (existing === undefined) return undefined;
  return existing.branch === request.branch ? { record: existing, diagnostics: [] } : { diagnostics: [collision(request, existing)] };
}

async function takenSlots(store: SlotStore): Promise<Set<number>> {
  return new Set((await store.list("slots")).map(Number));
}

/**
 * Reads, never writes: the branch's slot when the registry holds one, else the lowest free slot
 * (what `allocateSlot` would hand out now), else the errors allocation would give.
 */
export async function lookupSlot(store: SlotStore, request: SlotRequest): Promise<SlotLookup> {
  const own = ownRecord(request, parseRecord(await store.read(recordKey(request.slug))));
  if (own !== undefined) return own;
  const taken = await takenSlots(store);
  for (let slot = 1; slot <= request.limit; slot += 1) if (!taken.has(slot)) return { provisional: slot, diagnostics: [] };
  return { diagnostics: [registryFull(request)] };
}

/**
 * Allocates (or finds) the slot of a branch. Re-running for the same branch returns its
 * existing record; the lowest free slot in 1..limit is taken otherwise. With `placement`, the
 * new branch is also placed on the lowest-index ALB of the pool with room for it, under the
 * registry's lock, and its record holds that ALB and its usage.
 */
export async function allocateSlot(store: SlotStore, request: SlotRequest, now: Date): Promise<SlotResult> {
  const existing = ownRecord(request, parseRecord(await store.read(recordKey(request.slug))));
  if (existing !== undefined) return existing;
  const placement = request.placement;
  if (placement === undefined) return takeSlot(store, request, now, undefined);
  const locked = await withAllocationLock(store, now, async () => {
    // Again under the lock: another process may have placed this very branch meanwhile.
    const again = ownRecord(request, parseRecord(await store.read(recordKey(request.slug))));
    if (again !== undefined) return again;
    const loads = albLoads(await listSlots(store), request.slug, placement.usage);
    const alb = chooseAlb(loads, placement.usage, placement.limits, placement.poolSize);
    if (alb === undefined) {
      const message = noAlbFits(request.envName, request.branch, placement.usage, placement.limits, placement.poolSize);
      return {
        diagnostics: [
          { severity: "error" as const, path: "loadBalancer.pool", message, ...(request.placementLocation ? { location: request.placementLocation } : {}) },
        ],
      };
    }
    return takeSlot(store, request, now, { alb, usage: placement.usage });
  });
  return locked ?? { diagnostics: [{ severity: "error", path: request.path ?? "branch", message: lockTimeoutMessage(request) }] };
}

async function takeSlot(store: SlotStore, request: SlotRequest, now: Date, placed: { alb: number; usage: QuotaUsage } | undefined): Promise<SlotResult> {
  const taken = await takenSlots(store);
  for (let slot = 1; slot <= request.limit; slot += 1) {
    if (taken.has(slot)) continue;
    if (!(await store.createExclusive(slotKey(slot), request.slug))) continue;
    const record: SlotRecord = { branch: request.branch, slug: request.slug, slot, createdAt: now.toISOString(), ...(placed ?? {}) };
    if (await store.createExclusive(recordKey(request.slug), recordBody(record))) return { record, diagnostics: [] };
    // Another process allocated for the same branch at the same moment: keep its slot, free ours.
    await store.remove(slotKey(slot));
    const winner = ownRecord(request, parseRecord(await store.read(recordKey(request.slug))));
    if (winner !== undefined) return winner;
    return {
      diagnostics: [
        { severity: "error", path: request.path ?? "branch", message: `the slot record of "${request.branch}" is unreadable: ${recordKey(request.slug)}` },
      ],
    };
  }
  return { diagnostics: [registryFull(request)] };
}

/** The record of `slug`, undefined when there is none (or it is unreadable). */
export async function readRecord(store: SlotStore, slug: string): Promise<SlotRecord | undefined> {
  return parseRecord(await store.read(recordKey(slug)));
}

/** The branch `up` deployed, with the slot its stack was built with. */
export interface DeployedBranch {
  readonly branch: string;
  readonly slug: string;
  readonly slot: number;
}

/**
 * Sets `lastDeployedAt` of a branch's record after `up` applied its stack; the answer is why it
 * could not (undefined when written). Only a record that still names this branch and slot is
 * rewritten: a record freed meanwhile (`branches gc`, `down`) is not brought back, since its slot
 * file is gone and the slot may already be another branch's. Keys this version does not know are
 * kept, so an older compose2ecs never strips what a newer one recorded.
 */
export async function recordDeployment(store: SlotStore, deployed: DeployedBranch, now: Date): Promise<string | undefined> {
  const text = await store.read(recordKey(deployed.slug));
  const current = parseRecord(text);
  if (current === undefined) return `its slot record ${recordKey(deployed.slug)} is gone (freed by \`branches gc\` or \`down\` while up ran?)`;
  if (current.branch !== deployed.branch || current.slot !== deployed.slot) {
    return `its slot record ${recordKey(deployed.slug)} now says branch "${current.branch}", slot ${current.slot} (the stack was built for "${deployed.branch}", slot ${deployed.slot})`;
  }
  await updateRecord(store, { ...unknownKeys(text), ...current, lastDeployedAt: now.toISOString() });
  return undefined;
}

function unknownKeys(text: string | undefined): Record<string, unknown> {
  const value: unknown = JSON.parse(text ?? "{}");
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The registry's lock: placing a branch reads every record's usage, so placements must not interleave. */
export const ALLOCATION_LOCK_KEY = "locks/allocation";
/** A lock older than this was left by a process that died while holding it (holding it takes well under a second). */
export const ALLOCATION_LOCK_LEASE_MS = 60_000;
/** The longest pause between two attempts to take the lock. */
const LOCK_POLL_MAX_MS = 1000;
/**
 * How long an allocation waits for the lock before giving up: long enough for a whole CI fleet
 * synthesizing at once (each holder reads every record), short enough that a stuck job says so.
 */
const ALLOCATION_LOCK_WAIT_MS = 600_000;

function lockTimeoutMessage(request: SlotRequest): string {
  return (
    `could not take the slot registry's lock (${ALLOCATION_LOCK_KEY}) of environment ${request.envName} within ${ALLOCATION_LOCK_WAIT_MS / 1000} s: ` +
    "other branches are being allocated; run synth again"
  );
}

/** When the lock in `body` was taken; NaN for a torn or foreign body (taken over like a stale one). */
function lockTime(body: string): number {
  try {
    const value: unknown = JSON.parse(body);
    const at = typeof value === "object" && value !== null ? (value as { at?: unknown }).at : undefined;
    return typeof at === "string" ? Date.parse(at) : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Runs `work` holding `locks/allocation` (an exclusive create; removed afterwards). A lock older
 * than the lease is taken over; undefined when the lock stayed busy past the wait.
 */
async function withAllocationLock<T>(store: SlotStore, now: Date, work: () => Promise<T>): Promise<T | undefined> {
  const started = Date.now();
  const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  let attempt = 0;
  for (;;) {
    if (await store.createExclusive(ALLOCATION_LOCK_KEY, JSON.stringify({ owner, at: new Date(Date.now()).toISOString(), requestedAt: now.toISOString() })))
      break;
    const held = await store.read(ALLOCATION_LOCK_KEY);
    const at = held === undefined ? NaN : lockTime(held);
    if (held !== undefined && (Number.isNaN(at) || Date.now() - at > ALLOCATION_LOCK_LEASE_MS)) {
      await store.remove(ALLOCATION_LOCK_KEY);
      continue;
    }
    if (Date.now() - started > ALLOCATION_LOCK_WAIT_MS) return undefined;
    // Exponential backoff with jitter: twenty waiters polling every few milliseconds would slow the
    // holder's own requests to the bucket more than the wait saves.
    attempt += 1;
    await new Promise((done) => setTimeout(done, Math.min(LOCK_POLL_MAX_MS, 25 * 2 ** attempt) * (0.5 + Math.random())));
  }
  try {
    return await work();
  } finally {
    await store.remove(ALLOCATION_LOCK_KEY);
  }
}

/** Frees the slot of `slug` (record first, so a crash leaves at most an orphan slot file that `listSlots` reports). */
export async function releaseSlot(store: SlotStore, slug: string): Promise<SlotRecord | undefined> {
  const record = parseRecord(await store.read(recordKey(slug)));
  await store.remove(recordKey(slug));
  if (record !== undefined) await store.remove(slotKey(record.slot));
  return record;
}

/** Record reads in flight at once when listing the registry. */
const RECORD_READS_AT_ONCE = 16;

/** Every branch record, sorted by slot. */
export async function listSlots(store: SlotStore): Promise<readonly SlotRecord[]> {
  const names = (await store.list("branches")).filter((n) => n.endsWith(".json")).sort();
  // Read several at once: every branch plan reads every record (the ALB quota check), and one S3
  // round trip after another would make a plan's time grow with the number of branches.
  const parsed: (SlotRecord | undefined)[] = new Array<SlotRecord | undefined>(names.length);
  let next = 0;
  const reader = async (): Promise<void> => {
    for (let i = next++; i < names.length; i = next++) parsed[i] = parseRecord(await store.read(`branches/${names[i]}`));
  };
  await Promise.all(Array.from({ length: Math.min(RECORD_READS_AT_ONCE, names.length) }, reader));
  return parsed.filter((r): r is SlotRecord => r !== undefined).sort((a, b) => a.slot - b.slot);
}

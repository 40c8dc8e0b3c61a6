import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Diagnostic } from "../compose/model";
import { MAX_BRANCH_LISTENERS, MAX_RULE_PRIORITY, RULES_PER_SLOT } from "../planner/slots";

/**
 * The slot registry: each branch of an environment holds one slot (what a slot means:
 * planner/slots.ts), an integer that no other live branch of that environment holds.
 *
 * Allocation is atomic: a slot is taken by creating `slots/<n>` exclusively (O_EXCL locally,
 * `If-None-Match: *` on S3), and a branch's record `branches/<slug>.json` is published with
 * an exclusive link, so two processes allocating for the same branch end up with one slot.
 */

/** A branch's entry in the registry. */
export interface SlotRecord {
  readonly branch: string;
  readonly slug: string;
  readonly slot: number;
  /** ISO time the slot was first allocated. */
  readonly createdAt: string;
}

export interface SlotResult {
  readonly record?: SlotRecord;
  readonly diagnostics: readonly Diagnostic[];
}

/** Storage the registry needs: exclusive create, read, list, delete of small text objects by relative key. */
export interface SlotStore {
  /** Creates `key` with `body` unless it exists; returns false when it exists. */
  createExclusive(key: string, body: string): Promise<boolean>;
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
      return { branch: r.branch, slug: r.slug, slot: r.slot, createdAt: r.createdAt };
    }
  } catch {
    // A torn or foreign file is treated as no record.
  }
  return undefined;
}

function collision(envName: string, existing: SlotRecord, branch: string): Diagnostic {
  return {
    severity: "error",
    path: "branch",
    message:
      `branch "${branch}" and branch "${existing.branch}" share the slug "${existing.slug}" in environment ${envName} ` +
      "(a 6-character hash collision); rename one of the branches",
  };
}

function registryFull(envName: string, limit: number): Diagnostic {
  const why =
    limit === MAX_BRANCH_LISTENERS
      ? `each branch gets its own listener port and an ALB has at most 50 listeners (80 and 443 are the base's); ` +
        "setting loadBalancer.domain routes branches by host name instead"
      : `each branch gets ${RULES_PER_SLOT} listener-rule priorities and an ALB allows priorities up to ${MAX_RULE_PRIORITY}`;
  return {
    severity: "error",
    path: "branch",
    message:
      `environment ${envName} has no free branch slot: all ${limit} are taken (${why}). ` +
      `Remove stale branches with \`compose2ecs branches gc --env ${envName} --live <file> --destroy\``,
  };
}

/** One storage step of the allocation algorithm; drivers run it against a real store. */
type StoreOp =
  | { readonly op: "read"; readonly key: string }
  | { readonly op: "list"; readonly dir: string }
  | { readonly op: "create"; readonly key: string; readonly body: string }
  | { readonly op: "remove"; readonly key: string };

type StoreAnswer = string | boolean | readonly string[] | undefined;

/**
 * The allocation algorithm, written once as a generator of storage steps so that the local
 * registry can run it synchronously (synth is synchronous) and S3 asynchronously.
 */
function* allocation(envName: string, branch: string, slug: string, limit: number, now: Date): Generator<StoreOp, SlotResult, StoreAnswer> {
  const existing = parseRecord(asText(yield { op: "read", key: recordKey(slug) }));
  if (existing !== undefined) {
    return existing.branch === branch ? { record: existing, diagnostics: [] } : { diagnostics: [collision(envName, existing, branch)] };
  }
  const taken = new Set(asList(yield { op: "list", dir: "slots" }).map(Number));
  for (let slot = 1; slot <= limit; slot += 1) {
    if (taken.has(slot)) continue;
    if ((yield { op: "create", key: slotKey(slot), body: slug }) !== true) continue;
    const record: SlotRecord = { branch, slug, slot, createdAt: now.toISOString() };
    if ((yield { op: "create", key: recordKey(slug), body: JSON.stringify(record, null, 2) + "\n" }) === true) {
      return { record, diagnostics: [] };
    }
    // Another process allocated for the same branch at the same moment: keep its slot, free ours.
    yield { op: "remove", key: slotKey(slot) };
    const winner = parseRecord(asText(yield { op: "read", key: recordKey(slug) }));
    if (winner !== undefined && winner.branch === branch) return { record: winner, diagnostics: [] };
    if (winner !== undefined) return { diagnostics: [collision(envName, winner, branch)] };
    return { diagnostics: [{ severity: "error", path: "branch", message: `the slot record of "${branch}" is unreadable: ${recordKey(slug)}` }] };
  }
  return { diagnostics: [registryFull(envName, limit)] };
}

function asText(answer: StoreAnswer): string | undefined {
  return typeof answer === "string" ? answer : undefined;
}

function asList(answer: StoreAnswer): readonly string[] {
  return Array.isArray(answer) ? answer : [];
}

async function runAsync(store: SlotStore, op: StoreOp): Promise<StoreAnswer> {
  switch (op.op) {
    case "read":
      return store.read(op.key);
    case "list":
      return store.list(op.dir);
    case "create":
      return store.createExclusive(op.key, op.body);
    case "remove":
      await store.remove(op.key);
      return undefined;
  }
}

/**
 * Allocates (or finds) the slot of `branch`. Re-running for the same branch returns its
 * existing record; the lowest free slot in 1..limit is taken otherwise.
 */
export async function allocateSlot(store: SlotStore, envName: string, branch: string, slug: string, limit: number, now: Date): Promise<SlotResult> {
  const steps = allocation(envName, branch, slug, limit, now);
  let next = steps.next();
  while (!next.done) next = steps.next(await runAsync(store, next.value));
  return next.value;
}

/** Frees the slot of `slug` (record first, so a crash leaves at most an orphan slot file that `listSlots` reports). */
export async function releaseSlot(store: SlotStore, slug: string): Promise<SlotRecord | undefined> {
  const record = parseRecord(await store.read(recordKey(slug)));
  await store.remove(recordKey(slug));
  if (record !== undefined) await store.remove(slotKey(record.slot));
  return record;
}

/** Every branch record, sorted by slot. */
export async function listSlots(store: SlotStore): Promise<readonly SlotRecord[]> {
  const names = (await store.list("branches")).filter((n) => n.endsWith(".json")).sort();
  const records: SlotRecord[] = [];
  for (const name of names) {
    const record = parseRecord(await store.read(`branches/${name}`));
    if (record !== undefined) records.push(record);
  }
  return records.sort((a, b) => a.slot - b.slot);
}

/**
 * The local registry in `<stateDir>/<env>/`: synchronous so that synth (which is synchronous)
 * can allocate without an event loop; `localSlotStore` wraps it for the shared async code.
 */
export class LocalSlotRegistry {
  constructor(readonly dir: string) {}

  createExclusive(key: string, body: string): boolean {
    const file = join(this.dir, key);
    mkdirSync(join(file, ".."), { recursive: true });
    if (key.startsWith("branches/")) {
      // Written in full under a private name, then linked: link(2) fails if the target exists,
      // so readers never see a half-written record and only one writer wins.
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(temp, body);
      try {
        linkSync(temp, file);
        return true;
      } catch (error) {
        if (isErrno(error, "EEXIST")) return false;
        throw error;
      } finally {
        unlinkSync(temp);
      }
    }
    let fd: number;
    try {
      fd = openSync(file, "wx");
    } catch (error) {
      if (isErrno(error, "EEXIST")) return false;
      throw error;
    }
    try {
      writeSync(fd, body);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  read(key: string): string | undefined {
    try {
      return readFileSync(join(this.dir, key), "utf8");
    } catch (error) {
      if (isErrno(error, "ENOENT")) return undefined;
      throw error;
    }
  }

  list(dir: string): readonly string[] {
    try {
      return readdirSync(join(this.dir, dir)).filter((n) => !n.endsWith(".tmp")).sort();
    } catch (error) {
      if (isErrno(error, "ENOENT")) return [];
      throw error;
    }
  }

  remove(key: string): void {
    try {
      unlinkSync(join(this.dir, key));
    } catch (error) {
      if (!isErrno(error, "ENOENT")) throw error;
    }
  }

  /** `allocateSlot` run synchronously against this folder. */
  allocate(envName: string, branch: string, slug: string, limit: number, now: Date): SlotResult {
    const steps = allocation(envName, branch, slug, limit, now);
    let next = steps.next();
    while (!next.done) next = steps.next(this.run(next.value));
    return next.value;
  }

  private run(op: StoreOp): StoreAnswer {
    switch (op.op) {
      case "read":
        return this.read(op.key);
      case "list":
        return this.list(op.dir);
      case "create":
        return this.createExclusive(op.key, op.body);
      case "remove":
        this.remove(op.key);
        return undefined;
    }
  }
}

/** The async view of a local registry, for code shared with the S3 registry. */
export function localSlotStore(registry: LocalSlotRegistry): SlotStore {
  return {
    createExclusive: async (key, body) => registry.createExclusive(key, body),
    read: async (key) => registry.read(key),
    list: async (dir) => registry.list(dir),
    remove: async (key) => registry.remove(key),
  };
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as NodeJS.ErrnoException).code === code;
}

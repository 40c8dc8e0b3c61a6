import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { Diagnostic } from "../compose/model";
import { EnvironmentConfig } from "../config/environment-model";
import { localStateDir } from "./backend";
import { listSlots, releaseSlot, SlotRecord } from "./priority-slots";
import { S3Store } from "./s3-store";
import { SlotRegistry, slotRegistryFor } from "./slot-registry";

/**
 * The branch environments of an environment as its state backend and slot registry know
 * them, and the garbage collection of those whose git branch is gone or whose TTL has passed
 * (which ones: state/branch-expiry.ts).
 */

/** State names that are not branches (state/backend.ts). */
const NON_BRANCH_STATES = new Set(["base", "app"]);

export interface BranchEnvironment {
  readonly slug: string;
  /** Git branch name, from the slot record (undefined when the state has no record). */
  readonly branch?: string;
  readonly slot?: number;
  /** Its ALB in the base's pool (1-based), from the slot record (undefined when the state has no record). */
  readonly alb?: number;
  /** Where its state is (file path, s3:// URL or HCP workspace); undefined when never deployed. */
  readonly state?: string;
  /** Last change of the state, else the slot's allocation time. */
  readonly lastModified?: Date;
  /** When its slot was allocated (the record's createdAt). */
  readonly createdAt?: Date;
  /** Its last successful `up` (the record's lastDeployedAt). */
  readonly lastDeployedAt?: Date;
}

/** Reading and deleting state, per backend. */
export interface StateInventory {
  /** Branch states: slug, location and last-modified time. */
  list(): Promise<readonly { slug: string; location: string; lastModified?: Date }[]>;
  /** Whether the state of `slug` exists now (checked again before a slot is freed). */
  exists(slug: string): Promise<boolean>;
  /** The state document of `slug`, undefined when there is none. */
  read(slug: string): Promise<string | undefined>;
  /** Deletes the state of `slug` (and its backup or lock files). */
  remove(slug: string): Promise<void>;
}

/** The branch states of an environment with a slot registry (state/slot-registry.ts: local or s3). */
export function stateInventoryFor(env: EnvironmentConfig, projectDir: string, registry: SlotRegistry): StateInventory {
  const state = env.state;
  if (state.kind === "local") return localInventory(localStateDir(state, projectDir, env.name));
  if (state.kind === "s3" && registry.store instanceof S3Store) return s3Inventory(registry.store);
  throw new Error(`internal: environment ${env.name} (state.backend: ${state.kind}) has no branch state inventory`);
}

function localInventory(dir: string): StateInventory {
  const file = (slug: string) => join(dir, `${slug}.tfstate`);
  return {
    list: async () => {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return [];
      }
      return names
        .filter((n) => n.endsWith(".tfstate") && !NON_BRANCH_STATES.has(n.slice(0, -".tfstate".length)))
        .sort()
        .map((n) => ({ slug: n.slice(0, -".tfstate".length), location: join(dir, n), lastModified: statSync(join(dir, n)).mtime }));
    },
    exists: async (slug) => existsSync(file(slug)),
    read: async (slug) => (existsSync(file(slug)) ? readFileSync(file(slug), "utf8") : undefined),
    remove: async (slug) => {
      for (const name of [`${slug}.tfstate`, `${slug}.tfstate.backup`]) {
        try {
          unlinkSync(join(dir, name));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
      }
    },
  };
}

function s3Inventory(store: S3Store): StateInventory {
  return {
    list: async () =>
      (await store.listObjects(""))
        .filter((o) => !o.key.includes("/") && o.key.endsWith(".tfstate") && !NON_BRANCH_STATES.has(o.key.slice(0, -".tfstate".length)))
        .map((o) => ({
          slug: o.key.slice(0, -".tfstate".length),
          location: `s3://${store.bucket}/${store.prefix}${o.key}`,
          ...(o.lastModified ? { lastModified: o.lastModified } : {}),
        })),
    exists: async (slug) => (await store.read(`${slug}.tfstate`)) !== undefined,
    read: (slug) => store.read(`${slug}.tfstate`),
    remove: async (slug) => {
      await store.remove(`${slug}.tfstate`);
      await store.remove(`${slug}.tfstate.tflock`);
    },
  };
}

/** Branch environments that have state or a slot, sorted by slug. */
export async function listBranchEnvironments(registry: SlotRegistry, inventory: StateInventory): Promise<readonly BranchEnvironment[]> {
  const records = new Map<string, SlotRecord>((await listSlots(registry.store)).map((r) => [r.slug, r]));
  const states = new Map((await inventory.list()).map((s) => [s.slug, s]));
  const slugs = [...new Set([...records.keys(), ...states.keys()])].sort();
  return slugs.map((slug) => {
    const record = records.get(slug);
    const state = states.get(slug);
    const createdAt = validDate(record?.createdAt);
    const lastDeployedAt = validDate(record?.lastDeployedAt);
    const lastModified = state?.lastModified ?? createdAt;
    return {
      slug,
      ...(record ? { branch: record.branch, slot: record.slot, alb: record.alb ?? 1 } : {}),
      ...(state ? { state: state.location } : {}),
      ...(lastModified ? { lastModified } : {}),
      ...(createdAt ? { createdAt } : {}),
      ...(lastDeployedAt ? { lastDeployedAt } : {}),
    };
  });
}

function validDate(iso: string | undefined): Date | undefined {
  if (iso === undefined) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Branch names from `--live` input: one per line, blank lines and `#` comments ignored. */
export function parseLiveBranches(text: string): readonly string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

export type GcAction = "would destroy" | "would release" | "destroyed" | "released" | "kept" | "needs destroy" | "failed";

export interface GcOutcome {
  readonly branch: BranchEnvironment;
  readonly action: GcAction;
  readonly detail: string;
}

/** Destroys one branch stack's resources; resolves with ok=false (and why) on failure, never throws for terraform errors. */
export type DestroyBranchStack = (branch: BranchEnvironment) => Promise<{ readonly ok: boolean; readonly detail: string }>;

export interface GcOptions {
  readonly destroy: boolean;
  readonly destroyStack: DestroyBranchStack;
  /** Called as soon as each branch is done, for progress output. */
  readonly onOutcome?: (outcome: GcOutcome) => void;
  /**
   * Asked with `destroy`, right before a branch is destroyed or released: why to keep it after
   * all (it was deployed again since the listing), else undefined.
   * @default nothing is re-checked
   */
  readonly recheck?: (branch: BranchEnvironment) => Promise<string | undefined>;
}

/** Whether an outcome leaves work undone (the exit code of `gc` is 1 then). */
export function gcIncomplete(outcome: GcOutcome): boolean {
  return outcome.action === "failed" || outcome.action === "needs destroy";
}

/**
 * Without `destroy`: names what would happen, changes nothing. With it, one branch at a time:
 * destroy its resources (when it has state), then delete its state and free its slot. A failed
 * destroy keeps both, so the branch can be retried. A slot is freed only after checking that
 * its branch has no state at that moment: a freed slot is handed to the next branch, and two
 * deployed stacks on one slot would share a listener port and priorities.
 */
export async function collectGarbage(
  stale: readonly BranchEnvironment[],
  registry: SlotRegistry,
  inventory: StateInventory,
  options: GcOptions,
): Promise<readonly GcOutcome[]> {
  const outcomes: GcOutcome[] = [];
  for (const branch of stale) {
    const outcome = await collectOne(branch, registry, inventory, options);
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return outcomes;
}

async function collectOne(branch: BranchEnvironment, registry: SlotRegistry, inventory: StateInventory, options: GcOptions): Promise<GcOutcome> {
  if (!options.destroy) {
    return branch.state !== undefined
      ? { branch, action: "would destroy", detail: `state ${branch.state}` }
      : { branch, action: "would release", detail: `slot ${branch.slot ?? "?"} (never deployed)` };
  }
  const keep = await options.recheck?.(branch);
  if (keep !== undefined) return { branch, action: "kept", detail: keep };
  if (branch.state !== undefined) {
    let result: { ok: boolean; detail: string };
    try {
      result = await options.destroyStack(branch);
    } catch (error) {
      result = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    if (!result.ok) return { branch, action: "failed", detail: result.detail };
    await inventory.remove(branch.slug);
    return (await releaseUnlessDeployed(branch, registry, inventory)) ?? { branch, action: "destroyed", detail: result.detail };
  }
  return (
    (await releaseUnlessDeployed(branch, registry, inventory)) ?? { branch, action: "released", detail: `slot ${branch.slot ?? "?"} freed (never deployed)` }
  );
}

/** Frees the branch's slot when it has no state now; else the outcome that says it needs a destroy. */
async function releaseUnlessDeployed(branch: BranchEnvironment, registry: SlotRegistry, inventory: StateInventory): Promise<GcOutcome | undefined> {
  if (await inventory.exists(branch.slug)) {
    return {
      branch,
      action: "needs destroy",
      detail: `its state exists (it was deployed after the listing, or could not be deleted), so its slot ${branch.slot ?? "?"} stays taken; run gc --destroy again`,
    };
  }
  await releaseSlot(registry.store, branch.slug);
  return undefined;
}

/** The registry and state inventory of an environment, ready for list and gc; errors when its backend keeps no registry. */
export function branchBookkeeping(
  env: EnvironmentConfig,
  projectDir: string,
  envVars: NodeJS.ProcessEnv,
): { bookkeeping?: { registry: SlotRegistry; inventory: StateInventory }; diagnostics: Diagnostic[] } {
  const { registry, diagnostics } = slotRegistryFor(env, projectDir, envVars);
  if (registry === undefined) return { diagnostics };
  return { bookkeeping: { registry, inventory: stateInventoryFor(env, projectDir, registry) }, diagnostics };
}

import { Diagnostic } from "../compose/model";
import { EnvironmentConfig } from "../config/environment-model";
import { ALB_MAX_LISTENERS, MAX_BRANCH_LISTENERS, MAX_SLOT } from "../planner/slots";

/**
 * How much of the shared ALB one application stack uses, and how many such branches one base
 * holds. Hard limits per Application Load Balancer (ELBv2 quotas, not adjustable for target
 * groups per ALB): 100 target groups, 100 rules (default rules not counted), 50 listeners
 * (planner/slots.ts).
 */

export const ALB_MAX_TARGET_GROUPS = 100;
export const ALB_MAX_RULES = 100;
/** Warn when one stack alone takes more than this share of any ALB limit (then fewer than 5 branches fit). */
export const LARGE_SHARE = 0.2;

export interface AlbUsage {
  readonly targetGroups: number;
  readonly rules: number;
  readonly listeners: number;
  /** The largest fraction of any limit this stack uses (0..1+). */
  readonly share: number;
  /** How many stacks of this shape fit on one ALB (branches per base). */
  readonly branchesPerBase: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** The parts of an application stack's plan (planner/plan.ts AppPlan) that use the shared ALB. */
export interface AlbUser {
  readonly stackName: string;
  readonly listener: { readonly kind: "shared" | "own" };
  readonly services: readonly { readonly routes: readonly { readonly targetGroupName: string }[] }[];
}

/** The usage of one application stack; `baseListeners` are the base's own (80, and 443 with a certificate). */
export function albShare(app: AlbUser, baseListeners = 2): AlbUsage {
  const routes = app.services.flatMap((s) => s.routes);
  const targetGroups = new Set(routes.map((r) => r.targetGroupName)).size;
  const rules = routes.length;
  const listeners = app.listener.kind === "own" ? 1 : 0;
  const fits = [
    targetGroups === 0 ? Infinity : Math.floor(ALB_MAX_TARGET_GROUPS / targetGroups),
    rules === 0 ? Infinity : Math.floor(ALB_MAX_RULES / rules),
    listeners === 0 ? MAX_SLOT : Math.min(MAX_BRANCH_LISTENERS, Math.floor((ALB_MAX_LISTENERS - baseListeners) / listeners)),
  ];
  const branchesPerBase = Math.min(...fits);
  const share = Math.max(targetGroups / ALB_MAX_TARGET_GROUPS, rules / ALB_MAX_RULES, listeners / (ALB_MAX_LISTENERS - baseListeners));
  const diagnostics: Diagnostic[] =
    share > LARGE_SHARE
      ? [
          {
            severity: "warning",
            path: "",
            message:
              `stack ${app.stackName} alone uses ${targetGroups} of the shared ALB's ${ALB_MAX_TARGET_GROUPS} target groups and ${rules} of its ${ALB_MAX_RULES} rules, ` +
              `so one base holds only ${branchesPerBase} such branch(es); route fewer services through the load balancer (x-ecs public: false) or give this environment its own base`,
          },
        ]
      : [];
  return { targetGroups, rules, listeners, share, branchesPerBase, diagnostics };
}

// ---- the pool: which ALB a branch goes on, and whether it still fits ------------------------

/** What one branch stack takes of its ALB's quotas (also a SlotRecord's `usage`). */
export interface QuotaUsage {
  readonly targetGroups: number;
  readonly rules: number;
  readonly listeners: number;
}

/** What the branches of one ALB may take together: the quotas less what the base uses itself. */
export interface AlbLimits {
  /** Target groups per ALB: a hard ELBv2 limit. */
  readonly targetGroups: number;
  /** loadBalancer.quotas.rulesPerAlb (the base adds no rules). */
  readonly rules: number;
  /** loadBalancer.quotas.listenersPerAlb less the base's own listeners (80, and 443 with a certificate). */
  readonly listeners: number;
}

/** The parts of a slot record the pool reads (state/priority-slots.ts SlotRecord). */
export interface PlacedBranch {
  readonly slug: string;
  /** @default 1 (records from before pools) */
  readonly alb?: number;
  readonly usage?: QuotaUsage;
}

const QUOTA_KEYS = ["targetGroups", "rules", "listeners"] as const;
const ZERO: QuotaUsage = { targetGroups: 0, rules: 0, listeners: 0 };

/** The branch limits of each ALB of the environment's pool (they are the same for every ALB). */
export function albLimits(env: EnvironmentConfig): AlbLimits {
  const baseListeners = 1 + (env.loadBalancer.certificateArn !== undefined ? 1 : 0);
  return {
    targetGroups: ALB_MAX_TARGET_GROUPS,
    rules: env.loadBalancer.quotas.rulesPerAlb,
    listeners: env.loadBalancer.quotas.listenersPerAlb - baseListeners,
  };
}

/** The quota usage of one application stack's plan. */
export function usageOf(app: AlbUser): QuotaUsage {
  const { targetGroups, rules, listeners } = albShare(app);
  return { targetGroups, rules, listeners };
}

export function sameUsage(a: QuotaUsage | undefined, b: QuotaUsage): boolean {
  return a !== undefined && QUOTA_KEYS.every((k) => a[k] === b[k]);
}

/**
 * The recorded usage of each ALB, by 1-based index, leaving out `exceptSlug` (the branch being
 * placed or checked). A record from before pools has no usage: it is counted as `assumed` (the
 * usage of the branch at hand: branches of an environment deploy one compose project), until
 * its next synth records its own.
 */
export function albLoads(records: readonly PlacedBranch[], exceptSlug: string, assumed: QuotaUsage): Map<number, QuotaUsage> {
  const loads = new Map<number, QuotaUsage>();
  for (const r of records) {
    if (r.slug === exceptSlug) continue;
    const alb = r.alb ?? 1;
    const was = loads.get(alb) ?? ZERO;
    const add = r.usage ?? assumed;
    loads.set(alb, { targetGroups: was.targetGroups + add.targetGroups, rules: was.rules + add.rules, listeners: was.listeners + add.listeners });
  }
  return loads;
}

/** The quotas `usage` would break on an ALB already holding `load` (none when it fits). */
export function overQuota(load: QuotaUsage | undefined, usage: QuotaUsage, limits: AlbLimits): readonly (typeof QUOTA_KEYS)[number][] {
  const held = load ?? ZERO;
  return QUOTA_KEYS.filter((k) => held[k] + usage[k] > limits[k]);
}

/** The lowest-index ALB of a pool of `poolSize` that takes `usage` besides its load, if any. */
export function chooseAlb(loads: ReadonlyMap<number, QuotaUsage>, usage: QuotaUsage, limits: AlbLimits, poolSize: number): number | undefined {
  for (let alb = 1; alb <= poolSize; alb += 1) if (overQuota(loads.get(alb), usage, limits).length === 0) return alb;
  return undefined;
}

const QUOTA_WORDS: Record<(typeof QUOTA_KEYS)[number], { noun: string; setting: string }> = {
  targetGroups: { noun: "target groups", setting: "a hard ELBv2 limit" },
  rules: { noun: "listener rules", setting: "loadBalancer.quotas.rulesPerAlb" },
  listeners: { noun: "listeners", setting: "loadBalancer.quotas.listenersPerAlb, less the base's own" },
};

function usageText(usage: QuotaUsage): string {
  return `${usage.targetGroups} target group(s), ${usage.rules} listener rule(s) and ${usage.listeners} listener(s)`;
}

/** Why one branch alone is too big for any ALB, or undefined when an empty ALB takes it. */
function tooBigAlone(branch: string, usage: QuotaUsage, limits: AlbLimits): string | undefined {
  const over = overQuota(undefined, usage, limits);
  if (over.length === 0) return undefined;
  const what = over.map((k) => `${usage[k]} ${QUOTA_WORDS[k].noun} where an ALB allows ${limits[k]} (${QUOTA_WORDS[k].setting})`).join(", ");
  return (
    `branch "${branch}" alone needs ${what}, so no load balancer of any pool can take it: ` +
    (over.includes("targetGroups")
      ? "route fewer services through the load balancer (x-ecs public: false)"
      : "raise the quota in AWS Service Quotas and in loadBalancer.quotas, or route fewer services through the load balancer")
  );
}

/**
 * The error for a branch that is not placed yet and fits no ALB of the pool: raising the pool
 * by one always helps (a new ALB is empty) unless the branch alone is too big for any ALB.
 */
export function noAlbFits(envName: string, branch: string, usage: QuotaUsage, limits: AlbLimits, poolSize: number): string {
  return (
    tooBigAlone(branch, usage, limits) ??
    `no load balancer of environment ${envName}'s pool of ${poolSize} has room for branch "${branch}" (${usageText(usage)}) besides the branches already placed: ` +
      `raise loadBalancer.pool to ${poolSize + 1} and deploy the base (compose2ecs up --env ${envName} --base), or free branches with \`compose2ecs branches gc --env ${envName}\``
  );
}

/**
 * The error for a placed branch whose current usage no longer fits its ALB: a branch keeps its
 * ALB, so the fix is to move it (destroy, then deploy again) to an ALB with room, or a new one.
 */
export function placedAlbFull(
  envName: string,
  branch: string,
  alb: number,
  load: QuotaUsage | undefined,
  usage: QuotaUsage,
  limits: AlbLimits,
  loads: ReadonlyMap<number, QuotaUsage>,
  poolSize: number,
): string {
  const alone = tooBigAlone(branch, usage, limits);
  if (alone !== undefined) return alone;
  const held = load ?? ZERO;
  const over = overQuota(load, usage, limits)
    .map((k) => `${held[k]} + ${usage[k]} ${QUOTA_WORDS[k].noun} > ${limits[k]}`)
    .join(", ");
  const elsewhere = chooseAlb(loads, usage, limits, poolSize);
  const move = `destroy the branch (compose2ecs down --env ${envName} --branch ${branch}) and deploy it again`;
  return (
    `branch "${branch}" is placed on load balancer ${alb} of environment ${envName}'s pool, which no longer has room for it (${over}): ` +
    (elsewhere !== undefined
      ? `${move} to move it to load balancer ${elsewhere}, which has room`
      : `raise loadBalancer.pool to ${poolSize + 1} and deploy the base, then ${move} to move it there`)
  );
}

import { MAX_SLOT, priorityBlock, RULES_PER_SLOT } from "./slots";

/**
 * Listener-rule conditions and priorities. A stack owns its slot's priority block
 * (planner/slots.ts); inside it the most specific rule wins first, the catch-all last.
 * Priorities never depend on list positions alone: they follow from specificity, then the
 * service name.
 */

export interface RouteConditions {
  readonly hosts: readonly string[];
  readonly paths: readonly string[];
}

export interface RouteRequest {
  readonly service: string;
  /** x-ecs/environment `path`. */
  readonly path?: string;
  /** x-ecs/environment `host`. */
  readonly host?: string;
}

export interface RouteContext {
  /** `<slug>.<domain>` for a branch with a domain. */
  readonly branchHost?: string;
  /** The environment's domain, for a non-branch environment. */
  readonly domain?: string;
}

/** Path patterns for a prefix: the prefix itself and everything below it; "/" is the catch-all. */
export function pathPatterns(prefix: string): string[] {
  const trimmed = prefix.replace(/\/+$/, "");
  if (trimmed === "") return ["/*"];
  return [trimmed, `${trimmed}/*`];
}

/**
 * Conditions of one service's rule: an explicit path/host wins; otherwise `/<service>` (or
 * `<service>.<domain>` when the environment has a domain). A branch with a domain adds its host.
 */
export function routeConditions(request: RouteRequest, context: RouteContext): RouteConditions {
  const explicitHost = context.branchHost ?? request.host;
  if (request.path !== undefined) {
    return { hosts: explicitHost ? [explicitHost] : [], paths: pathPatterns(request.path) };
  }
  if (explicitHost !== undefined && context.branchHost === undefined) {
    return { hosts: [explicitHost], paths: ["/*"] };
  }
  if (context.branchHost === undefined && context.domain !== undefined) {
    return { hosts: [`${request.service}.${context.domain}`], paths: ["/*"] };
  }
  return { hosts: explicitHost ? [explicitHost] : [], paths: pathPatterns(`/${request.service}`) };
}

/** Longest literal path prefix of a rule ("/*" counts as 0). */
function pathDepth(paths: readonly string[]): number {
  return Math.max(0, ...paths.map((p) => p.replace(/\/?\*$/, "").length));
}

/** Specificity order: host rules first, then longer paths, then the service name. */
export function compareRoutes(a: RouteConditions & { service: string }, b: RouteConditions & { service: string }): number {
  const host = Number(b.hosts.length > 0) - Number(a.hosts.length > 0);
  if (host !== 0) return host;
  const depth = pathDepth(b.paths) - pathDepth(a.paths);
  if (depth !== 0) return depth;
  return a.service < b.service ? -1 : a.service > b.service ? 1 : 0;
}

/** First priority of a slot's block. */
export function priorityBase(slot: number): number {
  return priorityBlock(slot).first;
}

/**
 * Priorities for a stack's routes, in the slot's block. Returns an error message instead
 * when the routes do not fit or two services claim the same conditions.
 */
export function assignPriorities<T extends RouteConditions & { service: string }>(
  routes: readonly T[],
  slot: number,
): { ok: true; routes: (T & { priority: number })[] } | { ok: false; message: string } {
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_SLOT) {
    return { ok: false, message: `priority slot must be a whole number from 0 to ${MAX_SLOT}, got ${slot}` };
  }
  if (routes.length > RULES_PER_SLOT) {
    return { ok: false, message: `${routes.length} routed services; a stack has room for ${RULES_PER_SLOT} listener rules` };
  }
  const seen = new Map<string, string>();
  for (const r of routes) {
    const key = JSON.stringify([[...r.hosts].sort(), [...r.paths].sort()]);
    const other = seen.get(key);
    if (other !== undefined) {
      return {
        ok: false,
        message: `services "${other}" and "${r.service}" route the same host/path (${[...r.hosts, ...r.paths].join(" ")}); set a distinct x-ecs path or host`,
      };
    }
    seen.set(key, r.service);
  }
  const base = priorityBase(slot);
  return { ok: true, routes: [...routes].sort(compareRoutes).map((r, i) => ({ ...r, priority: base + i })) };
}

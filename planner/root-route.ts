/**
 * Which routed service is served at `/` (the catch-all `/*` rule, the last of the stack's
 * priority block). The load balancer passes paths unchanged, so an app mounted at `/<service>`
 * answers its own `/` only if it serves under that prefix; most web apps do not.
 *
 * - A service whose `x-ecs` (or environment) `path` is `/` is pinned there.
 * - A project with one routed service serves it at `/`.
 * - With several, the choice depends only on the service itself, so adding a service never
 *   moves `/` to another one: the one service publishing container or host port 80 or 443 on an
 *   HTTP port. Otherwise nothing is at `/` (the listener's 404) and `check` says how to pin it.
 *
 * Services routed by host name (x-ecs `host`, or `<service>.<domain>`) are already at the root of
 * their own host and take no part. A rule rather than the listener's default action: the shared
 * listener's default belongs to the base stack (every branch uses it), and one mechanism for
 * shared and own listeners keeps the stack's routes in its own priority block.
 */

export interface RootCandidate {
  readonly service: string;
  /** x-ecs / environment `path`, when set. */
  readonly path?: string;
  /** Routed by host name, so already at the root of its own host. */
  readonly byHost: boolean;
  /** Publishes container or host port 80 or 443 on an HTTP port. */
  readonly webPort: boolean;
}

export type RootDecision =
  | { readonly kind: "pinned" | "only" | "web-port"; readonly service: string }
  /** Nothing at `/`: `unpinned` are the path-routed services without a path, `webPorts` those publishing 80/443. */
  | { readonly kind: "none"; readonly unpinned: readonly string[]; readonly webPorts: readonly string[] };

export function isRootPath(path: string | undefined): boolean {
  return path !== undefined && path.replace(/\/+$/, "") === "";
}

export function chooseRoot(candidates: readonly RootCandidate[]): RootDecision {
  const byPath = candidates.filter((c) => !c.byHost);
  const pinned = byPath.find((c) => isRootPath(c.path));
  if (pinned !== undefined) return { kind: "pinned", service: pinned.service };
  const unpinned = byPath.filter((c) => c.path === undefined);
  const only = byPath.length === 1 ? unpinned[0] : undefined;
  if (only !== undefined) return { kind: "only", service: only.service };
  const webPorts = unpinned.filter((c) => c.webPort);
  const web = webPorts.length === 1 ? webPorts[0] : undefined;
  if (web !== undefined) return { kind: "web-port", service: web.service };
  return { kind: "none", unpinned: unpinned.map((c) => c.service), webPorts: webPorts.map((c) => c.service) };
}

/** The warning when several services are routed and none is at `/`; undefined when nothing needs saying. */
export function noRootMessage(decision: RootDecision): string | undefined {
  if (decision.kind !== "none" || decision.unpinned.length === 0) return undefined;
  const routed = decision.unpinned.map((s) => `${s} at /${s}/`).join(", ");
  const why =
    decision.webPorts.length > 1
      ? `${decision.webPorts.join(" and ")} all publish port 80 or 443, so none is chosen`
      : "none of them is pinned there or is the one service publishing port 80 or 443";
  return `nothing is served at /: ${routed}; ${why}. The load balancer passes the path on unchanged, so each app must serve under its prefix. Pin the web app with x-ecs path: / (or the environment's services.<name>.path: /)`;
}

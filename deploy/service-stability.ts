/**
 * Whether the ECS services a stack deployed are running: terraform's apply ends when ECS has
 * accepted a service, not when its tasks run, so a broken image or a crashing container would
 * still "apply" successfully. A service is stable when it is ACTIVE, has one deployment (the
 * primary), that deployment's rollout is COMPLETED (when ECS reports rollouts) and its running
 * count equals its desired count (as `aws ecs wait services-stable`, plus the rollout state).
 * The judging and the wording are pure; polling DescribeServices is `waitForServices`.
 */

/** The fields of a DescribeServices `services[]` item this module reads (AWS ECS API reference, Service). */
export interface EcsServiceStatus {
  readonly serviceName?: string;
  readonly status?: string;
  readonly desiredCount?: number;
  readonly runningCount?: number;
  readonly pendingCount?: number;
  readonly deployments?: readonly {
    readonly status?: string;
    readonly rolloutState?: string;
    readonly rolloutStateReason?: string;
    readonly desiredCount?: number;
    readonly runningCount?: number;
    readonly failedTasks?: number;
  }[];
  readonly events?: readonly { readonly createdAt?: Date | string; readonly message?: string }[];
}

/** A service to wait for: its name and the cluster (name or ARN) it runs in. */
export interface ServiceRef {
  readonly cluster: string;
  readonly name: string;
}

export type Verdict =
  | { readonly state: "stable" }
  /** Still converging: worth polling again until the timeout. */
  | { readonly state: "waiting"; readonly why: string }
  /** Will not converge by waiting (the circuit breaker rolled back, the service is gone). */
  | { readonly state: "failed"; readonly why: string };

function primary(service: EcsServiceStatus) {
  return service.deployments?.find((d) => d.status === "PRIMARY");
}

/** How one service stands. `undefined`: DescribeServices did not return it. */
export function judgeService(service: EcsServiceStatus | undefined): Verdict {
  if (service === undefined) return { state: "failed", why: "not found in its cluster" };
  if (service.status !== undefined && service.status !== "ACTIVE") return { state: "failed", why: `status ${service.status}` };
  const deployment = primary(service);
  if (deployment?.rolloutState === "FAILED")
    return { state: "failed", why: `deployment FAILED${deployment.rolloutStateReason ? `: ${deployment.rolloutStateReason}` : ""}` };
  const desired = service.desiredCount ?? 0;
  const running = service.runningCount ?? 0;
  const deployments = service.deployments?.length ?? 0;
  const parts: string[] = [];
  if (running !== desired)
    parts.push(`${running} of ${desired} task${desired === 1 ? "" : "s"} running${service.pendingCount ? `, ${service.pendingCount} pending` : ""}`);
  if (deployments > 1) parts.push(`${deployments} deployments (the previous one is still draining)`);
  if (deployment?.rolloutState !== undefined && deployment.rolloutState !== "COMPLETED") {
    parts.push(`deployment ${deployment.rolloutState}${deployment.rolloutStateReason ? ` (${deployment.rolloutStateReason})` : ""}`);
  }
  if (deployment?.failedTasks) parts.push(`${deployment.failedTasks} task${deployment.failedTasks === 1 ? "" : "s"} failed to start`);
  return parts.length === 0 ? { state: "stable" } : { state: "waiting", why: parts.join("; ") };
}

function timeOf(value: Date | string | undefined): string {
  if (value === undefined) return "";
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The service's latest events, newest first (ECS keeps them newest first), as lines. */
export function lastEvents(service: EcsServiceStatus | undefined, count = 5): string[] {
  const events = (service?.events ?? []).slice(0, count);
  if (events.length === 0) return ["(ECS recorded no events for this service)"];
  return events.map((e) => `${timeOf(e.createdAt)} ${e.message ?? ""}`.trim());
}

/** The failure report: per service that is not stable, why, and its last events. */
export function unstableReport(refs: readonly ServiceRef[], described: ReadonlyMap<string, EcsServiceStatus>, waitedSeconds: number): string[] {
  const lines: string[] = [];
  for (const ref of refs) {
    const service = described.get(ref.name);
    const verdict = judgeService(service);
    if (verdict.state === "stable") continue;
    lines.push(`  ${ref.name} (cluster ${clusterName(ref.cluster)}): ${verdict.why}`, "    last events:", ...lastEvents(service).map((e) => `      ${e}`));
  }
  const count = lines.filter((l) => /^ {2}\S/.test(l)).length;
  return [`${count} of ${refs.length} ECS service${refs.length === 1 ? " is" : "s are"} not stable after ${waitedSeconds} s:`, ...lines];
}

/** A cluster's name from its name or ARN. */
export function clusterName(cluster: string): string {
  return cluster.includes("/") ? (cluster.split("/").pop() ?? cluster) : cluster;
}

export interface WaitOptions {
  readonly region: string;
  /** One endpoint for ECS (an emulator), else AWS's. */
  readonly endpoint?: string;
  readonly timeoutMs: number;
  /** @default 10_000 */
  readonly pollMs?: number;
  /** Progress: called after each poll with the services not yet stable. */
  readonly onPoll?: (waiting: readonly string[], elapsedSeconds: number) => void;
}

export type WaitResult = { readonly ok: true } | { readonly ok: false; readonly report: readonly string[] };

/** DescribeServices every `pollMs` until every service is stable, one fails for good, or the timeout passes. */
export async function waitForServices(refs: readonly ServiceRef[], options: WaitOptions): Promise<WaitResult> {
  if (refs.length === 0) return { ok: true };
  const { ECSClient, DescribeServicesCommand } = await import("@aws-sdk/client-ecs");
  const client = new ECSClient({ region: options.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  const started = Date.now();
  const pollMs = options.pollMs ?? 10_000;
  try {
    for (;;) {
      const described = new Map<string, EcsServiceStatus>();
      const byCluster = new Map<string, string[]>();
      for (const ref of refs) byCluster.set(ref.cluster, [...(byCluster.get(ref.cluster) ?? []), ref.name]);
      for (const [cluster, names] of byCluster) {
        // DescribeServices takes at most 10 services per call.
        for (let i = 0; i < names.length; i += 10) {
          const page = await client.send(new DescribeServicesCommand({ cluster, services: names.slice(i, i + 10) }));
          for (const s of page.services ?? []) if (s.serviceName !== undefined) described.set(s.serviceName, s);
        }
      }
      const verdicts = refs.map((ref) => ({ ref, verdict: judgeService(described.get(ref.name)) }));
      const elapsed = Math.round((Date.now() - started) / 1000);
      if (verdicts.every((v) => v.verdict.state === "stable")) return { ok: true };
      if (verdicts.some((v) => v.verdict.state === "failed") || Date.now() - started + pollMs > options.timeoutMs) {
        return { ok: false, report: unstableReport(refs, described, elapsed) };
      }
      options.onPoll?.(
        verdicts.filter((v) => v.verdict.state !== "stable").map((v) => v.ref.name),
        elapsed,
      );
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    client.destroy();
  }
}

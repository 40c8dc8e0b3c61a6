import { formatTimeOfDay } from "../config/sleep-schedule";
import { Plan } from "../planner/plan";
import { ServiceRef } from "./service-stability";

/**
 * `up` of a branch its sleep schedule has put to sleep wakes it. The scheduled sleep action left
 * the service's scalable target at min 0 / max 0 and ECS at 0 tasks; terraform apply restores
 * the target's configured bounds (it sees them as drift), and Application Auto Scaling brings
 * the count back into them. Terraform ignores `desired_count` of a scheduled service, so `up`
 * does not rely on that alone: it sets the count the plan runs awake wherever ECS has less.
 */

/** A scheduled service whose ECS desired count is below its awake count, and that count. */
export interface Sleeper {
  readonly cluster: string;
  readonly name: string;
  readonly desiredCount: number;
}

/** The plan's scheduled services that `described` (ECS desired counts by service name) shows asleep. */
export function sleepers(plan: Plan, refs: readonly ServiceRef[], described: ReadonlyMap<string, number | undefined>): Sleeper[] {
  const awake = new Map(plan.app.services.filter((s) => s.schedule !== undefined).map((s) => [s.names.ecsService, s.desiredCount]));
  return refs.flatMap((ref) => {
    const want = awake.get(ref.name);
    const have = described.get(ref.name);
    return want !== undefined && have !== undefined && have < want ? [{ cluster: ref.cluster, name: ref.name, desiredCount: want }] : [];
  });
}

/** When the branch next sleeps, as `up` says it: "at 20:00 (Europe/Berlin) on mon, tue, wed, thu, fri". */
export function nextSleep(plan: Plan): string | undefined {
  const s = plan.env.sleepSchedule;
  return s === undefined ? undefined : `at ${formatTimeOfDay(s.end)} (${s.timezone}) on ${s.days.join(", ")}`;
}

/** Sets the awake count of every scheduled service ECS shows asleep; returns them. */
export async function wakeBranch(
  plan: Plan,
  refs: readonly ServiceRef[],
  options: { readonly region: string; readonly endpoint?: string },
): Promise<Sleeper[]> {
  if (!plan.app.services.some((s) => s.schedule !== undefined) || refs.length === 0) return [];
  const { ECSClient, DescribeServicesCommand, UpdateServiceCommand } = await import("@aws-sdk/client-ecs");
  const client = new ECSClient({ region: options.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  try {
    const described = new Map<string, number | undefined>();
    const byCluster = new Map<string, string[]>();
    for (const ref of refs) byCluster.set(ref.cluster, [...(byCluster.get(ref.cluster) ?? []), ref.name]);
    for (const [cluster, names] of byCluster) {
      // DescribeServices takes at most 10 services per call.
      for (let i = 0; i < names.length; i += 10) {
        const page = await client.send(new DescribeServicesCommand({ cluster, services: names.slice(i, i + 10) }));
        for (const s of page.services ?? []) if (s.serviceName !== undefined) described.set(s.serviceName, s.desiredCount);
      }
    }
    const asleep = sleepers(plan, refs, described);
    for (const s of asleep) await client.send(new UpdateServiceCommand({ cluster: s.cluster, service: s.name, desiredCount: s.desiredCount }));
    return asleep;
  } finally {
    client.destroy();
  }
}

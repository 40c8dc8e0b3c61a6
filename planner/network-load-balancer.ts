import { EnvironmentConfig } from "../config/environment-model";
import * as names from "../naming/names";
import { NetworkLoadBalancerPlan } from "./plan";

/**
 * The network load balancer: TCP ports that services ask to publish (x-ecs `loadBalancer:
 * network`). Like the ALB it lives in the base stack and is shared by every application stack of
 * the environment; each application stack adds its own listeners, target groups and the
 * listener ports' ingress rules on the load balancer's security group.
 *
 * Listener ports: the application stack of an environment without branches (slot 0) listens on
 * the port compose published (`5432:5432` -> 5432). A branch listens on its slot's block,
 * `20000 + 10 * slot + i` (i = 0..9 in order of service name, then container port), so
 * branches never collide and a future pool of load balancers (one per group of slots) keeps
 * the same scheme: the block is a property of the slot, not of the load balancer.
 */

export const NLB_BRANCH_PORT_BASE = 20000;
export const NLB_PORTS_PER_SLOT = 10;

export function networkLoadBalancerPlan(scope: names.NameScope, env: EnvironmentConfig): NetworkLoadBalancerPlan | undefined {
  const nlb = env.networkLoadBalancer;
  if (nlb === undefined) return undefined;
  return {
    name: names.networkLoadBalancerName(scope),
    securityGroupName: names.networkLoadBalancerSecurityGroupName(scope),
    internal: nlb.internal,
    allowedCidrs: [...nlb.allowedCidrs].sort(),
  };
}

export interface ListenerRequest {
  readonly service: string;
  readonly containerPort: number;
  /** The port compose published it on (else the container port). */
  readonly publishedPort: number;
}

/** First listener port of a branch slot's block. */
export function branchListenerPortBase(slot: number): number {
  return NLB_BRANCH_PORT_BASE + NLB_PORTS_PER_SLOT * slot;
}

/**
 * The listener port of each request (same order), or why they cannot all have one: two services
 * publishing one port in production, or more ports than a branch's block holds.
 */
export function listenerPorts(requests: readonly ListenerRequest[], slot: number): { ok: true; ports: number[] } | { ok: false; message: string } {
  if (slot === 0) {
    const byPort = new Map<number, ListenerRequest>();
    for (const r of requests) {
      const other = byPort.get(r.publishedPort);
      if (other !== undefined) {
        return {
          ok: false,
          message: `${other.service}:${other.containerPort} and ${r.service}:${r.containerPort} both publish port ${r.publishedPort} on the network load balancer; publish one of them on another host port`,
        };
      }
      byPort.set(r.publishedPort, r);
    }
    return { ok: true, ports: requests.map((r) => r.publishedPort) };
  }
  if (requests.length > NLB_PORTS_PER_SLOT) {
    return { ok: false, message: `${requests.length} ports ask for the network load balancer; a branch has room for ${NLB_PORTS_PER_SLOT}` };
  }
  const order = [...requests].sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : a.containerPort - b.containerPort));
  return { ok: true, ports: requests.map((r) => branchListenerPortBase(slot) + order.indexOf(r)) };
}

/**
 * What a diagram draws: the deployed topology of one application stack, as plain data. Made from
 * the planner's Plan (topology-from-plan.ts), never from Terraform JSON, so it shows intent
 * (routes, sizes, dependencies) rather than resource plumbing.
 */

export interface TopologyRule {
  readonly priority: number;
  readonly hosts: readonly string[];
  readonly paths: readonly string[];
  readonly targetGroup: string;
  /** Id of the TopologyService the target group feeds. */
  readonly service: string;
  readonly containerPort: number;
}

export interface TopologyListener {
  readonly protocol: "HTTP" | "HTTPS";
  readonly port: number;
  /** The base stack's listener shared by every stack of the environment, or this stack's own. */
  readonly shared: boolean;
  readonly rules: readonly TopologyRule[];
  /** What happens when no rule matches (fixed 404, redirect to HTTPS). */
  readonly defaultAction: string;
}

export interface TopologyService {
  /** ECS service id (the compose service name, or the single task's name). */
  readonly id: string;
  /** Compose services running in the task. */
  readonly composeServices: readonly string[];
  readonly cpu: number;
  readonly memory: number;
  readonly replicas: number;
  readonly autoscaling?: { readonly min: number; readonly max: number };
  readonly images: readonly string[];
  /** Cloud Map name other services reach it by (`redis`), when registered. */
  readonly discoveryName?: string;
  /** Ids of services it depends on (compose depends_on/links), reached through discovery. */
  readonly dependsOn: readonly string[];
  /** EFS volume names it mounts. */
  readonly volumes: readonly string[];
  /** Secret names it reads. */
  readonly secrets: readonly string[];
}

export interface Topology {
  /** e.g. "multi-env · qa · feature-x". */
  readonly title: string;
  readonly loadBalancer: { readonly name: string; readonly internal: boolean; readonly allowedCidrs: readonly string[] };
  readonly listeners: readonly TopologyListener[];
  readonly services: readonly TopologyService[];
  readonly discoveryNamespace?: string;
  readonly volumes: readonly string[];
  readonly secrets: readonly string[];
}

/** "0.25 vCPU / 512 MiB" from ECS units. */
export function taskSizeLabel(cpu: number, memory: number): string {
  const vcpu = cpu / 1024;
  const memoryText = memory % 1024 === 0 ? `${memory / 1024} GiB` : `${memory} MiB`;
  return `${vcpu} vCPU / ${memoryText}`;
}

export function replicasLabel(service: TopologyService): string {
  if (service.autoscaling) return `${service.replicas} tasks (${service.autoscaling.min}-${service.autoscaling.max})`;
  return service.replicas === 1 ? "1 task" : `${service.replicas} tasks`;
}

export function ruleLabel(rule: TopologyRule): string {
  const parts = [...rule.hosts.map((h) => `host ${h}`), ...(rule.paths.length > 0 ? [`path ${rule.paths.join(", ")}`] : [])];
  return `priority ${rule.priority}: ${parts.length > 0 ? parts.join(" + ") : "any request"}`;
}

import { isObject, Terraform, TfBlock } from "./terraform";

/**
 * Which ECS service runs which compose service. The link is the container: an ECS task
 * definition's container named after the compose service runs it (as docker compose's ECS
 * integration named them). Nothing else about the generator's naming is assumed.
 */

export interface ContainerDef {
  readonly name: string;
  readonly image?: string;
  readonly command: readonly string[];
  readonly dependsOn: readonly { readonly containerName: string; readonly condition: string }[];
  readonly portMappings: readonly { readonly containerPort: number; readonly protocol: string; readonly name?: string }[];
  readonly mountPoints: readonly { readonly sourceVolume: string; readonly containerPath: string; readonly readOnly: boolean }[];
  readonly dnsSearchDomains: readonly string[];
}

export interface Deployment {
  /** The `aws_ecs_service`. */
  readonly service: TfBlock;
  readonly taskDefinition: TfBlock;
  readonly containers: readonly ContainerDef[];
  /** The container that runs the compose service. */
  readonly container: ContainerDef;
}

export function containerDefinitions(value: unknown): ContainerDef[] {
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isObject).map((c) => ({
    name: String(c.name ?? ""),
    ...(typeof c.image === "string" ? { image: c.image } : {}),
    command: Array.isArray(c.command) ? c.command.map(String) : [],
    dependsOn: (Array.isArray(c.dependsOn) ? c.dependsOn : [])
      .filter(isObject)
      .map((d) => ({ containerName: String(d.containerName ?? ""), condition: String(d.condition ?? "") })),
    portMappings: (Array.isArray(c.portMappings) ? c.portMappings : []).filter(isObject).map((p) => ({
      containerPort: Number(p.containerPort),
      protocol: String(p.protocol ?? "tcp"),
      ...(typeof p.name === "string" ? { name: p.name } : {}),
    })),
    mountPoints: (Array.isArray(c.mountPoints) ? c.mountPoints : []).filter(isObject).map((m) => ({
      sourceVolume: String(m.sourceVolume ?? ""),
      containerPath: String(m.containerPath ?? ""),
      readOnly: m.readOnly === true,
    })),
    dnsSearchDomains: Array.isArray(c.dnsSearchDomains) ? c.dnsSearchDomains.map(String) : [],
  }));
}

/** Compose service name -> the ECS service running it, for one application stack. */
export function deploymentsOf(tf: Terraform, stack: string, composeNames: ReadonlySet<string>): Map<string, Deployment> {
  const out = new Map<string, Deployment>();
  for (const service of tf.blocks(stack, "aws_ecs_service")) {
    const ref = tf.ref(stack, service.body.task_definition);
    const taskDefinition = ref?.block;
    if (taskDefinition === undefined || taskDefinition.type !== "aws_ecs_task_definition") continue;
    const containers = containerDefinitions(taskDefinition.body.container_definitions);
    for (const container of containers) {
      if (!composeNames.has(container.name) || out.has(container.name)) continue;
      out.set(container.name, { service, taskDefinition, containers, container });
    }
  }
  return out;
}

/** Stacks of an output folder that run ECS services (the application stacks). */
export function applicationStacks(tf: Terraform): string[] {
  return tf.stackNames().filter((s) => tf.blocks(s, "aws_ecs_service").length > 0);
}

export function numberOf(value: unknown, fallback: number): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return fallback;
}

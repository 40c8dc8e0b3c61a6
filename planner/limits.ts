import { Diagnostic, SourceLocation } from "../compose/model";
import { AppPlan, BasePlan, ServicePlan } from "./plan";

/**
 * AWS limits the output must stay within, checked on the plan before anything is written, so
 * `check` and `synth` fail with a located error instead of `terraform apply` failing half-way
 * (or, before ranges stayed ranges, synth writing 20,000 rules and an 810 KB task definition).
 */

/** ECS: a RegisterTaskDefinition request (container definitions and all) is at most 64 KiB. */
export const MAX_TASK_DEFINITION_BYTES = 64 * 1024;
/** VPC default quota: inbound rules per security group, and outbound rules separately. */
export const MAX_RULES_PER_SECURITY_GROUP = 60;
/** ECS: port ranges (`containerPortRange`) per container. */
export const MAX_PORT_RANGES_PER_CONTAINER = 100;

/**
 * What the container definitions add to the plan's own JSON once rendered: the awslogs
 * configuration, a resolved ECR image URI, `privileged`. Generous, so the estimate errs high.
 */
const RENDERED_EXTRA_PER_CONTAINER = 512;
/** A secret's `valueFrom` is its ARN, not its compose name. */
const SECRET_ARN_BYTES = 128;
/** family, cpu, memory, role ARNs, compatibilities, runtime platform. */
const TASK_LEVEL_BYTES = 1024;
/** An EFS volume entry (file system and access point ids, encryption, IAM). */
const VOLUME_BYTES = 256;

/** The RegisterTaskDefinition request size of a service's task definition, estimated from the plan. */
export function estimateTaskDefinitionBytes(service: ServicePlan): number {
  const containers = service.containers.reduce(
    (sum, c) => sum + Buffer.byteLength(JSON.stringify(c)) + RENDERED_EXTRA_PER_CONTAINER + c.secrets.length * SECRET_ARN_BYTES,
    0,
  );
  const tags = Buffer.byteLength(JSON.stringify(service.tags));
  return containers + TASK_LEVEL_BYTES + service.volumes.length * VOLUME_BYTES + tags;
}

/** Where the limit errors point: compose services by plan, the load balancer's settings in the environment file. */
export interface LimitLocations {
  /** The compose service definition behind an ECS service plan. */
  readonly service: (service: ServicePlan) => SourceLocation | undefined;
  /** Path of the environment's `loadBalancer.allowedCidrs` setting, as in other environment errors. */
  readonly allowedCidrsPath: string;
  /** The environment file, when there is one. @default no location */
  readonly environment?: SourceLocation;
}

/** Rules of one security group the plan creates, and what to blame when there are too many. */
export interface SecurityGroupRuleCount {
  /** Security group name. */
  readonly group: string;
  /** Compose or environment path the rules come from. */
  readonly path: string;
  readonly inbound: number;
  readonly outbound: number;
  /** What each rule stands for, for the message. */
  readonly sources: string;
  /** Where to point the error. @default no location */
  readonly location?: SourceLocation;
}

const servicePath = (service: ServicePlan): string => (service.id === "all" && service.composeServices.length !== 1 ? "services" : `services.${service.id}`);

/**
 * Inbound and outbound rules per security group, mirroring what the constructs render
 * (constructs/service-security-group.ts, load-balancer.ts, efs-volume.ts). Kept in this one
 * function so a change to how ingress is rendered changes the count in one place.
 */
export function securityGroupRuleCounts(base: BasePlan, app: AppPlan, where: LimitLocations): SecurityGroupRuleCount[] {
  const out: SecurityGroupRuleCount[] = [];
  for (const service of app.services) {
    const location = where.service(service);
    out.push({
      group: service.names.securityGroup,
      path: servicePath(service),
      inbound: service.ingress.length,
      // HTTPS to the internet and everything inside the VPC, then one per egress setting's port and CIDR.
      outbound: 2 + service.egress.length,
      sources: "one per load-balanced port, per declared-ports network and port or port range, and per egress port and CIDR",
      ...(location ? { location } : {}),
    });
  }
  const lb = base.loadBalancer;
  const listenerPorts = 1 + (lb.certificateArn !== undefined ? 1 : 0) + (lb.branchPortRange !== undefined ? 1 : 0);
  out.push({
    group: lb.securityGroupName,
    path: where.allowedCidrsPath,
    inbound: lb.allowedCidrs.length * listenerPorts,
    outbound: 1,
    sources: `one per allowed CIDR and listener port (${listenerPorts} port${listenerPorts === 1 ? "" : "s"})`,
    ...(where.environment ? { location: where.environment } : {}),
  });
  for (const volume of app.volumes) {
    out.push({
      group: volume.securityGroupName,
      path: `volumes.${volume.name}`,
      inbound: volume.mountedBy.length,
      outbound: 0,
      sources: "one per ECS service that mounts the volume",
    });
  }
  return out;
}

/** Errors for every limit the plan would break, each naming the service (or setting) and the limit. */
export function checkLimits(base: BasePlan, app: AppPlan, where: LimitLocations): Diagnostic[] {
  const out: Diagnostic[] = [];
  const error = (path: string, message: string, location?: SourceLocation): void => {
    out.push({ severity: "error", path, message, ...(location ? { location } : {}) });
  };
  for (const service of app.services) {
    const path = servicePath(service);
    const subject = path === "services" ? "the single task" : `service "${service.id}"`;
    const bytes = estimateTaskDefinitionBytes(service);
    if (bytes > MAX_TASK_DEFINITION_BYTES) {
      error(
        path,
        `${subject}: its task definition would be about ${Math.ceil(bytes / 1024)} KiB (estimated from its container definitions); ECS allows at most ${MAX_TASK_DEFINITION_BYTES / 1024} KiB: move large environment values or labels into secrets or files`,
        where.service(service),
      );
    }
    for (const container of service.containers) {
      const ranges = container.portMappings.filter((p) => p.containerPortEnd !== undefined).length;
      if (ranges > MAX_PORT_RANGES_PER_CONTAINER) {
        error(
          path,
          `${subject}: container "${container.name}" has ${ranges} port ranges; ECS allows at most ${MAX_PORT_RANGES_PER_CONTAINER} per container: merge them`,
          where.service(service),
        );
      }
    }
  }
  for (const group of securityGroupRuleCounts(base, app, where)) {
    for (const [direction, count] of [
      ["inbound", group.inbound],
      ["outbound", group.outbound],
    ] as const) {
      if (count <= MAX_RULES_PER_SECURITY_GROUP) continue;
      error(
        group.path,
        `security group ${group.group} would have ${count} ${direction} rules (${group.sources}); AWS allows ${MAX_RULES_PER_SECURITY_GROUP} ${direction} rules per security group by default: use port ranges, or fewer ports, networks or CIDRs`,
        group.location,
      );
    }
  }
  return out;
}

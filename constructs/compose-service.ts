import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition, EcsTaskDefinitionVolume } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { Construct } from "constructs";
import { ServicePlan } from "../planner/plan";
import { renderContainerDefinitions } from "./container-definitions";
import type { EfsVolume } from "./efs-volume";
import { ServiceAutoscaling } from "./service-autoscaling";
import { ServiceRoute } from "./service-route";
import { NetworkListener } from "./network-listener";
import { NetworkGroupIds, ServiceSecurityGroup } from "./service-security-group";
import { TaskRoles } from "./task-roles";

export interface ComposeServiceProps {
  /** Everything decided about the service (planner/plan.ts). */
  readonly plan: ServicePlan;
  /** Cluster ARN and name the service runs in. */
  readonly cluster: { readonly arn: string; readonly name: string };
  /** Capacity provider of the service's tasks ("FARGATE", "FARGATE_SPOT" or an EC2 provider name). */
  readonly capacityProvider: string;
  /** Task compatibility: Fargate, or EC2 capacity. @default "FARGATE" */
  readonly compatibility?: "FARGATE" | "EC2";
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** Private subnets the tasks run in. */
  readonly subnetIds: string[];
  /** Load balancer pieces the service attaches to. */
  readonly loadBalancer: { readonly securityGroupId: string; readonly arnSuffix: string; readonly listenerArn: string };
  /** Security groups of the stack's compose networks. */
  readonly networkSecurityGroupIds: NetworkGroupIds;
  /** The network load balancer, when the service has listeners on it. @default undefined */
  readonly networkLoadBalancer?: { readonly arn: string; readonly securityGroupId: string; readonly allowedCidrs: readonly string[] };
  /** Cloud Map namespace the service registers in. @default undefined (no registration) */
  readonly namespaceId?: string;
  /** ECR repositories by compose service. @default empty */
  readonly repositories?: ReadonlyMap<string, { readonly url: string; readonly arn: string }>;
  /** Secret ARNs by compose secret name. @default empty */
  readonly secretArns?: ReadonlyMap<string, string>;
  /** ARNs of `secretEnvironment` variables by id, and where they are stored. @default empty */
  readonly secretVariables?: ReadonlyMap<string, { readonly arn: string; readonly store: "secretsmanager" | "ssm" }>;
  /** EFS volumes by compose volume name. @default empty */
  readonly efsVolumes?: ReadonlyMap<string, EfsVolume>;
  /** AWS region (awslogs needs it). */
  readonly region: string;
  /** Days CloudWatch keeps the service's logs. @default 365 */
  readonly logRetentionDays?: number;
}

/**
 * One compose service on ECS: log group, execution and task roles, security group, task
 * definition (awsvpc), Cloud Map registration, ECS service with a rolling update guarded by
 * the circuit breaker (rollback on failure), target group + listener rule when routed, and
 * target-tracking autoscaling and a branch's sleep schedule when configured. Every resource carries the
 * `compose2ecs:service` tag and lives under this construct (id = the service name).
 */
export class ComposeService extends Construct {
  public readonly service: EcsService;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly securityGroup: ServiceSecurityGroup;

  constructor(scope: Construct, id: string, props: ComposeServiceProps) {
    super(scope, id);
    const { plan } = props;
    const tags = { ...plan.tags };
    const repositories = props.repositories ?? new Map<string, { url: string; arn: string }>();
    const secretArns = props.secretArns ?? new Map<string, string>();
    const variables = props.secretVariables ?? new Map<string, { arn: string; store: "secretsmanager" | "ssm" }>();
    const efsVolumes = props.efsVolumes ?? new Map<string, EfsVolume>();

    const logGroup = new CloudwatchLogGroup(this, "logs", { name: plan.names.logGroup, retentionInDays: props.logRetentionDays ?? 365, tags });
    const repoArns = plan.repositories.flatMap((s) => {
      const r = repositories.get(s);
      return r ? [r.arn] : [];
    });
    const secrets = plan.secrets.flatMap((s) => {
      const arn = secretArns.get(s);
      return arn !== undefined ? [arn] : [];
    });
    const own = plan.secretVariables.flatMap((id) => {
      const v = variables.get(id);
      return v !== undefined ? [v] : [];
    });
    const roles = new TaskRoles(this, "roles", {
      executionRoleName: plan.names.executionRole,
      taskRoleName: plan.names.taskRole,
      logGroupArn: logGroup.arn,
      repositoryArns: [...repoArns, ...plan.pull.repositoryArns],
      secretArns: [...secrets, ...own.filter((v) => v.store === "secretsmanager").map((v) => v.arn), ...plan.pull.credentials],
      parameterArns: own.filter((v) => v.store === "ssm").map((v) => v.arn),
      taskPolicyArns: plan.taskRole.policies,
      taskStatements: plan.taskRole.statements,
      efsFileSystemArns: plan.efsVolumes.flatMap((v) => {
        const volume = efsVolumes.get(v);
        return volume ? [volume.fileSystem.arn] : [];
      }),
      tags,
    });
    this.securityGroup = new ServiceSecurityGroup(this, "security-group", {
      name: plan.names.securityGroup,
      service: plan.id,
      vpcId: props.vpcId,
      vpcCidr: props.vpcCidr,
      ingress: plan.ingress,
      egress: plan.egress,
      loadBalancerSecurityGroupId: props.loadBalancer.securityGroupId,
      ...(props.networkLoadBalancer ? { networkLoadBalancerSecurityGroupId: props.networkLoadBalancer.securityGroupId } : {}),
      networkSecurityGroupIds: props.networkSecurityGroupIds,
      tags,
    });
    for (const v of plan.efsVolumes) efsVolumes.get(v)?.allowFrom(plan.id, this.securityGroup.securityGroup.id);

    const volumes: EcsTaskDefinitionVolume[] = plan.volumes.map((v) => {
      const efs = v.kind === "efs" ? efsVolumes.get(v.volume) : undefined;
      if (efs === undefined) return { name: v.name };
      return {
        name: v.name,
        efsVolumeConfiguration: {
          fileSystemId: efs.fileSystem.id,
          transitEncryption: "ENABLED",
          authorizationConfig: { accessPointId: efs.accessPoint.id, iam: "ENABLED" },
        },
      };
    });
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: plan.names.family,
      cpu: String(plan.size.cpu),
      memory: String(plan.size.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: [props.compatibility ?? "FARGATE"],
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: plan.cpuArchitecture },
      executionRoleArn: roles.executionRole.arn,
      taskRoleArn: roles.taskRole.arn,
      containerDefinitions: renderContainerDefinitions(plan.containers, {
        repositoryUrl: (service) => repositories.get(service)?.url ?? service,
        secretArn: (source) => (source.kind === "compose" ? (secretArns.get(source.secret) ?? source.secret) : (variables.get(source.id)?.arn ?? source.id)),
        logGroupName: logGroup.name,
        region: props.region,
      }),
      ...(volumes.length > 0 ? { volume: volumes } : {}),
      tags,
    });

    const discovery =
      props.namespaceId !== undefined && plan.names.discovery !== undefined
        ? new ServiceDiscoveryService(this, "discovery", {
            name: plan.names.discovery,
            dnsConfig: { namespaceId: props.namespaceId, dnsRecords: [{ ttl: 10, type: "A" }], routingPolicy: "MULTIVALUE" },
            // Deleting the ECS service deregisters its instances; force_destroy covers leftovers.
            forceDestroy: true,
            tags,
          })
        : undefined;

    const routes = plan.routes.map(
      (r) =>
        new ServiceRoute(this, `route-${r.service}-${r.containerPort}`, { plan: r, vpcId: props.vpcId, listenerArn: props.loadBalancer.listenerArn, tags }),
    );
    const nlb = props.networkLoadBalancer;
    const listeners =
      nlb === undefined
        ? []
        : plan.networkTargets.map(
            (t) =>
              new NetworkListener(this, `tcp-${t.service}-${t.containerPort}`, {
                plan: t,
                vpcId: props.vpcId,
                loadBalancerArn: nlb.arn,
                loadBalancerSecurityGroupId: nlb.securityGroupId,
                allowedCidrs: nlb.allowedCidrs,
                tags,
              }),
          );
    const targets = [
      ...routes.map((r, i) => ({
        targetGroupArn: r.targetGroup.arn,
        containerName: plan.routes[i]?.containerName ?? plan.id,
        containerPort: plan.routes[i]?.containerPort ?? 0,
      })),
      ...listeners.map((l, i) => ({
        targetGroupArn: l.targetGroup.arn,
        containerName: plan.networkTargets[i]?.containerName ?? plan.id,
        containerPort: plan.networkTargets[i]?.containerPort ?? 0,
      })),
    ];
    const memberships = plan.memberships.flatMap((m) => {
      const id = (m.group === "declared-ports" ? props.networkSecurityGroupIds.declaredPorts : props.networkSecurityGroupIds.members).get(m.network);
      return id !== undefined ? [id] : [];
    });

    this.service = new EcsService(this, "service", {
      name: plan.names.ecsService,
      cluster: props.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      schedulingStrategy: plan.schedulingStrategy,
      ...(plan.schedulingStrategy === "REPLICA"
        ? {
            desiredCount: plan.desiredCount,
            // Plain Fargate needs no strategy; a strategy is for Spot and EC2 capacity providers.
            ...(props.capacityProvider === "FARGATE"
              ? { launchType: "FARGATE" }
              : { capacityProviderStrategy: [{ capacityProvider: props.capacityProvider, weight: 1 }] }),
          }
        : { launchType: "EC2" }),
      deploymentMaximumPercent: plan.deployment.maximumPercent,
      deploymentMinimumHealthyPercent: plan.deployment.minimumHealthyPercent,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      networkConfiguration: { subnets: props.subnetIds, securityGroups: [this.securityGroup.securityGroup.id, ...memberships], assignPublicIp: false },
      ...(targets.length > 0 ? { loadBalancer: targets } : {}),
      ...(plan.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: plan.healthCheckGracePeriodSeconds } : {}),
      ...(discovery !== undefined ? { serviceRegistries: { registryArn: discovery.arn } } : {}),
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // Autoscaling or a sleep schedule owns the count once it is on; Terraform must not reset it on every apply.
      ...(plan.autoscaling !== undefined || plan.schedule !== undefined ? { lifecycle: { ignoreChanges: ["desired_count"] } } : {}),
      // A target group must be attached to a load balancer (through its rule or listener) before a service uses it.
      dependsOn: [...routes.map((r) => r.rule), ...listeners.map((l) => l.listener)],
      tags,
    });

    const bounds = plan.schedule?.awake ?? plan.autoscaling;
    if (bounds !== undefined) {
      const first = routes[0];
      new ServiceAutoscaling(this, "autoscaling", {
        bounds,
        ...(plan.autoscaling !== undefined ? { config: plan.autoscaling } : {}),
        ...(plan.schedule !== undefined ? { schedule: plan.schedule } : {}),
        clusterName: props.cluster.name,
        serviceName: plan.names.ecsService,
        ...(first !== undefined ? { requestCountResourceLabel: `${props.loadBalancer.arnSuffix}/${first.targetGroup.arnSuffix}` } : {}),
        tags,
        dependsOn: [this.service],
      });
    }
  }
}

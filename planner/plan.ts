/**
 * The plan: every ECS decision for one synth, as plain typed data (no cdktf). The planner
 * (planner/plan-project.ts) makes it from the compose project and the environment; the
 * constructs only render it. Lists are sorted by name so rendering is deterministic.
 */
import { AutoscalingConfig, NetworkAccess } from "../compose/model";
import { Ec2CapacityConfig, EnvironmentConfig, NatMode } from "../config/environment-model";
import { NameScope } from "../naming/names";

export interface TaskSize {
  /** CPU units (1024 = one vCPU). */
  readonly cpu: number;
  /** MiB. */
  readonly memory: number;
}

export interface SubnetPlan {
  readonly name: string;
  readonly az: string;
  readonly cidr: string;
}

export interface FlowLogPlan {
  readonly logGroupName: string;
  readonly roleName: string;
}

export type NetworkPlan =
  | {
      readonly kind: "new";
      readonly vpcName: string;
      readonly cidr: string;
      readonly publicSubnets: readonly SubnetPlan[];
      readonly privateSubnets: readonly SubnetPlan[];
      readonly nat: NatMode;
      readonly flowLogs?: FlowLogPlan;
    }
  | {
      readonly kind: "existing";
      readonly vpcId: string;
      readonly publicSubnetIds: readonly string[];
      readonly privateSubnetIds: readonly string[];
    };

export interface Ec2CapacityPlan extends Ec2CapacityConfig {
  readonly capacityProviderName: string;
  readonly launchTemplateName: string;
  readonly autoScalingGroupName: string;
  readonly instanceRoleName: string;
  readonly instanceProfileName: string;
  readonly securityGroupName: string;
}

export interface ClusterPlan {
  readonly name: string;
  readonly containerInsights: boolean;
  readonly kind: "fargate" | "fargate-spot" | "ec2";
  readonly ec2?: Ec2CapacityPlan;
}

export interface LoadBalancerPlan {
  readonly name: string;
  readonly securityGroupName: string;
  readonly internal: boolean;
  readonly allowedCidrs: readonly string[];
  readonly certificateArn?: string;
  readonly sslPolicy: string;
  readonly idleTimeoutSeconds: number;
  readonly accessLogsBucket?: string;
  readonly deletionProtection: boolean;
  readonly wafAclArn?: string;
  /** Branch listeners without a domain use ports 10001-10999; the ALB SG admits them. */
  readonly branchPortRange?: { readonly from: number; readonly to: number };
}

/** The environment's network load balancer, for TCP ports (planner/network-load-balancer.ts). */
export interface NetworkLoadBalancerPlan {
  readonly name: string;
  readonly securityGroupName: string;
  readonly internal: boolean;
  /** Who may reach its listeners; application stacks add these rules for their own listener ports. */
  readonly allowedCidrs: readonly string[];
}

export interface BasePlan {
  readonly stackName: string;
  readonly scope: NameScope;
  readonly network: NetworkPlan;
  readonly cluster: ClusterPlan;
  readonly loadBalancer: LoadBalancerPlan;
  readonly networkLoadBalancer?: NetworkLoadBalancerPlan;
}

export interface HealthCheckPlan {
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** HTTP codes counted healthy. */
  readonly matcher: string;
}

/** A listener rule and its target group. */
export interface RoutePlan {
  /** Compose service the rule routes to. */
  readonly service: string;
  readonly containerName: string;
  readonly containerPort: number;
  /** What the target speaks: HTTPS when compose says the port serves TLS (app_protocol https). */
  readonly protocol: "HTTP" | "HTTPS";
  readonly targetGroupName: string;
  readonly priority: number;
  readonly hosts: readonly string[];
  readonly paths: readonly string[];
  readonly healthCheck: HealthCheckPlan;
  readonly deregistrationDelaySeconds: number;
}

export type ImageRef =
  | { readonly kind: "image"; readonly image: string }
  /** Built from source: the ECR repository of `service`, with `tag`. */
  | { readonly kind: "ecr"; readonly service: string; readonly tag: string };

export type ContainerDependencyCondition = "START" | "COMPLETE" | "SUCCESS" | "HEALTHY";

export interface ContainerPlan {
  readonly name: string;
  readonly image: ImageRef;
  readonly essential: boolean;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  /** Environment variable name -> compose secret name (rendered as `valueFrom` the secret's ARN). */
  readonly secrets: readonly { readonly name: string; readonly secret: string }[];
  readonly portMappings: readonly { readonly containerPort: number; readonly protocol: "tcp" | "udp"; readonly name?: string }[];
  readonly healthCheck?: {
    readonly command: readonly string[];
    readonly interval: number;
    readonly timeout: number;
    readonly retries: number;
    readonly startPeriod: number;
  };
  readonly dependsOn: readonly { readonly containerName: string; readonly condition: ContainerDependencyCondition }[];
  readonly ulimits: readonly { readonly name: string; readonly softLimit: number; readonly hardLimit: number }[];
  readonly user?: string;
  readonly workingDirectory?: string;
  readonly dockerLabels: Readonly<Record<string, string>>;
  /** `volume` is a task volume name (an EFS volume or a task-local scratch volume). */
  readonly mountPoints: readonly { readonly volume: string; readonly containerPath: string; readonly readOnly: boolean }[];
  readonly readonlyRootFilesystem: boolean;
  readonly stopTimeout?: number;
  /** Log stream prefix inside the service's log group. */
  readonly logStreamPrefix: string;
}

/** A task volume: EFS (named compose volume) or scratch space on the task's ephemeral storage. */
export type TaskVolumePlan =
  | { readonly kind: "efs"; readonly name: string; readonly volume: string }
  | { readonly kind: "scratch"; readonly name: string };

/** A TCP listener on the environment's network load balancer and its target group. */
export interface NetworkTargetPlan {
  /** Compose service the listener forwards to. */
  readonly service: string;
  readonly containerName: string;
  readonly containerPort: number;
  /** Production: the port compose published; a branch: its slot's block (planner/network-load-balancer.ts). */
  readonly listenerPort: number;
  readonly targetGroupName: string;
  readonly deregistrationDelaySeconds: number;
}

/** Which security group stands for a service on one of its compose networks. */
export interface NetworkMembership {
  readonly network: string;
  /** "members": the network's group; "declared-ports": the group of its declared-ports members (planner/network-access.ts). */
  readonly group: "members" | "declared-ports";
}

/** Outbound traffic a task may send beyond HTTPS and the VPC (x-ecs / environment `egress`). */
export interface EgressPlan {
  readonly protocol: "tcp" | "udp";
  readonly port: number;
  readonly cidr: string;
}

export interface IngressPlan {
  /**
   * "alb"/"nlb": a load balancer's SG; "network": a compose network's group (its members, or with
   * `group: "declared-ports"` its declared-ports members).
   */
  readonly from:
    | { readonly kind: "alb" }
    | { readonly kind: "nlb" }
    | { readonly kind: "network"; readonly network: string; readonly group?: "declared-ports" };
  readonly port: number;
  readonly protocol: "tcp" | "udp";
}

export interface ServiceNames {
  readonly ecsService: string;
  readonly family: string;
  readonly logGroup: string;
  readonly executionRole: string;
  readonly taskRole: string;
  readonly securityGroup: string;
  /** Cloud Map service name (the compose name), absent in single-task placement. */
  readonly discovery?: string;
}

/** One ECS service: a compose service, or the whole project in single-task placement. */
export interface ServicePlan {
  /** Construct scope id: the compose service name (or the single task's name). */
  readonly id: string;
  /** Compose services whose containers run in this task, sorted. */
  readonly composeServices: readonly string[];
  readonly names: ServiceNames;
  readonly size: TaskSize;
  readonly desiredCount: number;
  /** DAEMON only for `deploy.mode: global` on EC2 capacity. */
  readonly schedulingStrategy: "REPLICA" | "DAEMON";
  readonly deployment: { readonly maximumPercent: number; readonly minimumHealthyPercent: number };
  readonly containers: readonly ContainerPlan[];
  readonly volumes: readonly TaskVolumePlan[];
  readonly routes: readonly RoutePlan[];
  /** Listeners on the network load balancer. */
  readonly networkTargets: readonly NetworkTargetPlan[];
  readonly ingress: readonly IngressPlan[];
  /** Outbound traffic beyond HTTPS and the VPC. */
  readonly egress: readonly EgressPlan[];
  /** Compose networks the task joins. */
  readonly networks: readonly string[];
  /** Who on its networks reaches it. */
  readonly access: NetworkAccess;
  /** The security group the task carries for each of its networks. */
  readonly memberships: readonly NetworkMembership[];
  readonly autoscaling?: AutoscalingConfig;
  /** Compose secrets the execution role may read. */
  readonly secrets: readonly string[];
  /** Services whose ECR repositories the execution role may pull from. */
  readonly repositories: readonly string[];
  /** EFS volumes the task role may mount. */
  readonly efsVolumes: readonly string[];
  readonly healthCheckGracePeriodSeconds?: number;
  /** Tags for every resource of this service. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface SecretPlan {
  /** Compose secret name. */
  readonly name: string;
  /** "managed": created empty here for the user to fill; "arn"/"lookup": an existing secret. */
  readonly kind: "managed" | "arn" | "lookup";
  /** Secrets Manager name (managed, lookup) or ARN (arn). */
  readonly ref: string;
}

export interface EfsVolumePlan {
  /** Compose volume name. */
  readonly name: string;
  readonly fileSystemName: string;
  readonly creationToken: string;
  readonly securityGroupName: string;
  /** Task ECS services (plan ids) that mount it. */
  readonly mountedBy: readonly string[];
  /** Owner of the access point's root directory (the first mounting service's numeric user, else root). */
  readonly owner: { readonly uid: number; readonly gid: number };
}

export interface RepositoryPlan {
  /** Compose service built from source. */
  readonly service: string;
  readonly name: string;
}

/** Where the stack's listener rules go. */
export type ListenerPlan =
  | { readonly kind: "shared"; readonly port: number; readonly protocol: "HTTP" | "HTTPS" }
  /** A branch without a domain: its own HTTP listener (default action fixed 404). */
  | { readonly kind: "own"; readonly port: number };

/** A compose network's security groups (planner/network-access.ts). */
export interface NetworkGroupPlan {
  /** Compose network name. */
  readonly name: string;
  /** The network's group: its compose-access members (or, with none, all its members). */
  readonly securityGroupName: string;
  /** Members reach members on every port: one self-referencing rule on the group. */
  readonly selfRule: boolean;
  /** A second group for the declared-ports members of a network that also has compose-access ones. */
  readonly declaredPorts?: { readonly securityGroupName: string };
}

export interface AppPlan {
  readonly stackName: string;
  readonly stateName: string;
  readonly scope: NameScope;
  readonly slot: number;
  readonly namespace: string;
  readonly listener: ListenerPlan;
  /** Host name of the branch/app when a domain is configured. */
  readonly host?: string;
  readonly services: readonly ServicePlan[];
  readonly networks: readonly NetworkGroupPlan[];
  readonly secrets: readonly SecretPlan[];
  readonly volumes: readonly EfsVolumePlan[];
  readonly repositories: readonly RepositoryPlan[];
  readonly logRetentionDays: number;
  readonly discovery: boolean;
}

export interface Plan {
  readonly project: string;
  readonly env: EnvironmentConfig;
  readonly branch?: { readonly branch: string; readonly slug: string; readonly slot: number };
  readonly base: BasePlan;
  readonly app: AppPlan;
}

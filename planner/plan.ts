/**
 * The plan: every ECS decision for one synth, as plain typed data (no cdktf). The planner
 * (planner/plan-project.ts) makes it from the compose project and the environment; the
 * constructs only render it. Lists are sorted by name so rendering is deterministic.
 */
import { AutoscalingConfig, IamStatement, NetworkAccess } from "../compose/model";
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
  /**
   * Every ALB of the pool (loadBalancer.pool), ALB 1 (`name`) first; all share these settings
   * and the security group, each has its own listeners.
   */
  readonly pool: readonly PoolAlbPlan[];
}

/** One ALB of the base's pool. */
export interface PoolAlbPlan {
  /** 1-based place in the pool: what a branch's slot record stores (`alb`). */
  readonly index: number;
  readonly name: string;
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

/** A container port mapping: one port, or a range (ECS `containerPortRange`). */
export interface PortMappingPlan {
  /** Container port; the first port of a range. */
  readonly containerPort: number;
  /** Last port of a range (rendered as `containerPortRange` "from-to" instead of `containerPort`). */
  readonly containerPortEnd?: number;
  readonly protocol: "tcp" | "udp";
  readonly name?: string;
}

export type ContainerDependencyCondition = "START" | "COMPLETE" | "SUCCESS" | "HEALTHY";

/** Where an ECS `secrets` entry reads its value: a compose secret, or a variable of `secretEnvironment`. */
export type SecretSource = { readonly kind: "compose"; readonly secret: string } | { readonly kind: "variable"; readonly id: string };

export interface ContainerPlan {
  readonly name: string;
  readonly image: ImageRef;
  readonly essential: boolean;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  /** ECS `secrets`: the variable's name and where its value is read (rendered as `valueFrom` an ARN). */
  readonly secrets: readonly { readonly name: string; readonly source: SecretSource }[];
  readonly portMappings: readonly PortMappingPlan[];
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
  /** Container CPU units (a share of the task's; never more than the task has). */
  readonly cpu?: number;
  /** Soft memory limit, MiB (never more than the task has). */
  readonly memoryReservation?: number;
  readonly pseudoTerminal?: boolean;
  readonly interactive?: boolean;
  readonly linuxParameters?: {
    readonly capabilities?: { readonly add: readonly string[]; readonly drop: readonly string[] };
    readonly initProcessEnabled?: boolean;
  };
  readonly systemControls?: readonly { readonly namespace: string; readonly value: string }[];
  /** ARN of a Secrets Manager secret with private registry credentials. */
  readonly repositoryCredentials?: string;
}

/** A task volume: EFS (named compose volume) or scratch space on the task's ephemeral storage. */
export type TaskVolumePlan = { readonly kind: "efs"; readonly name: string; readonly volume: string } | { readonly kind: "scratch"; readonly name: string };

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
    { readonly kind: "alb" } | { readonly kind: "nlb" } | { readonly kind: "network"; readonly network: string; readonly group?: "declared-ports" };
  /** Port, or the first port of a range. */
  readonly port: number;
  /** Last port of a range (one rule from `port` to `portEnd`); undefined for one port. */
  readonly portEnd?: number;
  readonly protocol: "tcp" | "udp";
}

/** An Application Auto Scaling scheduled action on a service's scalable target. */
export interface ScheduledActionPlan {
  readonly name: string;
  /** `cron(minutes hours ? * days *)` in the schedule's time zone. */
  readonly schedule: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

/**
 * A branch service's sleep schedule (planner/sleep-schedule.ts): its one scalable target, shared
 * with its autoscaling when it has any, sleeps at the end of the awake hours and wakes at the start.
 */
export interface ServiceSchedulePlan {
  /** IANA time zone of the cron expressions. */
  readonly timezone: string;
  /** The scalable target's bounds while awake: the autoscaling bounds, else the desired count. */
  readonly awake: { readonly minCapacity: number; readonly maxCapacity: number };
  /** At the end of the awake hours: 0 tasks. */
  readonly sleep: ScheduledActionPlan;
  /** At the start: the awake bounds again. */
  readonly wake: ScheduledActionPlan;
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
  /** When the service sleeps (branch stacks of an environment with a sleepSchedule). @default undefined (never) */
  readonly schedule?: ServiceSchedulePlan;
  /** Compose secrets the execution role may read. */
  readonly secrets: readonly string[];
  /** Secret variables (AppPlan.secretVariables ids) the execution role may read. */
  readonly secretVariables: readonly string[];
  /** CPU architecture of the task (compose `platform`). */
  readonly cpuArchitecture: "X86_64" | "ARM64";
  /** The task role's permissions: managed policy ARNs and inline statements (x-ecs taskRole, x-aws-policies, x-aws-role). */
  readonly taskRole: { readonly policies: readonly string[]; readonly statements: readonly IamStatement[] };
  /** What the execution role may pull besides the project's own repositories. */
  readonly pull: {
    /** Private ECR repositories named by `image:` (their ARNs). */
    readonly repositoryArns: readonly string[];
    /** Secrets Manager ARNs with registry credentials (x-aws-pull_credentials). */
    readonly credentials: readonly string[];
  };
  /** Why the service is stateful (one task at a time), when it is. */
  readonly stateful?: string;
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

/** A variable of `secretEnvironment`: a Secrets Manager secret or an SSM parameter the container reads it from. */
export interface SecretVariablePlan {
  /** Unique key (`<service>/<VARIABLE>`), also the construct id below the stack's scope for them. */
  readonly id: string;
  readonly service: string;
  readonly variable: string;
  readonly store: "secretsmanager" | "ssm";
  /** "managed": a secret created empty here; "lookup": an existing one by name; "arn": by ARN. */
  readonly kind: "managed" | "lookup" | "arn";
  /** Secrets Manager or SSM name (managed, lookup) or ARN (arn). */
  readonly ref: string;
}

/**
 * What protects the data of named volumes. "protected" (an environment without branches):
 * EFS backups and `prevent_destroy`; "released" (synth --allow-data-loss): backups, but the
 * file systems may be destroyed; "ephemeral" (a branch stack): neither, the data dies with
 * the branch.
 */
export interface DataProtectionPlan {
  readonly mode: "protected" | "released" | "ephemeral";
  /** Compose volumes whose file systems hold data, sorted. */
  readonly volumes: readonly string[];
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
  /** AWS Backup's daily EFS backups (aws_efs_backup_policy ENABLED). @default false */
  readonly backup?: boolean;
  /** Terraform refuses to destroy the file system (lifecycle prevent_destroy). @default false */
  readonly preventDestroy?: boolean;
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
  /** The pool ALB the stack's listener and rules are on (ALB 1 but for branches placed elsewhere). */
  readonly alb: PoolAlbPlan;
  /** Host name of the branch/app when a domain is configured. */
  readonly host?: string;
  /** A branch's own `<slug>.<domain>` alias record of its ALB (a domain with loadBalancer.hostedZoneId). @default none: the domain's wildcard record points at ALB 1 */
  readonly dnsRecord?: { readonly zoneId: string; readonly name: string };
  readonly services: readonly ServicePlan[];
  readonly networks: readonly NetworkGroupPlan[];
  readonly secrets: readonly SecretPlan[];
  /** Variables of `secretEnvironment`, by id. */
  readonly secretVariables: readonly SecretVariablePlan[];
  readonly volumes: readonly EfsVolumePlan[];
  readonly dataProtection: DataProtectionPlan;
  readonly repositories: readonly RepositoryPlan[];
  readonly logRetentionDays: number;
  readonly discovery: boolean;
}

export interface Plan {
  readonly project: string;
  readonly env: EnvironmentConfig;
  readonly branch?: { readonly branch: string; readonly slug: string; readonly slot: number; readonly alb: number };
  readonly base: BasePlan;
  readonly app: AppPlan;
}

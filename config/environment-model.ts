import { EgressRule, NetworkAccess, ServiceOverride, SourceLocation } from "../compose/model";

/**
 * An environment (qa, production, ...) as the rest of the program sees it: validated, with
 * every default applied once by the environment loader (config/load-environment.ts).
 * Plain data, no cdktf.
 */

export type NatMode = "none" | "single" | "per-az";

export interface NewNetworkConfig {
  readonly kind: "new";
  /** @default "10.0.0.0/16" */
  readonly cidr: string;
  /** Availability zones, 2-3. @default ["<region>a", "<region>b"] */
  readonly azs: readonly string[];
  /** @default "single" */
  readonly nat: NatMode;
  /** VPC flow logs to CloudWatch. @default true for non-branch environments, false for branch (QA) ones */
  readonly flowLogs: boolean;
}

export interface ExistingNetworkConfig {
  readonly kind: "existing";
  readonly vpcId: string;
  readonly publicSubnetIds: readonly string[];
  readonly privateSubnetIds: readonly string[];
}

export type NetworkConfig = NewNetworkConfig | ExistingNetworkConfig;

export interface Ec2CapacityConfig {
  /** @default "t3.small" */
  readonly instanceType: string;
  /** @default 2 (the seed's `ecs-cli up --size 2`) */
  readonly desiredSize: number;
  /** @default 1 */
  readonly minSize: number;
  /** @default 4 */
  readonly maxSize: number;
  /** SSM parameter holding the ECS-optimised AMI. @default "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id" */
  readonly amiSsmParameter: string;
}

export interface CapacityConfig {
  /** @default "fargate" */
  readonly kind: "fargate" | "fargate-spot" | "ec2";
  /** Only for kind "ec2". */
  readonly ec2?: Ec2CapacityConfig;
  /** CloudWatch Container Insights. @default true (production), false (branch environments) */
  readonly containerInsights: boolean;
}

export interface LoadBalancerConfig {
  /** @default false */
  readonly internal: boolean;
  /** CIDRs allowed to reach the listeners. @default ["0.0.0.0/0"] for public ALBs is NOT the default: the default is [] and synth errors asking for one. */
  readonly allowedCidrs: readonly string[];
  /** ACM certificate ARN; when set, an HTTPS listener is made and HTTP redirects to it. */
  readonly certificateArn?: string;
  /** @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  readonly sslPolicy: string;
  /** Base domain for host routing (`<slug>.<domain>` for branches, `<service>.<domain>` otherwise). */
  readonly domain?: string;
  /** @default 60 */
  readonly idleTimeoutSeconds: number;
  /** S3 bucket for access logs; none when undefined. */
  readonly accessLogsBucket?: string;
  /** @default true for production, false for branch environments (destroy must work) */
  readonly deletionProtection: boolean;
  /** Attach a WAFv2 web ACL (ARN). */
  readonly wafAclArn?: string;
  /** ALBs in the base's pool (`loadBalancer.pool`, branch environments only); each branch uses one. @default 1 */
  readonly pool: number;
  /** The AWS-adjustable ELBv2 quotas per ALB that branch allocation and synth respect. @default { rulesPerAlb: 100, listenersPerAlb: 50 } */
  readonly quotas: AlbQuotaConfig;
  /** Route 53 hosted zone of `domain`, for each branch's `<slug>.<domain>` alias record (needed with a domain and a pool above 1). */
  readonly hostedZoneId?: string;
}

/** ELBv2 quotas per ALB that an account may have raised; target groups per ALB (100) is a hard limit and not here. */
export interface AlbQuotaConfig {
  /** Listener rules per ALB, default rules not counted. @default 100 */
  readonly rulesPerAlb: number;
  /** Listeners per ALB, the base's own 80 (and 443) included. @default 50 */
  readonly listenersPerAlb: number;
}

/** The base stack's network load balancer, for TCP ports services publish (x-ecs `loadBalancer: network`). */
export interface NetworkLoadBalancerConfig {
  /** @default the application load balancer's `internal` */
  readonly internal: boolean;
  /** CIDRs allowed to reach its listeners. @default the application load balancer's `allowedCidrs` */
  readonly allowedCidrs: readonly string[];
}

export type PlacementMode = "per-service" | "single-task";

export type StateBackendConfig =
  | {
      readonly kind: "local";
      /** Folder for state files, relative to the project directory. @default ".compose2ecs/state" */
      readonly dir: string;
    }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      readonly region: string;
      /** Key prefix: keys are `<prefix>/<env>/<slug>.tfstate`. @default "compose2ecs" */
      readonly prefix: string;
      /** Legacy lock table; S3 native locking (`use_lockfile`) is always on. */
      readonly dynamodbTable?: string;
      readonly kmsKeyId?: string;
    }
  | {
      readonly kind: "cloud";
      readonly organization: string;
      /** @default "app.terraform.io" */
      readonly hostname: string;
      /** Workspace name prefix: workspaces are `<prefix>-<env>-<stateName>`. @default "compose2ecs" */
      readonly workspacePrefix: string;
      /**
       * Always empty: Terraform's cloud block selects a workspace by name OR by tags, and
       * compose2ecs names one workspace per branch (the loader rejects `tags`; use `project`).
       */
      readonly tags: readonly string[];
      /** HCP Terraform project the workspaces are created in. @default the organization's default project */
      readonly project?: string;
    };

export interface AwsProviderConfig {
  readonly region: string;
  /**
   * One endpoint URL for every AWS service (an emulator such as moto on loopback).
   * Also settable with COMPOSE2ECS_AWS_ENDPOINT. When set, credential/account checks are skipped.
   */
  readonly endpoint?: string;
}

export interface EnvironmentConfig {
  readonly name: string;
  /** File the environment came from (for messages). */
  readonly file?: string;
  /**
   * Where each key of the file is, by key path (`services.web`, `loadBalancer.allowedCidrs`),
   * so that later stages point at the key they judge. Absent for the built-in environment.
   */
  readonly locations?: Readonly<Record<string, SourceLocation>>;
  readonly aws: AwsProviderConfig;
  /**
   * Compose project name (`project:`), overriding the compose file's `name:` and the folder name.
   * @default undefined: the compose file's `name:`, else COMPOSE_PROJECT_NAME, else the folder of the first compose file
   */
  readonly project?: string;
  /** Compose files, relative to the project directory. @default [] (compose discovery) */
  readonly composeFiles: readonly string[];
  readonly profiles: readonly string[];
  /** One application stack per git branch. @default false */
  readonly branches: boolean;
  /**
   * Hours a branch environment lives after its last `up` (else after its slot's allocation)
   * before `branches gc --expired` destroys it (`branchTtl:`); only with `branches`.
   * @default undefined (branch environments never expire)
   */
  readonly branchTtlHours?: number;
  readonly network: NetworkConfig;
  readonly capacity: CapacityConfig;
  readonly loadBalancer: LoadBalancerConfig;
  /** A network load balancer in the base stack (`networkLoadBalancer:`). @default undefined (none) */
  readonly networkLoadBalancer?: NetworkLoadBalancerConfig;
  /** Who on a compose network reaches a service unless its x-ecs says otherwise (`network.access`). @default "compose" */
  readonly access: NetworkAccess;
  /** Outbound connections every task may make beyond HTTPS and the VPC (`network.egress`). @default [] */
  readonly egress: readonly EgressRule[];
  /** @default "per-service" */
  readonly placement: PlacementMode;
  readonly services: Readonly<Record<string, ServiceOverride>>;
  /** Tags on every resource (environment, managed-by are added by the program). */
  readonly tags: Readonly<Record<string, string>>;
  readonly state: StateBackendConfig;
  /** CloudWatch log retention. @default 365 (production), 7 (branch environments) */
  readonly logRetentionDays: number;
  /** Target group deregistration delay. @default 30 */
  readonly deregistrationDelaySeconds: number;
  /** Image tag for services built from source (`build:`) and pushed to ECR. @default "latest" */
  readonly imageTag: string;
  /** When branch stacks run (branch environments only). @default undefined (around the clock) */
  readonly sleepSchedule?: SleepSchedule;
}

export type Weekday = "sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat";

/** A time of day on a 24-hour clock. */
export interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
}

/**
 * When branch stacks run (`sleepSchedule:`): awake from `start` to `end` on `days`, in
 * `timezone`; scaled to 0 tasks the rest of the week (config/sleep-schedule.ts).
 */
export interface SleepSchedule {
  /** When an awake day's tasks start. */
  readonly start: TimeOfDay;
  /** When they stop; after `start` on the same day. */
  readonly end: TimeOfDay;
  /** The awake days, in config/sleep-schedule.ts WEEKDAYS order (sun first). @default mon-fri */
  readonly days: readonly Weekday[];
  /** IANA time zone name of `start` and `end` (Europe/Berlin). */
  readonly timezone: string;
}

/** The branch an application stack is built for (branch environments only). */
export interface BranchContext {
  /** The git branch name as given. */
  readonly branch: string;
  /** `[a-z0-9-]`, short, unique: used in every AWS name and state key of the branch. */
  readonly slug: string;
  /** The branch's slot: its listener port and listener-rule priority block (planner/slots.ts). */
  readonly slot: number;
  /** The pool ALB the branch is placed on (1-based, state/priority-slots.ts SlotRecord `alb`). @default 1 */
  readonly alb?: number;
}

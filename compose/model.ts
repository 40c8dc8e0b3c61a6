/**
 * The compose project after loading: plain, typed, canonical data with no cdktf import.
 *
 * The loader produces it (compose/load.ts); the planner and everything after it read only
 * this shape, never raw YAML. Every list is sorted the same way for the same input so that
 * later stages stay deterministic. Short syntax has already become long syntax here.
 */

/** Where a value came from, for messages like `docker-compose.yml:12:7 services.web.ports[0]`. */
export interface SourceLocation {
  /** File path as given by the user (relative to the working directory when possible). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
}

export type Severity = "error" | "warning" | "info";

/** One problem or note about the input, carried as a value until the CLI prints it. */
export interface Diagnostic {
  readonly severity: Severity;
  /** Compose path, e.g. `services.web.ports[0]`; empty for file-level problems. */
  readonly path: string;
  readonly message: string;
  readonly location?: SourceLocation;
}

export type Protocol = "tcp" | "udp";

export interface PortMapping {
  /** Container port; the first one of a range. */
  readonly target: number;
  /** Last container port of a range (`"8000-8010"`), greater than `target`; undefined for one port. */
  readonly targetEnd?: number;
  /** Host/published port (the first of a range); undefined for container-only ports. */
  readonly published?: number;
  /** Last published port of a range; undefined for one port. */
  readonly publishedEnd?: number;
  readonly protocol: Protocol;
  /** Host IP the port was bound to locally (e.g. 127.0.0.1); informational on ECS. */
  readonly hostIp?: string;
  /** Compose `app_protocol` (e.g. http, grpc) when given. */
  readonly appProtocol?: string;
  /** Port name (long syntax `name`). */
  readonly name?: string;
  /** The retired Docker ECS integration's `x-aws-protocol` (tcp, udp, http, https), lower-cased. */
  readonly awsProtocol?: string;
  /** Position of the `ports` entry the mapping came from (for messages; a range gives several mappings). */
  readonly entry?: number;
}

/** An `expose` entry: a container port or range, never published. */
export type ExposedPort = Pick<PortMapping, "target" | "targetEnd" | "protocol">;

export type VolumeMountType = "volume" | "bind" | "tmpfs" | "npipe" | "cluster" | "image";

export interface VolumeMount {
  readonly type: VolumeMountType;
  /** Named volume name, host path for binds; undefined for anonymous volumes and tmpfs. */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** tmpfs size in bytes when given. */
  readonly tmpfsSize?: number;
  /** Position of the `volumes` entry it came from (for messages); undefined for `tmpfs:` entries. */
  readonly entry?: number;
}

export type DependencyCondition = "service_started" | "service_healthy" | "service_completed_successfully";

export interface Dependency {
  readonly service: string;
  readonly condition: DependencyCondition;
}

export interface Healthcheck {
  /** Exec form as ECS wants it: ["CMD", ...] or ["CMD-SHELL", "..."]. Undefined when disabled. */
  readonly test?: readonly string[];
  readonly disabled: boolean;
  /** Durations in seconds. */
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly startPeriodSeconds?: number;
  readonly retries?: number;
}

export interface ResourceSpec {
  /** CPUs as a fraction of a vCPU (0.5 = half a vCPU). */
  readonly cpus?: number;
  /** Memory in bytes. */
  readonly memoryBytes?: number;
}

export interface UpdateConfig {
  readonly parallelism?: number;
  readonly order?: "stop-first" | "start-first";
  readonly failureAction?: string;
}

export interface Deploy {
  readonly mode: "replicated" | "global" | "replicated-job" | "global-job";
  readonly replicas?: number;
  readonly limits: ResourceSpec;
  readonly reservations: ResourceSpec;
  readonly updateConfig?: UpdateConfig;
  readonly restartPolicy?: { readonly condition?: string; readonly maxAttempts?: number };
}

export interface Logging {
  readonly driver?: string;
  readonly options: Readonly<Record<string, string>>;
}

/** A secret or config as a service uses it. */
export interface FileReference {
  /** Top-level secret/config name. */
  readonly source: string;
  /** Path or name inside the container. */
  readonly target: string;
  /** Owner of the file (long syntax `uid`/`gid`), when given. */
  readonly uid?: number;
  readonly gid?: number;
  /** File mode (long syntax `mode`, e.g. 0o440), when given. */
  readonly mode?: number;
}

export interface Ulimit {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

/** compose2ecs does not build images (CI pushes them to the service's ECR repository); a build section only says so. */
export interface BuildSpec {
  readonly context: string;
}

/** A YAML value as plain JSON: extension keys (`x-*`) the loader keeps as written. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface AutoscalingConfig {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Target average CPU utilisation percent. */
  readonly targetCpuPercent?: number;
  /** Target average memory utilisation percent. */
  readonly targetMemoryPercent?: number;
  /** Target ALB requests per target. */
  readonly targetRequestsPerTarget?: number;
}

/** Who on a compose network reaches a service: every member on every port (compose), or only its declared ports. */
export type NetworkAccess = "compose" | "declared-ports";

/** What a port speaks, as `x-ecs.protocol` says: HTTP(S) can be a load balancer target, tcp never. */
export type PortProtocolSetting = "http" | "https" | "tcp";

/** Where a TCP port is published: only to siblings, or on the environment's network load balancer. */
export type PortLoadBalancerSetting = "network" | "internal";

/** One value for every port of a service, or values by container port. */
export type PerPortSetting<T extends string> = T | { readonly [port: number]: T };

/** Outbound connections allowed beyond HTTPS and the VPC. */
export interface EgressRule {
  readonly ports: readonly number[];
  readonly cidrs: readonly string[];
  readonly protocol: "tcp" | "udp";
}

/**
 * Per-service ECS settings: the `x-ecs` key of a compose service, and the `services.<name>`
 * entries of an environment file, which win key by key (compose/x-ecs.ts parses both).
 */
export interface ServiceOverride {
  readonly replicas?: number;
  /** Task CPU units (256, 512, 1024, ...). */
  readonly cpu?: number;
  /** Task memory MiB. */
  readonly memory?: number;
  readonly autoscaling?: AutoscalingConfig;
  /** Path prefix routed to the service, e.g. "/api". */
  readonly path?: string;
  /** Host header routed to the service. */
  readonly host?: string;
  readonly healthCheckPath?: string;
  /** Container port the load balancer routes to when the service publishes several. */
  readonly port?: number;
  /** Route the service through the load balancer. @default true when it publishes a port */
  readonly public?: boolean;
  /** Who on its compose networks reaches the service. @default the environment's network.access ("compose") */
  readonly access?: NetworkAccess;
  /** What its ports speak when compose's `app_protocol` does not say. @default decided per port (planner/protocols.ts) */
  readonly protocol?: PerPortSetting<PortProtocolSetting>;
  /** Where its TCP ports are published. @default "internal" */
  readonly loadBalancer?: PerPortSetting<PortLoadBalancerSetting>;
  /** Outbound connections beyond HTTPS and the VPC. @default [] (plus the environment's network.egress) */
  readonly egress?: readonly EgressRule[];
  /**
   * The service keeps data one task at a time: stop-first deployments, one task. @default true
   * when it mounts a named volume read-write that no other service mounts read-write
   */
  readonly stateful?: boolean;
  /** Variables served from Secrets Manager or SSM Parameter Store instead of plain environment, by name. */
  readonly secretEnvironment?: Readonly<Record<string, SecretVariableSource>>;
  /** AWS permissions of the task role (the application's own identity). */
  readonly taskRole?: TaskRoleConfig;
}

/** Where a variable of `secretEnvironment` comes from. */
export interface SecretVariableSource {
  readonly from: "secretsmanager" | "ssm";
  /**
   * An existing secret or parameter: its name (SSM parameter names start with /) or its ARN.
   * @default a Secrets Manager secret created empty by Terraform; SSM needs a name or an ARN
   */
  readonly name?: string;
}

/** One statement of an IAM policy, as IAM writes it. */
export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: { readonly [operator: string]: JsonValue };
}

export interface TaskRoleConfig {
  /** Managed policy ARNs attached to the task role. @default [] */
  readonly policies?: readonly string[];
  /** Inline statements of the task role's policy. @default [] */
  readonly statements?: readonly IamStatement[];
  /** Accept write actions on Resource "*" in `statements`. @default false */
  readonly allowUnscopedWrites?: boolean;
}

export interface ServiceModel {
  readonly name: string;
  readonly image?: string;
  readonly build?: BuildSpec;
  /** Exec form; undefined when not set (the image default applies). */
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** Environment after env_file and environment merged; a null value means "taken from the host" and is unset. Sorted by name. */
  readonly environment: Readonly<Record<string, string>>;
  readonly ports: readonly PortMapping[];
  /** `expose` ports and ranges (container-only, reachable by sibling services), sorted. */
  readonly expose: readonly ExposedPort[];
  readonly volumes: readonly VolumeMount[];
  readonly dependsOn: readonly Dependency[];
  readonly links: readonly string[];
  readonly healthcheck?: Healthcheck;
  readonly deploy: Deploy;
  readonly logging?: Logging;
  readonly secrets: readonly FileReference[];
  readonly configs: readonly FileReference[];
  readonly ulimits: readonly Ulimit[];
  readonly user?: string;
  readonly workingDir?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Networks the service is attached to (sorted); `default` when none is given. */
  readonly networks: readonly string[];
  readonly readOnly: boolean;
  readonly stopGracePeriodSeconds?: number;
  /** `platform` as written (e.g. linux/arm64). */
  readonly platform?: string;
  /** Linux capabilities (`cap_add`, `cap_drop`), upper-case without the CAP_ prefix, sorted. */
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  /** `init: true` runs an init process as PID 1. */
  readonly init: boolean;
  readonly tty: boolean;
  readonly stdinOpen: boolean;
  /** `sysctls` by name, sorted. */
  readonly sysctls: Readonly<Record<string, string>>;
  /** `cpu_shares` (relative CPU weight; 1024 is one CPU's worth). */
  readonly cpuShares?: number;
  readonly hostname?: string;
  readonly containerName?: string;
  /** The service's `x-ecs` settings, validated by compose/x-ecs.ts (empty when absent). */
  readonly ecs: ServiceOverride;
  /** The retired Docker ECS integration's keys on the service (compose/x-aws.ts). */
  readonly aws: ServiceAwsKeys;
  /** Keys the service sets (top level of the service mapping), sorted: what the conversion report covers. */
  readonly keys: readonly string[];
  /**
   * Values of keys that have no typed field because ECS has no place for them (`ipc`,
   * `restart`, `deploy.rollback_config`, ...), by path relative to the service, as written:
   * the conversion report says why each is dropped.
   */
  readonly unmodelled: Readonly<Record<string, JsonValue>>;
  /** Variables whose value came from an `env_file`, and where (the line in that file). */
  readonly envFileVariables: Readonly<Record<string, SourceLocation>>;
  /** Other `x-*` keys, untouched. */
  readonly extensions: Readonly<Record<string, JsonValue>>;
  /** Where the service is defined. */
  readonly location?: SourceLocation;
}

export interface NamedVolume {
  readonly name: string;
  readonly external: boolean;
  readonly driver?: string;
  /** Keys with no meaning on ECS (driver_opts, labels, name, ...), as written. */
  readonly unmodelled: Readonly<Record<string, JsonValue>>;
}

export interface NamedNetwork {
  readonly name: string;
  readonly external: boolean;
  readonly internal: boolean;
  /** The Docker ECS integration's `x-aws-securitygroup` (an existing security group). */
  readonly awsSecurityGroup?: string;
  /** Keys with no meaning on ECS (driver, driver_opts, ipam, external.name, ...), as written. */
  readonly unmodelled: Readonly<Record<string, JsonValue>>;
}

export interface TopLevelSecret {
  readonly name: string;
  /** Compose `name:`: the secret's real name; for `external` secrets a Secrets Manager name or ARN. */
  readonly externalName?: string;
  /** Local file the secret comes from (docker compose); on ECS it becomes a Secrets Manager secret to fill. */
  readonly file?: string;
  /** Environment variable the secret comes from. */
  readonly environment?: string;
  /** An existing secret (`external: true`), or an ARN given through `x-ecs`. */
  readonly external: boolean;
  readonly externalArn?: string;
}

export interface TopLevelConfig {
  readonly name: string;
  readonly file?: string;
  readonly content?: string;
  readonly external: boolean;
}

export interface ComposeProject {
  /** Project name (top-level `name`, else the directory of the first file), lower-case. */
  readonly name: string;
  /**
   * Where the name came from: an override (`-p`, COMPOSE_PROJECT_NAME, an environment's
   * `project:`), the compose file's `name:`, or the folder (renaming the folder renames the project).
   * @default "compose" (a project built in code names itself)
   */
  readonly nameFrom?: "override" | "compose" | "folder";
  /** Files loaded, in order. */
  readonly files: readonly string[];
  /** Services sorted by name; profiles already applied. */
  readonly services: readonly ServiceModel[];
  readonly volumes: readonly NamedVolume[];
  readonly networks: readonly NamedNetwork[];
  readonly secrets: readonly TopLevelSecret[];
  readonly configs: readonly TopLevelConfig[];
  /** Top-level `x-*` keys as written (nothing reads them yet; `x-aws-*` are candidates). */
  readonly extensions: Readonly<Record<string, JsonValue>>;
  /** The retired Docker ECS integration's top-level keys (compose/x-aws.ts). */
  readonly aws: ProjectAwsKeys;
  /**
   * Where each compose path of the merged project is written (`services.web.ports[0]` ->
   * file:line:col), so later stages point at the key they judge.
   */
  readonly locations: Readonly<Record<string, SourceLocation>>;
}

/** Autoscaling as the Docker ECS integration wrote it (`deploy.x-aws-autoscaling`). */
export interface AwsAutoscaling {
  readonly min: number;
  readonly max: number;
  readonly cpu?: number;
  readonly memory?: number;
}

/** The Docker ECS integration's keys on one service, read and checked (compose/x-aws.ts). */
export interface ServiceAwsKeys {
  /** `x-aws-role`: an inline policy document for the task role. */
  readonly role?: readonly IamStatement[];
  /** `x-aws-policies`: managed policy ARNs for the task role. */
  readonly policies?: readonly string[];
  /** `x-aws-pull_credentials`: a Secrets Manager secret ARN holding registry credentials. */
  readonly pullCredentials?: string;
  /** `deploy.x-aws-autoscaling`. */
  readonly autoscaling?: AwsAutoscaling;
  /** `deploy.update_config.x-aws-min_percent` / `x-aws-max_percent`. */
  readonly minPercent?: number;
  readonly maxPercent?: number;
  /** Other `x-aws-*` keys of the service (not part of the integration), by path relative to the service. */
  readonly unknown: readonly string[];
}

/** The Docker ECS integration's top-level keys. */
export interface ProjectAwsKeys {
  readonly cluster?: string;
  readonly vpc?: string;
  readonly loadBalancer?: string;
  readonly logsRetention?: number;
  /** `x-aws-cloudformation` is set (CloudFormation overlays cannot apply to Terraform). */
  readonly cloudFormation: boolean;
  /** Other top-level `x-aws-*` keys. */
  readonly unknown: readonly string[];
}

/** What `load()` returns: a project when there were no errors, and every diagnostic found. */
export interface LoadResult {
  readonly project?: ComposeProject;
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadOptions {
  /** Compose files in order (`-f`); empty means COMPOSE_FILE or discovery in `workingDir`. */
  readonly files: readonly string[];
  /**
   * Directory `files`, COMPOSE_FILE and file discovery are resolved against; paths in the model
   * (build contexts, bind sources, secret files) are relative to it. @default process.cwd()
   */
  readonly workingDir?: string;
  /**
   * Compose project directory (`--project-directory`): relative paths inside the compose files
   * and the interpolation `.env` are resolved against it. @default the folder of the first file
   */
  readonly projectDirectory?: string;
  /** Active profiles (`--profile`, COMPOSE_PROFILES). */
  readonly profiles?: readonly string[];
  /** Variables for interpolation. @default process.env merged over the project's `.env` */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** Project name override (`-p`, COMPOSE_PROJECT_NAME). */
  readonly projectName?: string;
}

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

/** How a compose key travels to ECS; the conversion report is a list of these. */
export type ConversionStatus = "mapped" | "mapped-with-loss" | "not-applicable" | "rejected";

export interface ConversionEntry {
  /** Service name, or undefined for top-level keys (networks, volumes, ...). */
  readonly service?: string;
  /** Compose key path relative to the service (e.g. `ports`, `deploy.resources.limits.cpus`) or top level. */
  readonly key: string;
  readonly status: ConversionStatus;
  /** What it became on ECS, or why it could not. */
  readonly detail: string;
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
  readonly containerName?: string;
  /** The service's `x-ecs` settings, validated by compose/x-ecs.ts (empty when absent). */
  readonly ecs: ServiceOverride;
  /** Other `x-*` keys as written (nothing reads them yet; `x-aws-*` are candidates). */
  readonly extensions: Readonly<Record<string, JsonValue>>;
  /** Where the service is defined. */
  readonly location?: SourceLocation;
}

export interface NamedVolume {
  readonly name: string;
  readonly external: boolean;
  readonly driver?: string;
}

export interface NamedNetwork {
  readonly name: string;
  readonly external: boolean;
  readonly internal: boolean;
}

export interface TopLevelSecret {
  readonly name: string;
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
}

/** What `load()` returns: a project when there were no errors, and every diagnostic and report entry found. */
export interface LoadResult {
  readonly project?: ComposeProject;
  readonly diagnostics: readonly Diagnostic[];
  readonly report: readonly ConversionEntry[];
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

import { ComposeProject, Diagnostic, JsonValue, ServiceModel, SourceLocation } from "../compose/model";
import { targetText } from "../compose/ports";
import { mergeOverrides } from "../compose/x-ecs";
import { isHttp, portProtocol } from "./protocols";
import { formatPath, parsePath } from "../compose/raw";
import { SEARCH_DOMAIN_SIDECAR } from "./containers";
import { FARGATE_CAP_ADD, architectureOf, isTaskSysctl, requestedContainerResources } from "./container-settings";
import { ContainerPlan, Plan, ServicePlan } from "./plan";
import { SECRETS_DIR, secretFile } from "./secrets";
import { awsAutoscaling, logRetention } from "./service-details";
import { ecrRepositoryArn } from "./task-permissions";

/**
 * The conversion report (like kompose's): for every compose key a service or the project
 * sets, what it became on ECS. It is built from the model and the plan, after planning, so a
 * key is called mapped only when the plan carries it, and each mapped row names the ECS or
 * Terraform attribute it becomes (MAPPINGS); a test changes each key and checks that attribute.
 */

/**
 * mapped: ECS carries the key (the row names the attribute); mapped-default: the output is
 * what it is without the key, because ECS behaves as the key asks (`restart: always`) or the
 * environment's own setting decides; mapped with loss: approximately; not applicable: dropped,
 * with the reason; rejected: cannot convert.
 */
export type ConversionStatus = "mapped" | "mapped-default" | "mapped-with-loss" | "not-applicable" | "rejected";

export interface ConversionEntry {
  /** Service name, or undefined for top-level keys (networks, volumes, ...). */
  readonly service?: string;
  /** Compose key path relative to the service (e.g. `ports`, `deploy.resources.limits.cpus`) or top level. */
  readonly key: string;
  readonly status: ConversionStatus;
  /** What it became on ECS, or why it could not. */
  readonly detail: string;
  /** For mapped keys: the attribute it becomes, one of MAPPINGS (e.g. `containerDefinitions[].linuxParameters.initProcessEnabled`). */
  readonly attribute?: string;
  readonly location?: SourceLocation;
}

/**
 * Every (key, attribute) pair the report may call mapped. Keys are patterns: `[]` for a list
 * position, `*` for a name. Attributes are `containerDefinitions[].<path>` (the service's own
 * container in its task definition) or `<terraform type>.<argument path>` (the service's
 * resources of that type; for top-level keys, all of that type in the stack).
 */
export const MAPPINGS = [
  { key: "image", attribute: "containerDefinitions[].image" },
  { key: "build", attribute: "containerDefinitions[].image" },
  { key: "command", attribute: "containerDefinitions[].command" },
  { key: "entrypoint", attribute: "containerDefinitions[].entryPoint" },
  { key: "environment", attribute: "containerDefinitions[].environment" },
  { key: "env_file", attribute: "containerDefinitions[].environment" },
  { key: "ports", attribute: "containerDefinitions[].portMappings" },
  { key: "expose", attribute: "containerDefinitions[].portMappings" },
  { key: "volumes[]", attribute: "containerDefinitions[].mountPoints" },
  { key: "depends_on", attribute: "containerDefinitions[].dependsOn" },
  { key: "healthcheck", attribute: "containerDefinitions[].healthCheck" },
  { key: "deploy.mode", attribute: "aws_ecs_service.scheduling_strategy" },
  { key: "deploy.replicas", attribute: "aws_ecs_service.desired_count" },
  { key: "scale", attribute: "aws_ecs_service.desired_count" },
  { key: "deploy.resources.limits.cpus", attribute: "aws_ecs_task_definition.cpu" },
  { key: "deploy.resources.limits.memory", attribute: "aws_ecs_task_definition.memory" },
  { key: "cpus", attribute: "aws_ecs_task_definition.cpu" },
  { key: "mem_limit", attribute: "aws_ecs_task_definition.memory" },
  { key: "deploy.resources.reservations.cpus", attribute: "containerDefinitions[].cpu" },
  { key: "deploy.resources.reservations.memory", attribute: "containerDefinitions[].memoryReservation" },
  { key: "mem_reservation", attribute: "containerDefinitions[].memoryReservation" },
  { key: "cpu_shares", attribute: "containerDefinitions[].cpu" },
  { key: "deploy.update_config.order", attribute: "aws_ecs_service.deployment_minimum_healthy_percent" },
  { key: "deploy.update_config.x-aws-min_percent", attribute: "aws_ecs_service.deployment_minimum_healthy_percent" },
  { key: "deploy.update_config.x-aws-max_percent", attribute: "aws_ecs_service.deployment_maximum_percent" },
  { key: "deploy.x-aws-autoscaling", attribute: "aws_appautoscaling_target.max_capacity" },
  { key: "secrets", attribute: "containerDefinitions[].mountPoints" },
  { key: "ulimits", attribute: "containerDefinitions[].ulimits" },
  { key: "user", attribute: "containerDefinitions[].user" },
  { key: "working_dir", attribute: "containerDefinitions[].workingDirectory" },
  { key: "labels", attribute: "containerDefinitions[].dockerLabels" },
  { key: "label_file", attribute: "containerDefinitions[].dockerLabels" },
  { key: "networks", attribute: "aws_ecs_service.network_configuration" },
  { key: "read_only", attribute: "containerDefinitions[].readonlyRootFilesystem" },
  { key: "stop_grace_period", attribute: "containerDefinitions[].stopTimeout" },
  { key: "tty", attribute: "containerDefinitions[].pseudoTerminal" },
  { key: "stdin_open", attribute: "containerDefinitions[].interactive" },
  { key: "init", attribute: "containerDefinitions[].linuxParameters.initProcessEnabled" },
  { key: "cap_add", attribute: "containerDefinitions[].linuxParameters.capabilities.add" },
  { key: "cap_drop", attribute: "containerDefinitions[].linuxParameters.capabilities.drop" },
  { key: "sysctls", attribute: "containerDefinitions[].systemControls" },
  { key: "platform", attribute: "aws_ecs_task_definition.runtime_platform.cpu_architecture" },
  { key: "x-ecs.replicas", attribute: "aws_ecs_service.desired_count" },
  { key: "x-ecs.cpu", attribute: "aws_ecs_task_definition.cpu" },
  { key: "x-ecs.memory", attribute: "aws_ecs_task_definition.memory" },
  { key: "x-ecs.path", attribute: "aws_lb_listener_rule.condition" },
  { key: "x-ecs.host", attribute: "aws_lb_listener_rule.condition" },
  { key: "x-ecs.healthCheckPath", attribute: "aws_lb_target_group.health_check" },
  { key: "x-ecs.port", attribute: "aws_lb_target_group.port" },
  { key: "x-ecs.public", attribute: "aws_lb_target_group.port" },
  { key: "x-ecs.autoscaling", attribute: "aws_appautoscaling_target.max_capacity" },
  { key: "x-ecs.stateful", attribute: "aws_ecs_service.deployment_maximum_percent" },
  { key: "x-ecs.secretEnvironment", attribute: "containerDefinitions[].secrets" },
  { key: "x-ecs.taskRole.policies", attribute: "aws_iam_role_policy_attachment.policy_arn" },
  { key: "x-ecs.taskRole.statements", attribute: "aws_iam_role_policy.policy" },
  { key: "x-ecs.access", attribute: "aws_vpc_security_group_ingress_rule.from_port" },
  { key: "x-ecs.protocol", attribute: "aws_lb_target_group.protocol" },
  { key: "x-ecs.loadBalancer", attribute: "aws_lb_listener.port" },
  { key: "x-ecs.egress", attribute: "aws_vpc_security_group_egress_rule.to_port" },
  { key: "ports[].app_protocol", attribute: "aws_lb_target_group.protocol" },
  { key: "ports[].x-aws-protocol", attribute: "aws_lb_target_group.protocol" },
  { key: "x-aws-role", attribute: "aws_iam_role_policy.policy" },
  { key: "x-aws-policies", attribute: "aws_iam_role_policy_attachment.policy_arn" },
  { key: "x-aws-pull_credentials", attribute: "containerDefinitions[].repositoryCredentials" },
  { key: "networks.*", attribute: "aws_security_group.name" },
  { key: "volumes.*", attribute: "aws_efs_file_system.creation_token" },
  { key: "secrets.*", attribute: "aws_secretsmanager_secret.name" },
  { key: "secrets.*", attribute: "data.aws_secretsmanager_secret.name" },
  { key: "secrets.*", attribute: "aws_iam_role_policy.policy" },
  { key: "x-aws-logs_retention", attribute: "aws_cloudwatch_log_group.retention_in_days" },
] as const;

export type MappedAttribute = (typeof MAPPINGS)[number]["attribute"];

/** The MAPPINGS pattern of a report key: list positions become `[]`, names below networks/volumes/secrets `*`. */
export function keyPattern(key: string, service: string | undefined): string {
  const generic = key.replace(/\[\d+\]/g, "[]");
  if (service === undefined) return generic.replace(/^(networks|volumes|secrets)(\.[^.[]+|\["(?:[^"\\]|\\.)*"\])$/, "$1.*");
  return generic;
}

interface Finding {
  readonly key: string;
  readonly status: ConversionStatus;
  readonly detail: string;
  readonly attribute?: MappedAttribute;
}

const mapped = (key: string, attribute: MappedAttribute, detail: string): Finding => ({ key, status: "mapped", detail, attribute });
const byDefault = (key: string, detail: string): Finding => ({ key, status: "mapped-default", detail });
const loss = (key: string, detail: string): Finding => ({ key, status: "mapped-with-loss", detail });
const notApplicable = (key: string, detail: string): Finding => ({ key, status: "not-applicable", detail });

/** ECS health check limits (ECS API HealthCheck). */
const HEALTH_LIMITS = { interval: [5, 300], timeout: [2, 60], retries: [1, 10], start_period: [0, 300] } as const;
/** ECS container stopTimeout maximum (seconds). */
const MAX_STOP_TIMEOUT = 120;
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_KEY|FERNET_KEY)/i;

/** A variable whose name says it holds a secret and whose value is not a mere switch. */
export function looksSecret(name: string, value: string): boolean {
  // Switches such as MYSQL_RANDOM_ROOT_PASSWORD=yes name a secret but hold none; *_FILE names a path.
  return value !== "" && SECRET_NAME.test(name) && !/_FILE$/i.test(name) && !/^(yes|no|true|false|on|off|0|1)$/i.test(value);
}

interface ServiceContext {
  readonly project: ComposeProject;
  readonly plan: Plan;
  readonly service: ServiceModel;
  readonly task: ServicePlan;
  readonly container: ContainerPlan;
}

type Rule = (ctx: ServiceContext, value: JsonValue | undefined) => readonly Finding[];

const singleTask = (ctx: ServiceContext) => ctx.plan.env.placement === "single-task";
const fargate = (ctx: ServiceContext) => ctx.plan.env.capacity.kind !== "ec2";

const SERVICE_RULES: Readonly<Record<string, Rule>> = {
  image: (ctx) => imageFindings(ctx),
  build: (ctx) => [
    mapped(
      "build",
      "containerDefinitions[].image",
      "the service's ECR repository with the environment's imageTag (build and push the image from the context, e.g. in CI)",
    ),
    ...(ctx.service.unmodelled["build.secrets"] !== undefined
      ? [notApplicable("build.secrets", "build-time secrets are used only by the image build; they are not part of the ECS task")]
      : []),
    ...(ctx.service.unmodelled["build.ssh"] !== undefined
      ? [notApplicable("build.ssh", "build-time SSH agent forwarding is used only by the image build")]
      : []),
  ],
  command: () => [mapped("command", "containerDefinitions[].command", "container command")],
  entrypoint: () => [mapped("entrypoint", "containerDefinitions[].entryPoint", "container entryPoint")],
  environment: (ctx) => environmentFindings(ctx),
  env_file: (ctx) => envFileFindings(ctx),
  ports: (ctx) => portFindings(ctx),
  expose: () => [mapped("expose", "containerDefinitions[].portMappings", "container ports, reachable by sibling services through their security group")],
  volumes: (ctx) => volumeFindings(ctx),
  tmpfs: () => [loss("tmpfs", "task storage on the task's disk (an ECS scratch volume), not memory: Fargate has no tmpfs mounts; size limits are not kept")],
  volumes_from: () => [notApplicable("volumes_from", "ECS shares volumes only between containers of one task; each compose service is its own task")],
  depends_on: (ctx) => dependsOnFindings(ctx),
  links: (ctx) => [
    byDefault("links", "service discovery names: every service resolves by its compose name"),
    ...(ctx.service.unmodelled.links !== undefined
      ? [loss("links", `link aliases (${stringsOf(ctx.service.unmodelled.links).join(", ")}) are not registered: use the service name`)]
      : []),
  ],
  healthcheck: (ctx) => healthcheckFindings(ctx),
  deploy: (ctx) => deployFindings(ctx),
  logging: (ctx) => loggingFindings(ctx),
  secrets: (ctx) => secretFindings(ctx),
  configs: () => [notApplicable("configs", "ECS has no file configs: bake the file into the image or put it on a named volume (EFS)")],
  ulimits: (ctx) => {
    const kept = new Set(ctx.container.ulimits.map((u) => u.name));
    const dropped = ctx.service.ulimits.filter((u) => !kept.has(u.name)).map((u) => u.name);
    if (kept.size === 0) return [notApplicable("ulimits", `ECS has no ulimit ${dropped.join(", ")}`)];
    return [
      dropped.length > 0
        ? loss("ulimits", `container ulimits; ECS has no ${dropped.join(", ")} (dropped)`)
        : mapped("ulimits", "containerDefinitions[].ulimits", "container ulimits"),
    ];
  },
  user: () => [mapped("user", "containerDefinitions[].user", "container user")],
  working_dir: () => [mapped("working_dir", "containerDefinitions[].workingDirectory", "container workingDirectory")],
  labels: () => [mapped("labels", "containerDefinitions[].dockerLabels", "container dockerLabels")],
  label_file: () => [mapped("label_file", "containerDefinitions[].dockerLabels", "container dockerLabels (labels: wins over the file)")],
  networks: (ctx) => networkFindings(ctx),
  profiles: () => [byDefault("profiles", "applied when loading (--profile, COMPOSE_PROFILES)")],
  read_only: (ctx) =>
    ctx.container.readonlyRootFilesystem
      ? [mapped("read_only", "containerDefinitions[].readonlyRootFilesystem", "readonlyRootFilesystem")]
      : [byDefault("read_only", "a writable root file system, as ECS gives by default")],
  stop_grace_period: (ctx, v) =>
    (ctx.service.stopGracePeriodSeconds ?? 0) > MAX_STOP_TIMEOUT
      ? [loss("stop_grace_period", `ECS stopTimeout is at most ${MAX_STOP_TIMEOUT} s; ${String(v)} becomes ${MAX_STOP_TIMEOUT} s`)]
      : [mapped("stop_grace_period", "containerDefinitions[].stopTimeout", "container stopTimeout")],
  tty: (ctx) =>
    ctx.container.pseudoTerminal === true
      ? [mapped("tty", "containerDefinitions[].pseudoTerminal", "container pseudoTerminal")]
      : [byDefault("tty", "no terminal, as ECS gives by default")],
  stdin_open: (ctx) =>
    ctx.container.interactive === true
      ? [mapped("stdin_open", "containerDefinitions[].interactive", "container interactive (stdin kept open)")]
      : [byDefault("stdin_open", "stdin closed, as ECS gives by default")],
  init: (ctx) =>
    ctx.container.linuxParameters?.initProcessEnabled === true
      ? [mapped("init", "containerDefinitions[].linuxParameters.initProcessEnabled", "an init process runs as PID 1 (linuxParameters.initProcessEnabled)")]
      : [byDefault("init", "no init process, as ECS runs containers by default")],
  cap_add: (ctx) => {
    const kept = ctx.container.linuxParameters?.capabilities?.add ?? [];
    const dropped = ctx.service.capAdd.filter((c) => !kept.includes(c));
    if (dropped.length === 0)
      return [mapped("cap_add", "containerDefinitions[].linuxParameters.capabilities.add", `linuxParameters.capabilities.add: ${kept.join(", ")}`)];
    const why = fargate(ctx) ? `Fargate lets containers add only ${[...FARGATE_CAP_ADD].join(", ")}` : "ECS cannot add them";
    return [
      kept.length > 0
        ? loss("cap_add", `${why}; ${dropped.join(", ")} dropped, ${kept.join(", ")} kept`)
        : notApplicable("cap_add", `${why}; ${dropped.join(", ")} dropped`),
    ];
  },
  cap_drop: (ctx) => [
    mapped("cap_drop", "containerDefinitions[].linuxParameters.capabilities.drop", `linuxParameters.capabilities.drop: ${ctx.service.capDrop.join(", ")}`),
  ],
  sysctls: (ctx) => {
    const names = Object.keys(ctx.service.sysctls);
    const refused = names.filter((n) => !isTaskSysctl(n));
    if (refused.length === 0) return [mapped("sysctls", "containerDefinitions[].systemControls", "systemControls")];
    const why = `ECS tasks accept only namespaced net.* and IPC (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*) sysctls; ${refused.join(", ")} dropped`;
    return [refused.length < names.length ? loss("sysctls", why) : notApplicable("sysctls", why)];
  },
  platform: (ctx) => {
    const arch = architectureOf(ctx.service.platform);
    if (arch === undefined)
      return [notApplicable("platform", `ECS runs linux/amd64 or linux/arm64 tasks; ${ctx.service.platform ?? ""} is not one: the task runs X86_64`)];
    if (arch === "ARM64" && ctx.task.cpuArchitecture === "ARM64")
      return [mapped("platform", "aws_ecs_task_definition.runtime_platform.cpu_architecture", "runtimePlatform.cpuArchitecture ARM64")];
    return [byDefault("platform", "runtimePlatform.cpuArchitecture X86_64, the default")];
  },
  scale: (ctx) => replicaFindings(ctx, "scale"),
  mem_limit: (ctx) => sizeFindings(ctx, "mem_limit", "memory"),
  cpus: (ctx) => sizeFindings(ctx, "cpus", "cpu"),
  mem_reservation: (ctx) =>
    hasDeployReservation(ctx, "memory")
      ? [loss("mem_reservation", "deploy.resources.reservations.memory sets the container's memoryReservation; mem_reservation is not used")]
      : reservationFinding(ctx, "mem_reservation", "memoryReservation"),
  cpu_shares: (ctx) =>
    ctx.service.deploy.reservations.cpus !== undefined
      ? [loss("cpu_shares", "deploy.resources.reservations.cpus sets the container's cpu; cpu_shares is not used")]
      : reservationFinding(ctx, "cpu_shares", "cpu"),
  restart: (_ctx, v) =>
    v === "always" || v === "unless-stopped"
      ? [byDefault("restart", "the ECS service scheduler replaces tasks that stop")]
      : [notApplicable("restart", `restart: ${String(v)} cannot be kept: an ECS service always replaces tasks that stop`)],
  privileged: (_ctx, v) =>
    v === true
      ? [notApplicable("privileged", "privileged containers are not allowed on Fargate and compose2ecs never makes them; dropped")]
      : [byDefault("privileged", "not privileged, as ECS runs containers by default")],
  container_name: () => [notApplicable("container_name", "ECS names containers after the compose service; other services reach it by the service name")],
  hostname: () => [notApplicable("hostname", "the hostname cannot be set in awsvpc network mode; the service is reachable by its compose name")],
  domainname: () => [notApplicable("domainname", "cannot be set in awsvpc network mode")],
  network_mode: (_ctx, v) => [notApplicable("network_mode", networkModeReason(String(v)))],
  devices: () => [notApplicable("devices", "host devices are not available on Fargate")],
  dns: () => [notApplicable("dns", "DNS servers cannot be set in awsvpc network mode; the VPC resolver is used")],
  dns_search: () => [
    notApplicable("dns_search", "DNS search domains cannot be set in awsvpc network mode; service discovery names are made resolvable instead"),
  ],
  dns_opt: () => [notApplicable("dns_opt", "DNS options cannot be set in awsvpc network mode")],
  extra_hosts: () => [notApplicable("extra_hosts", "extra /etc/hosts entries cannot be set in awsvpc network mode; use service discovery or DNS")],
  ipc: (_ctx, v) => [notApplicable("ipc", `ipc: ${String(v)} is not supported on Fargate`)],
  pid: (_ctx, v) => [notApplicable("pid", `pid: ${String(v)}: Fargate shares the PID namespace only within a task`)],
  security_opt: () => [notApplicable("security_opt", "dockerSecurityOptions are not supported on Fargate")],
  shm_size: () => [notApplicable("shm_size", "sharedMemorySize is not supported on Fargate")],
  group_add: () => [notApplicable("group_add", "ECS containers have no supplementary groups setting")],
  external_links: () => [notApplicable("external_links", "containers outside the project do not exist on ECS")],
  stop_signal: () => [notApplicable("stop_signal", "ECS stops containers with SIGTERM; bake STOPSIGNAL into the image instead")],
  pull_policy: (_ctx, v) =>
    v === "always"
      ? [byDefault("pull_policy", "ECS pulls the image for every task")]
      : [notApplicable("pull_policy", `pull_policy: ${String(v)}: ECS pulls the image for every task`)],
  gpus: () => [notApplicable("gpus", "Fargate has no GPUs")],
  develop: () => [notApplicable("develop", "compose watch is a local development feature")],
  attach: () => [notApplicable("attach", "local log attachment; logs go to CloudWatch Logs")],
  post_start: () => [notApplicable("post_start", "ECS has no lifecycle hooks")],
  pre_stop: () => [notApplicable("pre_stop", "ECS has no lifecycle hooks")],
  use_api_socket: () => [notApplicable("use_api_socket", "there is no Docker API socket on Fargate")],
  provider: () => [notApplicable("provider", "provider services are created by a compose plugin, not by ECS")],
  models: () => [notApplicable("models", "Docker Model Runner is not available on ECS")],
  "x-ecs": (ctx) => xEcsFindings(ctx),
  "x-aws-role": () => [
    mapped("x-aws-role", "aws_iam_role_policy.policy", "the task role's inline policy (task-permissions), as the Docker ECS integration made it"),
  ],
  "x-aws-policies": (ctx) => [
    mapped(
      "x-aws-policies",
      "aws_iam_role_policy_attachment.policy_arn",
      `managed policies attached to the task role: ${(ctx.service.aws.policies ?? []).join(", ")}`,
    ),
  ],
  "x-aws-pull_credentials": () => [
    mapped(
      "x-aws-pull_credentials",
      "containerDefinitions[].repositoryCredentials",
      "repositoryCredentials.credentialsParameter; the execution role may read that secret (secretsmanager:GetSecretValue)",
    ),
  ],
};

/** Keys with no ECS meaning whose reason is the same: a Docker-engine setting Fargate does not expose. */
const ENGINE_ONLY = [
  "annotations",
  "blkio_config",
  "cgroup",
  "cgroup_parent",
  "cpu_count",
  "cpu_percent",
  "cpu_period",
  "cpu_quota",
  "cpu_rt_period",
  "cpu_rt_runtime",
  "cpuset",
  "credential_spec",
  "device_cgroup_rules",
  "isolation",
  "mac_address",
  "mem_swappiness",
  "memswap_limit",
  "oom_kill_disable",
  "oom_score_adj",
  "pids_limit",
  "pull_refresh_after",
  "runtime",
  "storage_opt",
  "userns_mode",
  "uts",
];

function ruleFor(key: string): Rule | undefined {
  const rule = SERVICE_RULES[key];
  if (rule !== undefined) return rule;
  if (ENGINE_ONLY.includes(key)) return () => [notApplicable(key, "a Docker engine setting that ECS task definitions do not expose")];
  if (key.startsWith("x-aws-"))
    return () => [notApplicable(key, "not a key of the Docker ECS integration (x-aws-role, x-aws-policies, x-aws-pull_credentials); ignored")];
  if (key.startsWith("x-")) return () => [];
  return undefined;
}

function stringsOf(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? (value as JsonValue[]).map(String) : value === undefined || value === null ? [] : [String(value)];
}

function networkModeReason(mode: string): string {
  if (mode === "host") return "network_mode: host is not available: ECS tasks use awsvpc networking (their own network interface)";
  if (mode.startsWith("service:") || mode.startsWith("container:")) {
    return `network_mode: ${mode} (sharing another container's network) is not available across ECS services; put both in one task (placement: single-task) to share localhost`;
  }
  return `network_mode: ${mode} is not available: ECS tasks use awsvpc networking`;
}

function imageFindings(ctx: ServiceContext): Finding[] {
  if (ctx.service.build !== undefined)
    return [byDefault("image", "with build:, the task runs the image from the service's ECR repository; the local image name is not needed")];
  const repository = ecrRepositoryArn(ctx.service.image ?? "");
  return [
    mapped(
      "image",
      "containerDefinitions[].image",
      repository !== undefined ? `container image, pulled from private ECR by the execution role (ecr pull actions on ${repository})` : "container image",
    ),
  ];
}

function environmentFindings(ctx: ServiceContext): Finding[] {
  const plain = new Map(ctx.container.environment.map((e) => [e.name, e.value]));
  const served = new Set(ctx.container.secrets.map((s) => s.name));
  const out: Finding[] = [];
  const written = Object.keys(ctx.service.environment).filter((n) => ctx.service.envFileVariables[n] === undefined);
  out.push(
    written.some((n) => plain.has(n)) || written.length === 0
      ? mapped("environment", "containerDefinitions[].environment", "container environment")
      : byDefault("environment", "every variable is served from a secret (secretEnvironment)"),
  );
  for (const name of written.sort()) {
    const value = plain.get(name);
    if (served.has(name) || value === undefined || !looksSecret(name, value)) continue;
    out.push(
      loss(
        `environment.${name}`,
        `${name} looks like a secret: its value is stored in plain text in the task definition and the Terraform state; move it to secrets: (a file) or serve it from Secrets Manager with the environment's services.${ctx.service.name}.secretEnvironment`,
      ),
    );
  }
  return out;
}

function envFileFindings(ctx: ServiceContext): Finding[] {
  const plain = new Map(ctx.container.environment.map((e) => [e.name, e.value]));
  const out: Finding[] = [
    mapped("env_file", "containerDefinitions[].environment", "read when loading; its variables become container environment (environment: wins)"),
  ];
  for (const name of Object.keys(ctx.service.envFileVariables).sort()) {
    const value = plain.get(name);
    if (value === undefined || !looksSecret(name, value)) continue;
    out.push(
      loss(
        `env_file.${name}`,
        `${name} (from an env file) looks like a secret: its value is stored in plain text in the task definition and the Terraform state; serve it from Secrets Manager with the environment's services.${ctx.service.name}.secretEnvironment`,
      ),
    );
  }
  return out;
}

function portFindings(ctx: ServiceContext): Finding[] {
  const out: Finding[] = [
    mapped(
      "ports",
      "containerDefinitions[].portMappings",
      "container port mappings; HTTP ports are routed by the application load balancer, TCP ports stay internal or go on the network load balancer",
    ),
  ];
  const override = mergeOverrides(ctx.service.ecs, ctx.plan.env.services[ctx.service.name]);
  const routed = new Set(ctx.task.routes.filter((r) => r.service === ctx.service.name).map((r) => r.containerPort));
  const onNetwork = new Set(ctx.task.networkTargets.filter((t) => t.service === ctx.service.name).map((t) => t.containerPort));
  const reported = new Set<number>();
  for (const p of ctx.service.ports) {
    const i = p.entry ?? 0;
    if (reported.has(i)) continue;
    reported.add(i);
    const published = routed.has(p.target) || onNetwork.has(p.target);
    if (p.hostIp !== undefined && LOOPBACK.test(p.hostIp)) {
      if (!published)
        out.push(
          loss(
            `ports[${i}]`,
            `bound to ${p.hostIp} (this machine only): not routed by the load balancer; sibling services reach it (x-ecs public: true routes it)`,
          ),
        );
    } else if (p.hostIp !== undefined && p.hostIp !== "0.0.0.0" && p.hostIp !== "::") {
      out.push(notApplicable(`ports[${i}]`, `binding to host IP ${p.hostIp} has no meaning on ECS: who may connect is decided by security groups`));
    }
    const protocol = portProtocol(ctx.service, override, p);
    if (p.protocol === "udp") {
      out.push(
        loss(
          `ports[${i}]`,
          `udp port ${targetText(p)}: reachable from sibling services only (an application load balancer forwards HTTP over tcp, the network load balancer takes TCP ports only)`,
        ),
      );
    } else if (!isHttp(protocol) && !onNetwork.has(p.target)) {
      out.push(
        loss(
          `ports[${i}]`,
          `port ${targetText(p)} is not HTTP (${protocol.reason}): never an HTTP target; sibling services reach it, and x-ecs loadBalancer: network publishes it on the environment's network load balancer`,
        ),
      );
    }
    const mode = ctx.service.unmodelled[`ports[${i}].mode`];
    if (mode !== undefined)
      out.push(
        byDefault(`ports[${i}].mode`, `mode ${String(mode)} is swarm routing; on ECS the load balancer and security groups decide who reaches the port`),
      );
    if (p.appProtocol !== undefined) out.push(portProtocolFinding(`ports[${i}].app_protocol`, p.target, p.appProtocol, ctx));
    if (p.awsProtocol !== undefined) {
      // app_protocol and x-ecs protocol come first; x-aws-protocol decides only when they are silent.
      const decides = protocol.reason.startsWith("x-aws-protocol");
      out.push(
        decides
          ? portProtocolFinding(`ports[${i}].x-aws-protocol`, p.target, p.awsProtocol, ctx)
          : byDefault(`ports[${i}].x-aws-protocol`, `${p.awsProtocol}: ${protocol.reason} decides this port's protocol`),
      );
    }
  }
  const publishedTcp = [
    ...new Set(
      ctx.service.ports.filter((p) => p.published !== undefined && p.protocol === "tcp" && isHttp(portProtocol(ctx.service, override, p))).map((p) => p.target),
    ),
  ];
  const others = publishedTcp.filter((p) => !routed.has(p) && !onNetwork.has(p));
  if (routed.size > 0 && others.length > 0) {
    out.push(
      loss(
        "ports",
        `publishes ${publishedTcp.length} HTTP container ports; the load balancer routes to ${[...routed].join(", ")} (x-ecs.port picks another); ${others.join(", ")} stay reachable from sibling services only`,
      ),
    );
  }
  return out;
}

/** Loopback host addresses: compose's "this machine only". */
const LOOPBACK = /^(127\.|::1$|localhost$)/;

/** What a port's protocol marking (app_protocol, x-aws-protocol) made of it: an HTTPS or HTTP target, or no HTTP target at all. */
function portProtocolFinding(key: string, port: number, marking: string, ctx: ServiceContext): Finding {
  const route = ctx.task.routes.find((r) => r.service === ctx.service.name && r.containerPort === port);
  if (route !== undefined && route.protocol === "HTTPS")
    return mapped(key, "aws_lb_target_group.protocol", `${marking}: the target group speaks HTTPS to port ${port}`);
  if (route !== undefined) return byDefault(key, `${marking}: the application load balancer serves port ${port} over HTTP, as it does without the key`);
  const http = ["http", "https", "http2", "h2c", "ws", "wss"].includes(marking.toLowerCase());
  if (http) return notApplicable(key, `${marking}: port ${port} is not routed by the load balancer (not published, or another port is)`);
  return mapped(key, "aws_lb_target_group.protocol", `${marking}: port ${port} is not HTTP, so it is never an application load balancer target`);
}

function volumeFindings(ctx: ServiceContext): Finding[] {
  const out: Finding[] = [];
  const mounted = new Set(ctx.container.mountPoints.map((m) => m.containerPath));
  for (const mount of ctx.service.volumes) {
    if (mount.entry === undefined) continue;
    const key = `volumes[${mount.entry}]`;
    const source = mount.source ?? "";
    const named = mount.type === "volume" && mount.source !== undefined ? ctx.project.volumes.find((v) => v.name === mount.source) : undefined;
    if (named?.external === true)
      out.push(
        notApplicable(
          key,
          `external volume "${named.name}" is not created here and is not mounted on ECS; give the service a volume compose2ecs creates (EFS)`,
        ),
      );
    else if (mount.type === "volume" && mounted.has(mount.target)) {
      const where =
        mount.source === undefined
          ? `anonymous volume at ${mount.target}: task storage, lost when the task stops`
          : `named volume "${source}" on EFS (encrypted, backed up where the data is protected), mounted at ${mount.target}`;
      out.push(mapped(key, "containerDefinitions[].mountPoints", where));
    } else if (mount.type === "bind" && /^[A-Za-z]:[\\/]|^\\\\/.test(source))
      out.push(
        notApplicable(key, `bind mount of the Windows host path ${source}: Fargate has no host files; copy them into the image or use a named volume (EFS)`),
      );
    else if (mount.type === "bind" && /(^|\/)docker\.sock$/.test(source))
      out.push(
        notApplicable(
          key,
          `${source}: there is no Docker daemon socket on Fargate; whatever needs it (container management, service discovery by labels) will not work`,
        ),
      );
    else if (mount.type === "bind")
      out.push(notApplicable(key, `bind mount of host path ${source}: Fargate has no host files; copy them into the image or use a named volume (EFS)`));
    else if (mount.type === "tmpfs") out.push(loss(key, `tmpfs at ${mount.target}: task storage on the task's disk (an ECS scratch volume), not memory`));
    else out.push(notApplicable(key, `${mount.type} mounts are not available on ECS`));
  }
  return out;
}

function dependsOnFindings(ctx: ServiceContext): Finding[] {
  if (singleTask(ctx)) {
    return [
      mapped(
        "depends_on",
        "containerDefinitions[].dependsOn",
        "container dependsOn inside the single task (service_started: START, service_healthy: HEALTHY, service_completed_successfully: SUCCESS)",
      ),
    ];
  }
  const out: Finding[] = [byDefault("depends_on", "ECS services start independently and reach each other by name through service discovery")];
  for (const dep of ctx.service.dependsOn) {
    if (dep.condition === "service_completed_successfully") {
      out.push(
        loss(
          `depends_on.${dep.service}`,
          `condition service_completed_successfully has no equivalent between ECS services: "${dep.service}" runs as a service and is restarted whenever it exits`,
        ),
      );
    } else if (dep.condition === "service_healthy") {
      // Cloud Map answers only with healthy tasks, but nothing holds this service back until then.
      out.push(
        loss(
          `depends_on.${dep.service}`,
          `condition service_healthy is not enforced between ECS services: "${dep.service}" resolves only once it is healthy, but this service may start first and must retry (placement single-task enforces it as a container dependency)`,
        ),
      );
    }
  }
  return out;
}

function healthcheckFindings(ctx: ServiceContext): Finding[] {
  const hc = ctx.service.healthcheck;
  const out: Finding[] = [];
  if (hc === undefined || hc.disabled) out.push(byDefault("healthcheck", "no container health check: ECS never runs the image's HEALTHCHECK"));
  else if (hc.test === undefined) out.push(loss("healthcheck", "no test: ECS does not use the image's HEALTHCHECK, so the container gets no health check"));
  else out.push(mapped("healthcheck", "containerDefinitions[].healthCheck", "container healthCheck"));
  const given = ctx.container.healthCheck;
  if (hc !== undefined && given !== undefined) {
    const pairs: [keyof typeof HEALTH_LIMITS, number | undefined, number][] = [
      ["interval", hc.intervalSeconds, given.interval],
      ["timeout", hc.timeoutSeconds, given.timeout],
      ["retries", hc.retries, given.retries],
      ["start_period", hc.startPeriodSeconds, given.startPeriod],
    ];
    for (const [key, wanted, got] of pairs) {
      if (wanted === undefined || wanted === got) continue;
      const [min, max] = HEALTH_LIMITS[key];
      if (wanted >= min && wanted <= max) continue;
      const unit = key === "retries" ? "" : " s";
      out.push(loss(`healthcheck.${key}`, `ECS allows ${min}-${max}${unit}; ${wanted}${unit} becomes ${got}${unit}`));
    }
  }
  if (ctx.service.unmodelled["healthcheck.start_interval"] !== undefined)
    out.push(notApplicable("healthcheck.start_interval", "ECS health checks have no start interval"));
  return out;
}

function sizeFindings(ctx: ServiceContext, key: string, what: "cpu" | "memory"): Finding[] {
  const override = mergeOverrides(ctx.service.ecs, ctx.plan.env.services[ctx.service.name]);
  if (override[what] !== undefined) return [byDefault(key, `x-ecs / the environment's services.${ctx.service.name}.${what} decides the task's ${what} here`)];
  const attribute = what === "cpu" ? "aws_ecs_task_definition.cpu" : "aws_ecs_task_definition.memory";
  const size = what === "cpu" ? `${ctx.task.size.cpu} CPU units` : `${ctx.task.size.memory} MiB`;
  return [mapped(key, attribute, `task ${what}: ${size}, the nearest valid Fargate size${singleTask(ctx) ? " for the single task's total" : ""}`)];
}

/** `deploy.replicas` / `scale`: the desired count, unless x-ecs or the environment sets it, or one task holds every service. */
function replicaFindings(ctx: ServiceContext, key: string): Finding[] {
  if (singleTask(ctx)) return [notApplicable(key, "single-task placement runs one task holding every service")];
  const override = mergeOverrides(ctx.service.ecs, ctx.plan.env.services[ctx.service.name]);
  if (override.replicas !== undefined)
    return [byDefault(key, `x-ecs / the environment's services.${ctx.service.name}.replicas decides the desired count (${ctx.task.desiredCount}) here`)];
  return [mapped(key, "aws_ecs_service.desired_count", `ECS service desired count ${ctx.task.desiredCount}`)];
}

function hasDeployReservation(ctx: ServiceContext, what: "cpus" | "memory"): boolean {
  return ctx.project.locations[`services.${ctx.service.name}.deploy.resources.reservations.${what}`] !== undefined;
}

function reservationFinding(ctx: ServiceContext, key: string, field: "cpu" | "memoryReservation"): Finding[] {
  const wanted = requestedContainerResources(ctx.service)[field];
  const got = ctx.container[field];
  const unit = field === "cpu" ? "CPU units" : "MiB";
  const attribute = field === "cpu" ? "containerDefinitions[].cpu" : "containerDefinitions[].memoryReservation";
  if (wanted === undefined || got === undefined) return [byDefault(key, `no reservation (0), as ECS gives by default`)];
  if (got !== wanted)
    return [
      loss(
        key,
        `container ${field} ${got} ${unit}: ${wanted} would exceed the task's ${field === "cpu" ? `${ctx.task.size.cpu} CPU units` : `${ctx.task.size.memory} MiB`}`,
      ),
    ];
  return [mapped(key, attribute, `container ${field} ${got} ${unit}`)];
}

function deployFindings(ctx: ServiceContext): Finding[] {
  const { service, task } = ctx;
  const deploy = service.deploy;
  const out: Finding[] = [];
  const written = (path: string) => ctx.project.locations[`services.${service.name}.deploy.${path}`] !== undefined;
  if (deploy.mode === "global") {
    out.push(
      task.schedulingStrategy === "DAEMON"
        ? mapped("deploy.mode", "aws_ecs_service.scheduling_strategy", "DAEMON scheduling: one task per EC2 instance")
        : loss(
            "deploy.mode",
            "global (one task per node) needs ECS DAEMON scheduling, which Fargate does not offer; it runs as a replicated service (use EC2 capacity for DAEMON)",
          ),
    );
  } else if (deploy.mode === "replicated-job" || deploy.mode === "global-job") {
    out.push(notApplicable("deploy.mode", `${deploy.mode}: an ECS service restarts tasks that exit; run jobs as standalone or scheduled tasks`));
  } else if (written("mode")) out.push(byDefault("deploy.mode", "REPLICA scheduling"));
  if (written("replicas")) out.push(...replicaFindings(ctx, "deploy.replicas"));
  for (const kind of ["limits", "reservations"] as const) {
    for (const what of ["cpus", "memory"] as const) {
      if (!written(`resources.${kind}.${what}`)) continue;
      const key = `deploy.resources.${kind}.${what}`;
      if (kind === "limits") out.push(...sizeFindings(ctx, key, what === "cpus" ? "cpu" : "memory"));
      else out.push(...reservationFinding(ctx, key, what === "cpus" ? "cpu" : "memoryReservation"));
    }
  }
  if (singleTask(ctx)) {
    // One task holds every service: its deployment and scaling are the task's, not the service's.
    for (const key of ["update_config.order", "update_config.x-aws-min_percent", "update_config.x-aws-max_percent", "x-aws-autoscaling"]) {
      if (written(key))
        out.push(
          notApplicable(
            `deploy.${key}`,
            `single-task placement deploys the one task as a whole (maximumPercent ${task.deployment.maximumPercent}, minimumHealthyPercent ${task.deployment.minimumHealthyPercent}), one task`,
          ),
        );
    }
  } else if (deploy.updateConfig?.order !== undefined) {
    const stateful = task.stateful !== undefined;
    const explicit = service.aws.minPercent !== undefined || service.aws.maxPercent !== undefined;
    if (explicit) out.push(loss("deploy.update_config.order", "x-aws-min_percent / x-aws-max_percent set the deployment percentages instead"));
    else if (deploy.updateConfig.order === "stop-first" && stateful)
      out.push(
        byDefault("deploy.update_config.order", "stop-first: a stateful service deploys stop-first anyway (maximumPercent 100, minimumHealthyPercent 0)"),
      );
    else
      out.push(
        mapped(
          "deploy.update_config.order",
          "aws_ecs_service.deployment_minimum_healthy_percent",
          `deployment maximumPercent ${task.deployment.maximumPercent}, minimumHealthyPercent ${task.deployment.minimumHealthyPercent}`,
        ),
      );
  }
  if (deploy.updateConfig?.parallelism !== undefined)
    out.push(
      loss("deploy.update_config.parallelism", "ECS rolls out by percentages (minimumHealthyPercent / maximumPercent), not a fixed number of tasks at a time"),
    );
  const failure = deploy.updateConfig?.failureAction;
  if (failure !== undefined)
    out.push(
      failure === "rollback"
        ? byDefault("deploy.update_config.failure_action", "the deployment circuit breaker rolls back failed deployments")
        : loss("deploy.update_config.failure_action", `failure_action ${failure}: ECS deployments roll back (circuit breaker)`),
    );
  if (service.aws.minPercent !== undefined && !singleTask(ctx))
    out.push(
      mapped(
        "deploy.update_config.x-aws-min_percent",
        "aws_ecs_service.deployment_minimum_healthy_percent",
        `deployment minimumHealthyPercent ${task.deployment.minimumHealthyPercent}`,
      ),
    );
  if (service.aws.maxPercent !== undefined && !singleTask(ctx))
    out.push(
      mapped(
        "deploy.update_config.x-aws-max_percent",
        "aws_ecs_service.deployment_maximum_percent",
        `deployment maximumPercent ${task.deployment.maximumPercent}`,
      ),
    );
  if (service.aws.autoscaling !== undefined && !singleTask(ctx)) {
    const fromAws = awsAutoscaling(service);
    out.push(
      task.autoscaling !== undefined && JSON.stringify(task.autoscaling) === JSON.stringify(fromAws)
        ? mapped(
            "deploy.x-aws-autoscaling",
            "aws_appautoscaling_target.max_capacity",
            `target tracking from ${task.autoscaling.minCapacity} to ${task.autoscaling.maxCapacity} tasks`,
          )
        : loss("deploy.x-aws-autoscaling", "x-ecs / the environment's autoscaling is used instead"),
    );
  }
  for (const [path, value] of Object.entries(service.unmodelled)) {
    if (!path.startsWith("deploy.")) continue;
    out.push(...deployUnmodelled(path, value));
  }
  if (deploy.restartPolicy !== undefined) {
    const policy = deploy.restartPolicy;
    const extra = Object.keys(service.unmodelled).some((k) => k.startsWith("deploy.restart_policy."));
    if (policy.condition === "none")
      out.push(notApplicable("deploy.restart_policy", "condition none cannot be kept: an ECS service always replaces tasks that stop"));
    else if (!extra && policy.maxAttempts === undefined && policy.condition !== "on-failure")
      out.push(byDefault("deploy.restart_policy", "the ECS service scheduler replaces tasks that stop"));
    else out.push(loss("deploy.restart_policy", "an ECS service always replaces tasks that stop; condition, delay, max_attempts and window are not kept"));
  }
  for (const key of service.aws.unknown.filter((k) => k.startsWith("deploy.")))
    out.push(notApplicable(key, "not a key of the Docker ECS integration (x-aws-autoscaling, x-aws-min_percent, x-aws-max_percent); ignored"));
  return out;
}

function deployUnmodelled(path: string, value: JsonValue): Finding[] {
  if (path.startsWith("deploy.restart_policy.")) return [];
  if (path === "deploy.rollback_config") return [notApplicable(path, "ECS rolls back to the previous task definition through the deployment circuit breaker")];
  if (path === "deploy.placement") return [notApplicable(path, "swarm node constraints and preferences have no meaning on Fargate")];
  if (path === "deploy.labels") return [notApplicable(path, "swarm service labels are not kept (container labels are)")];
  if (path === "deploy.endpoint_mode")
    return value === "vip"
      ? [byDefault(path, "service discovery name")]
      : [notApplicable(path, "service discovery returns task addresses (multivalue A records) either way")];
  if (/^deploy\.resources\.(limits|reservations)\.(devices|generic_resources)$/.test(path))
    return [notApplicable(path, "Fargate has no GPUs or other devices")];
  if (path.startsWith("deploy.resources.")) return [notApplicable(path, `${path.split(".").pop() ?? path} cannot be set on ECS tasks`)];
  if (path.startsWith("deploy.update_config.")) return [notApplicable(path, `${path.split(".").pop() ?? path} has no ECS deployment equivalent`)];
  return [notApplicable(path, "not translated by compose2ecs")];
}

function loggingFindings(ctx: ServiceContext): Finding[] {
  const logging = ctx.service.logging;
  const driver = logging?.driver;
  const hasOptions = Object.keys(logging?.options ?? {}).length > 0;
  if ((driver === undefined || driver === "awslogs") && !hasOptions)
    return [byDefault("logging", "CloudWatch Logs (awslogs) in the service's managed log group, as every service gets")];
  const what = driver === "awslogs" ? "awslogs options" : `log driver ${driver ?? "options"}`;
  return [loss("logging", `${what} replaced: logs go to CloudWatch Logs (awslogs) in the service's managed log group with the environment's retention`)];
}

function secretFindings(ctx: ServiceContext): Finding[] {
  const out: Finding[] = [];
  const written = ctx.container.mountPoints.some((m) => m.containerPath === SECRETS_DIR);
  if (written)
    out.push(
      mapped(
        "secrets",
        "containerDefinitions[].mountPoints",
        `files under ${SECRETS_DIR}/ (compose's mode and owner), written from Secrets Manager by an init container before the app starts`,
      ),
    );
  ctx.service.secrets.forEach((ref, i) => {
    const file = secretFile(ref.target);
    if ("problem" in file) out.push(loss(`secrets[${i}]`, `${file.problem}; the secret "${ref.source}" is not written as a file`));
  });
  return out;
}

function networkFindings(ctx: ServiceContext): Finding[] {
  const out: Finding[] = [
    singleTask(ctx)
      ? byDefault("networks", "one task: its containers share localhost, whatever their networks")
      : mapped(
          "networks",
          "aws_ecs_service.network_configuration",
          ctx.task.access === "declared-ports"
            ? "the security group of each network; with declared-ports access, siblings reach this service on its declared ports only"
            : "the security group of each network, whose members reach each other on every port",
        ),
  ];
  for (const [path] of Object.entries(ctx.service.unmodelled)) {
    if (!path.startsWith("networks")) continue;
    const segments = parsePath(path);
    const name = String(segments[1] ?? "");
    const key = String(segments[2] ?? "");
    out.push(
      notApplicable(
        path,
        key === "aliases"
          ? `network aliases are not registered: services are reachable by their compose name, not as ${name} aliases`
          : "addresses are assigned by the VPC (awsvpc)",
      ),
    );
  }
  return out;
}

function xEcsFindings(ctx: ServiceContext): Finding[] {
  const own = ctx.service.ecs;
  const fromEnv = ctx.plan.env.services[ctx.service.name] ?? {};
  // A key the environment sets is the environment's: the file's value is not used.
  const overridden = (Object.keys(own) as (keyof typeof own)[]).filter((k) => k !== "secretEnvironment" && fromEnv[k] !== undefined);
  const ecs = Object.fromEntries(Object.entries(own).filter(([k]) => !overridden.includes(k as keyof typeof own))) as typeof own;
  const route = ctx.task.routes.find((r) => r.service === ctx.service.name);
  const out: Finding[] = [];
  const k = (key: string) => `x-ecs.${key}`;
  if (ecs.replicas !== undefined) out.push(mapped(k("replicas"), "aws_ecs_service.desired_count", `desired count ${ctx.task.desiredCount}`));
  if (ecs.cpu !== undefined) out.push(mapped(k("cpu"), "aws_ecs_task_definition.cpu", `task cpu ${ctx.task.size.cpu}`));
  if (ecs.memory !== undefined) out.push(mapped(k("memory"), "aws_ecs_task_definition.memory", `task memory ${ctx.task.size.memory} MiB`));
  if (ecs.path !== undefined)
    out.push(
      route
        ? mapped(k("path"), "aws_lb_listener_rule.condition", `listener rule paths ${route.paths.join(", ")}`)
        : notApplicable(k("path"), "the service is not routed by the load balancer"),
    );
  if (ecs.host !== undefined)
    out.push(
      route && route.hosts.length > 0
        ? mapped(k("host"), "aws_lb_listener_rule.condition", `listener rule host ${route.hosts.join(", ")}`)
        : notApplicable(k("host"), "not used: the service is not routed, or a branch listener is reached by the load balancer's name"),
    );
  if (ecs.healthCheckPath !== undefined)
    out.push(
      route
        ? mapped(k("healthCheckPath"), "aws_lb_target_group.health_check", `target group health check ${route.healthCheck.path}`)
        : notApplicable(k("healthCheckPath"), "the service is not routed by the load balancer"),
    );
  if (ecs.port !== undefined)
    out.push(
      route
        ? mapped(k("port"), "aws_lb_target_group.port", `the load balancer routes to port ${route.containerPort}`)
        : notApplicable(k("port"), "the service is not routed by the load balancer"),
    );
  if (ecs.public !== undefined)
    out.push(
      ecs.public === (route !== undefined)
        ? mapped(k("public"), "aws_lb_target_group.port", ecs.public ? "routed by the load balancer" : "not routed by the load balancer")
        : loss(k("public"), "the environment's setting decides"),
    );
  if (ecs.autoscaling !== undefined)
    out.push(
      ctx.task.autoscaling !== undefined
        ? mapped(
            k("autoscaling"),
            "aws_appautoscaling_target.max_capacity",
            `target tracking from ${ctx.task.autoscaling.minCapacity} to ${ctx.task.autoscaling.maxCapacity} tasks`,
          )
        : notApplicable(k("autoscaling"), "not used for this service's scheduling"),
    );
  if (ecs.stateful !== undefined) {
    out.push(
      ctx.task.stateful !== undefined && ecs.stateful
        ? mapped(
            k("stateful"),
            "aws_ecs_service.deployment_maximum_percent",
            `deploys stop-first (maximumPercent ${ctx.task.deployment.maximumPercent}, minimumHealthyPercent ${ctx.task.deployment.minimumHealthyPercent}), one task at a time`,
          )
        : byDefault(k("stateful"), ecs.stateful ? "stateful" : "not stateful: rolling updates may run two tasks at once"),
    );
  }
  if (ecs.secretEnvironment !== undefined)
    out.push(
      mapped(
        k("secretEnvironment"),
        "containerDefinitions[].secrets",
        `${Object.keys(ecs.secretEnvironment).join(", ")} from ${[...new Set(Object.values(ecs.secretEnvironment).map((s) => (s.from === "ssm" ? "SSM Parameter Store" : "Secrets Manager")))].join(" and ")} (ECS secrets valueFrom), not plain environment`,
      ),
    );
  if (ecs.taskRole?.policies !== undefined)
    out.push(
      mapped(
        k("taskRole.policies"),
        "aws_iam_role_policy_attachment.policy_arn",
        `managed policies attached to the task role: ${ecs.taskRole.policies.join(", ")}`,
      ),
    );
  if (ecs.taskRole?.statements !== undefined)
    out.push(mapped(k("taskRole.statements"), "aws_iam_role_policy.policy", "the task role's inline policy (task-permissions)"));
  if (ecs.access !== undefined) {
    out.push(
      ecs.access === "declared-ports"
        ? mapped(
            k("access"),
            "aws_vpc_security_group_ingress_rule.from_port",
            "siblings reach the service on its declared ports only (rules on its security group)",
          )
        : byDefault(k("access"), "compose: siblings on its networks reach it on every port"),
    );
  }
  if (ecs.protocol !== undefined)
    out.push(
      mapped(
        k("protocol"),
        "aws_lb_target_group.protocol",
        `port protocols: ${
          typeof ecs.protocol === "string"
            ? ecs.protocol
            : Object.entries(ecs.protocol)
                .map(([port, v]) => `${port} ${v}`)
                .join(", ")
        }; a tcp port is never an HTTP target`,
      ),
    );
  if (ecs.loadBalancer !== undefined) {
    const targets = ctx.task.networkTargets.filter((t) => t.service === ctx.service.name);
    out.push(
      targets.length > 0
        ? mapped(
            k("loadBalancer"),
            "aws_lb_listener.port",
            `network load balancer listeners on ${targets.map((t) => `${t.listenerPort} -> ${t.containerPort}`).join(", ")}`,
          )
        : ctx.plan.base.networkLoadBalancer === undefined && JSON.stringify(ecs.loadBalancer).includes("network")
          ? notApplicable(k("loadBalancer"), "the environment has no networkLoadBalancer section: the port stays internal")
          : byDefault(k("loadBalancer"), "internal: sibling services only"),
    );
  }
  if (ecs.egress !== undefined)
    out.push(
      mapped(
        k("egress"),
        "aws_vpc_security_group_egress_rule.to_port",
        `outbound ${ecs.egress.map((e) => `${e.protocol}/${e.ports.join(",")} to ${e.cidrs.join(", ")}`).join("; ")}`,
      ),
    );
  if (ecs.taskRole?.allowUnscopedWrites !== undefined)
    out.push(byDefault(k("taskRole.allowUnscopedWrites"), "accepts write actions on every resource in the statements; changes no resource"));
  for (const key of overridden)
    out.push(byDefault(k(key), `the environment's services.${ctx.service.name}.${key} (environments/${ctx.plan.env.name}.yml) decides here`));
  return out;
}

/** Top-level keys: networks, volumes, secrets, and the Docker ECS integration's keys. */
function topLevelFindings(project: ComposeProject, plan: Plan): Finding[] {
  const out: Finding[] = [];
  const usedNetworks = new Set(plan.app.networks.map((n) => n.name));
  const written = (key: string) => project.locations[key] !== undefined;
  for (const net of project.networks) {
    const key = formatPath(["networks", net.name]);
    if (!written(key)) continue;
    if (net.external) {
      const legacy = net.unmodelled["external.name"];
      out.push(
        notApplicable(
          key,
          `external network${legacy !== undefined ? ` (external.name is deprecated: use name: ${String(legacy)})` : ""}: there are no Docker networks on ECS; services use the environment's VPC`,
        ),
      );
      continue;
    }
    if (net.internal)
      out.push(
        loss(
          `${key}.internal`,
          "internal: tasks run in private subnets without public IPs, but their security groups still allow HTTPS egress (image pulls, AWS APIs)",
        ),
      );
    if (net.unmodelled.ipam !== undefined) out.push(notApplicable(`${key}.ipam`, "addresses come from the VPC subnets"));
    const driver = net.unmodelled.driver;
    if (driver !== undefined && driver !== "bridge" && driver !== "overlay")
      out.push(notApplicable(`${key}.driver`, `network driver ${String(driver)} has no ECS equivalent`));
    if (net.unmodelled.driver_opts !== undefined) out.push(notApplicable(`${key}.driver_opts`, "Docker network driver options have no ECS equivalent"));
    if (net.awsSecurityGroup !== undefined)
      out.push(
        notApplicable(
          `${key}.x-aws-securitygroup`,
          `compose2ecs makes the network's own membership security group in the environment's VPC; the existing group ${net.awsSecurityGroup} is not attached`,
        ),
      );
    if (!net.internal && net.unmodelled.ipam === undefined) {
      out.push(
        usedNetworks.has(net.name)
          ? mapped(key, "aws_security_group.name", "a membership security group within the environment's VPC")
          : byDefault(key, "no task joins it: nothing to create"),
      );
    }
  }
  const efs = new Set(plan.app.volumes.map((v) => v.name));
  const protection = plan.app.dataProtection.mode;
  for (const volume of project.volumes) {
    const key = formatPath(["volumes", volume.name]);
    if (!written(key)) continue;
    if (volume.external)
      out.push(notApplicable(key, "external volume: compose2ecs creates EFS file systems for named volumes and does not look up existing ones"));
    else if (volume.driver !== undefined || volume.unmodelled.driver_opts !== undefined)
      out.push(loss(key, "becomes an EFS file system (encrypted); the Docker volume driver and its options are not used"));
    else if (!efs.has(volume.name)) out.push(byDefault(key, "no service mounts it: nothing to create"));
    else {
      const kept =
        protection === "protected"
          ? "daily AWS Backup backups, and Terraform refuses to destroy it (prevent_destroy)"
          : protection === "released"
            ? "daily AWS Backup backups; destroy allowed (--allow-data-loss)"
            : "destroyed with the branch (no backups)";
      out.push(mapped(key, "aws_efs_file_system.creation_token", `EFS file system (encrypted, transit encryption, IAM auth); ${kept}`));
    }
  }
  const secrets = new Map(plan.app.secrets.map((s) => [s.name, s]));
  for (const declared of project.secrets) {
    const key = formatPath(["secrets", declared.name]);
    if (!written(key)) continue;
    const s = secrets.get(declared.name);
    if (s === undefined) out.push(byDefault(key, "no service uses it: nothing to create"));
    else if (s.kind === "managed")
      out.push(
        mapped(
          key,
          "aws_secretsmanager_secret.name",
          `Secrets Manager secret ${s.ref}, created empty: store ${declared.file !== undefined ? `the content of ${declared.file}` : declared.environment !== undefined ? `the value of ${declared.environment}` : "its value"} with aws secretsmanager put-secret-value after the first apply`,
        ),
      );
    else if (s.kind === "lookup") out.push(mapped(key, "data.aws_secretsmanager_secret.name", `existing Secrets Manager secret, looked up by name ${s.ref}`));
    else out.push(mapped(key, "aws_iam_role_policy.policy", `existing Secrets Manager secret ${s.ref} (the execution role may read it)`));
  }
  const aws = project.aws;
  if (aws.cluster !== undefined)
    out.push(
      notApplicable(
        "x-aws-cluster",
        `the environment's ${plan.base.stackName} stack creates the ECS cluster ${plan.base.cluster.name}; an existing cluster (${aws.cluster}) is not used`,
      ),
    );
  if (aws.vpc !== undefined) {
    const network = plan.env.network;
    out.push(
      network.kind === "existing" && network.vpcId === aws.vpc
        ? byDefault("x-aws-vpc", `the environment's network.vpcId is ${aws.vpc} too`)
        : notApplicable(
            "x-aws-vpc",
            `the environment decides the VPC: set network.vpcId: ${aws.vpc} (with network.publicSubnetIds and network.privateSubnetIds) in environments/${plan.env.name}.yml to use it`,
          ),
    );
  }
  if (aws.loadBalancer !== undefined)
    out.push(
      notApplicable(
        "x-aws-loadbalancer",
        `the environment's ${plan.base.stackName} stack creates the load balancer ${plan.base.loadBalancer.name} (set it up with loadBalancer.* in environments/${plan.env.name}.yml); an existing one (${aws.loadBalancer}) is not used`,
      ),
    );
  if (aws.logsRetention !== undefined) {
    const envSets = plan.env.locations?.["logRetentionDays"] !== undefined;
    const days = logRetention(aws.logsRetention);
    out.push(
      envSets
        ? loss("x-aws-logs_retention", `the environment's logRetentionDays (${plan.app.logRetentionDays}) wins`)
        : days === aws.logsRetention
          ? mapped("x-aws-logs_retention", "aws_cloudwatch_log_group.retention_in_days", `log groups keep logs ${days} days`)
          : loss("x-aws-logs_retention", `CloudWatch Logs keeps ${days} days (the nearest retention it offers above ${aws.logsRetention})`),
    );
  }
  if (aws.cloudFormation)
    out.push(
      notApplicable(
        "x-aws-cloudformation",
        "CloudFormation overlays cannot apply to Terraform: set the same things with the environment file or x-ecs, or edit the synthesized Terraform",
      ),
    );
  for (const key of aws.unknown)
    out.push(
      notApplicable(
        key,
        "not a key of the Docker ECS integration (x-aws-cluster, x-aws-vpc, x-aws-loadbalancer, x-aws-logs_retention, x-aws-cloudformation); ignored",
      ),
    );
  return out;
}

/**
 * The conversion report for a planned project: top-level entries first, then by service,
 * then key. Takes the plan so that `check` and `synth` report exactly what synth writes.
 */
export function conversionReport(project: ComposeProject, plan: Plan): ConversionEntry[] {
  const entries: ConversionEntry[] = [];
  const add = (service: string | undefined, finding: Finding): void => {
    const path = service === undefined ? finding.key : formatPath(["services", service, ...parsePath(finding.key)]);
    const model = service !== undefined ? project.services.find((s) => s.name === service) : undefined;
    // A variable from an env file is reported at its line in that file.
    const fromFile = model !== undefined && finding.key.startsWith("env_file.") ? model.envFileVariables[finding.key.slice("env_file.".length)] : undefined;
    const location = fromFile ?? locationOf(project, path) ?? model?.location;
    entries.push({
      ...(service !== undefined ? { service } : {}),
      key: finding.key,
      status: finding.status,
      detail: finding.detail,
      ...(finding.attribute !== undefined ? { attribute: finding.attribute } : {}),
      ...(location !== undefined ? { location } : {}),
    });
  };
  for (const finding of topLevelFindings(project, plan)) add(undefined, finding);
  for (const service of project.services) {
    const task = plan.app.services.find((s) => s.composeServices.includes(service.name));
    const container = task?.containers.find((c) => c.name === service.name && c.name !== SEARCH_DOMAIN_SIDECAR.name);
    if (task === undefined || container === undefined) continue;
    const ctx: ServiceContext = { project, plan, service, task, container };
    for (const key of service.keys) {
      const rule = ruleFor(key);
      const findings = rule === undefined ? [notApplicable(key, "not translated by compose2ecs")] : rule(ctx, service.unmodelled[key]);
      for (const finding of findings) add(service.name, finding);
    }
  }
  return entries;
}

/** The location of a path, or of its nearest written parent. */
function locationOf(project: ComposeProject, path: string): SourceLocation | undefined {
  const segments = parsePath(path);
  for (let n = segments.length; n > 0; n--) {
    const found = project.locations[formatPath(segments.slice(0, n))];
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Warnings (and errors for rejected keys) for the diagnostics list, naming service and key. */
export function reportDiagnostics(report: readonly ConversionEntry[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const entry of report) {
    if (entry.status === "mapped" || entry.status === "mapped-default") continue;
    const path = entry.service === undefined ? entry.key : formatPath(["services", entry.service, ...parsePath(entry.key)]);
    const label = entry.status === "not-applicable" ? "not applicable on ECS" : entry.status === "mapped-with-loss" ? "mapped with loss" : "rejected";
    const location = entry.location;
    out.push({
      severity: entry.status === "rejected" ? "error" : "warning",
      path,
      message: `${label}: ${entry.detail}`,
      ...(location !== undefined ? { location } : {}),
    });
  }
  return out;
}

/** Every compose service key the report has a rule for (the conversion matrix in docs/conversion.md lists them all). */
export function reportedServiceKeys(): string[] {
  return [...Object.keys(SERVICE_RULES), ...ENGINE_ONLY].sort();
}

import { error, warning } from "./diagnostics";
import { splitKeyValue } from "./key-value";
import { ComposeProject, ConversionEntry, ConversionStatus, Diagnostic, JsonValue, ServiceModel, SourceLocation } from "./model";
import { volumeMount } from "./normalise";
import { parsePort, targetText } from "./ports";
import { ComposePath, PathSegment, RawMap, formatPath, locate, parsePath, toPlain } from "./raw";

type Obj = Readonly<Record<string, JsonValue>>;

/** One finding of a rule: the key (relative to the service), what happens to it, and why. */
interface Finding {
  readonly key: string;
  readonly status: ConversionStatus;
  readonly detail: string;
}

interface RuleContext {
  readonly service: ServiceModel;
  readonly raw: Obj;
  /** For paths in messages (relative inside the working directory). */
  readonly workingDir: string;
}

type Rule = (value: JsonValue, ctx: RuleContext) => readonly Finding[];

const mapped = (key: string, detail: string): Finding => ({ key, status: "mapped", detail });
const loss = (key: string, detail: string): Finding => ({ key, status: "mapped-with-loss", detail });
const notApplicable = (key: string, detail: string): Finding => ({ key, status: "not-applicable", detail });

/** ECS health check limits (ECS API HealthCheck): interval 5-300 s, timeout 2-60 s, retries 1-10, start period 0-300 s. */
const HEALTH_LIMITS = { interval: [5, 300], timeout: [2, 60], retries: [1, 10], start_period: [0, 300] } as const;
/** ECS container stopTimeout maximum (seconds). */
const MAX_STOP_TIMEOUT = 120;
/** Linux capabilities Fargate lets a container add (ECS KernelCapabilities: only SYS_PTRACE on Fargate). */
const FARGATE_CAP_ADD = new Set(["SYS_PTRACE"]);
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_KEY|FERNET_KEY)/i;
/** Characters ECS accepts in a container image reference (RegisterTaskDefinition `image`). */
const IMAGE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9\-_.:/@#]*$/;

/** Services run on Fargate by default; these say what each compose key becomes there. */
const SERVICE_RULES: Readonly<Record<string, Rule>> = {
  image: (v) =>
    typeof v === "string" && (!IMAGE_REFERENCE.test(v) || v.length > 255)
      ? [loss("image", `"${v}" is not a valid image reference (ECS accepts letters, digits and - _ . : / @ #, at most 255 characters); the task definition cannot be registered until it is fixed`)]
      : [mapped("image", "container image")],
  build: (v) => buildFindings(v),
  command: () => [mapped("command", "container command")],
  entrypoint: () => [mapped("entrypoint", "container entryPoint")],
  environment: (v) => environmentFindings(v),
  env_file: () => [mapped("env_file", "read when loading; its variables become container environment")],
  ports: (v, ctx) => portFindings(v, ctx),
  expose: () => [mapped("expose", "container ports, reachable by sibling services through their security group")],
  volumes: (v, ctx) => volumeFindings(v, ctx.workingDir),
  volumes_from: () => [notApplicable("volumes_from", "ECS shares volumes only between containers of one task; each compose service is its own task")],
  depends_on: (_v, ctx) => dependsOnFindings(ctx),
  links: (v) => linkFindings(v),
  healthcheck: (v) => healthcheckFindings(v),
  deploy: (v) => deployFindings(v),
  logging: (v) => loggingFindings(v),
  secrets: (v, ctx) =>
    ctx.service.secrets.map((s, i) => loss(Array.isArray(v) && v.length > 1 ? `secrets[${i}]` : "secrets", `secret "${s.source}" comes from Secrets Manager as an environment variable (ECS injects secrets as variables), not as the file /run/secrets/${s.target.replace(/^\/run\/secrets\//, "")}`)),
  configs: () => [notApplicable("configs", "ECS has no file configs: bake the file into the image or put it on a named volume (EFS)")],
  ulimits: () => [mapped("ulimits", "container ulimits")],
  user: () => [mapped("user", "container user")],
  working_dir: () => [mapped("working_dir", "container workingDirectory")],
  labels: () => [mapped("labels", "container dockerLabels")],
  label_file: () => [mapped("label_file", "container dockerLabels")],
  networks: (v) => networkFindings(v),
  profiles: () => [mapped("profiles", "applied when loading (--profile, COMPOSE_PROFILES)")],
  read_only: (v) => [mapped("read_only", v === true ? "readonlyRootFilesystem" : "default")],
  stop_grace_period: (v, ctx) =>
    (ctx.service.stopGracePeriodSeconds ?? 0) > MAX_STOP_TIMEOUT
      ? [loss("stop_grace_period", `ECS stopTimeout is at most ${MAX_STOP_TIMEOUT} s; ${String(v)} becomes ${MAX_STOP_TIMEOUT} s`)]
      : [mapped("stop_grace_period", "container stopTimeout")],
  tty: () => [mapped("tty", "container pseudoTerminal")],
  stdin_open: () => [mapped("stdin_open", "container interactive")],
  init: () => [mapped("init", "linuxParameters.initProcessEnabled")],
  cap_drop: () => [mapped("cap_drop", "linuxParameters.capabilities.drop")],
  cap_add: (v) => {
    const caps = Array.isArray(v) ? (v as JsonValue[]).map(String) : [];
    const refused = caps.filter((c) => !FARGATE_CAP_ADD.has(c.replace(/^CAP_/, "")));
    return refused.length === 0
      ? [mapped("cap_add", "linuxParameters.capabilities.add")]
      : [notApplicable("cap_add", `Fargate lets containers add only SYS_PTRACE; ${refused.join(", ")} dropped`)];
  },
  sysctls: (v) => {
    const names = Array.isArray(v) ? (v as JsonValue[]).map((s) => String(s).split("=")[0] ?? "") : Object.keys(v !== null && typeof v === "object" ? (v as Obj) : {});
    const refused = names.filter((n) => !n.startsWith("net.") && !n.startsWith("kernel.shm") && !n.startsWith("kernel.msg") && n !== "kernel.sem");
    return refused.length === 0 ? [mapped("sysctls", "systemControls")] : [notApplicable("sysctls", `ECS tasks accept only namespaced net.* and kernel IPC sysctls; ${refused.join(", ")} dropped`)];
  },
  platform: (v) =>
    typeof v === "string" && /^linux\/(amd64|arm64)/.test(v)
      ? [mapped("platform", "runtimePlatform cpuArchitecture")]
      : [notApplicable("platform", `Fargate runs linux/amd64 or linux/arm64 only; ${String(v)} ignored`)],
  scale: () => [mapped("scale", "ECS service desired count")],
  mem_limit: () => [mapped("mem_limit", "task/container memory (like deploy.resources.limits.memory)")],
  mem_reservation: () => [mapped("mem_reservation", "container memoryReservation")],
  cpus: () => [mapped("cpus", "task/container CPU (like deploy.resources.limits.cpus)")],
  cpu_shares: () => [loss("cpu_shares", "becomes container cpu units (1024 = one vCPU), not a relative weight")],
  restart: (v) =>
    v === "always" || v === "unless-stopped"
      ? [mapped("restart", "the ECS service scheduler replaces tasks that stop")]
      : [notApplicable("restart", `restart: ${String(v)} cannot be kept: an ECS service always replaces tasks that stop`)],
  privileged: (v) => (v === true ? [notApplicable("privileged", "privileged containers are not allowed on Fargate and compose2ecs never makes them; dropped")] : [mapped("privileged", "default")]),
  container_name: () => [notApplicable("container_name", "ECS names containers after the compose service; other services reach it by the service name")],
  hostname: () => [notApplicable("hostname", "the hostname cannot be set in awsvpc network mode; the service is reachable by its compose name")],
  domainname: () => [notApplicable("domainname", "cannot be set in awsvpc network mode")],
  network_mode: (v) => [notApplicable("network_mode", networkModeReason(String(v)))],
  devices: () => [notApplicable("devices", "host devices are not available on Fargate")],
  dns: () => [notApplicable("dns", "DNS servers cannot be set in awsvpc network mode; the VPC resolver is used")],
  dns_search: () => [notApplicable("dns_search", "DNS search domains cannot be set in awsvpc network mode; service discovery names are made resolvable instead")],
  dns_opt: () => [notApplicable("dns_opt", "DNS options cannot be set in awsvpc network mode")],
  extra_hosts: () => [notApplicable("extra_hosts", "extra /etc/hosts entries cannot be set in awsvpc network mode; use service discovery or DNS")],
  ipc: (v) => [notApplicable("ipc", `ipc: ${String(v)} is not supported on Fargate`)],
  pid: (v) => [notApplicable("pid", `pid: ${String(v)}: Fargate shares the PID namespace only within a task`)],
  security_opt: () => [notApplicable("security_opt", "dockerSecurityOptions are not supported on Fargate")],
  shm_size: () => [notApplicable("shm_size", "sharedMemorySize is not supported on Fargate")],
  tmpfs: () => [notApplicable("tmpfs", "tmpfs mounts are not supported on Fargate (EC2 capacity only)")],
  group_add: () => [notApplicable("group_add", "ECS containers have no supplementary groups setting")],
  external_links: () => [notApplicable("external_links", "containers outside the project do not exist on ECS")],
  stop_signal: () => [notApplicable("stop_signal", "ECS stops containers with SIGTERM; bake STOPSIGNAL into the image instead")],
  pull_policy: (v) => (v === "always" ? [mapped("pull_policy", "ECS pulls the image for every task")] : [notApplicable("pull_policy", `pull_policy: ${String(v)}: ECS pulls the image for every task`)]),
  gpus: () => [notApplicable("gpus", "Fargate has no GPUs")],
  develop: () => [notApplicable("develop", "compose watch is a local development feature")],
  attach: () => [notApplicable("attach", "local log attachment; logs go to CloudWatch Logs")],
  post_start: () => [notApplicable("post_start", "ECS has no lifecycle hooks")],
  pre_stop: () => [notApplicable("pre_stop", "ECS has no lifecycle hooks")],
  use_api_socket: () => [notApplicable("use_api_socket", "there is no Docker API socket on Fargate")],
  provider: () => [notApplicable("provider", "provider services are created by a compose plugin, not by ECS")],
  models: () => [notApplicable("models", "Docker Model Runner is not available on ECS")],
  "x-ecs": () => [mapped("x-ecs", "ECS settings for the planner")],
};

/** Keys with no ECS meaning whose reason is the same: a Docker-engine setting Fargate does not expose. */
const ENGINE_ONLY = [
  "annotations", "blkio_config", "cgroup", "cgroup_parent", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime",
  "cpuset", "credential_spec", "device_cgroup_rules", "isolation", "mac_address", "mem_swappiness", "memswap_limit", "oom_kill_disable", "oom_score_adj",
  "pids_limit", "pull_refresh_after", "runtime", "storage_opt", "userns_mode", "uts",
];

function ruleFor(key: string): Rule | undefined {
  const rule = SERVICE_RULES[key];
  if (rule !== undefined) return rule;
  if (ENGINE_ONLY.includes(key)) return () => [notApplicable(key, "a Docker engine setting that ECS task definitions do not expose")];
  if (key.startsWith("x-")) return () => [];
  return undefined;
}

function networkModeReason(mode: string): string {
  if (mode === "host") return "network_mode: host is not available: ECS tasks use awsvpc networking (their own network interface)";
  if (mode === "bridge" || mode === "default") return `network_mode: ${mode} is not available: ECS tasks use awsvpc networking`;
  if (mode === "none") return "network_mode: none is not available: ECS tasks use awsvpc networking";
  if (mode.startsWith("service:") || mode.startsWith("container:")) {
    return `network_mode: ${mode} (sharing another container's network) is not available across ECS services; put both in one task (placement: single-task) to share localhost`;
  }
  return `network_mode: ${mode} is not available: ECS tasks use awsvpc networking`;
}

function buildFindings(v: JsonValue): Finding[] {
  const out: Finding[] = [mapped("build", "image built from the context and pushed to an ECR repository (tag: the environment's imageTag)")];
  if (v === null || typeof v !== "object" || Array.isArray(v)) return out;
  const build = v as Obj;
  if (build.secrets !== undefined) out.push(notApplicable("build.secrets", "build-time secrets are used only by the image build; they are not part of the ECS task"));
  if (build.ssh !== undefined) out.push(notApplicable("build.ssh", "build-time SSH agent forwarding is used only by the image build"));
  return out;
}

function environmentFindings(v: JsonValue): Finding[] {
  const out: Finding[] = [mapped("environment", "container environment")];
  const entries: [string, string | null][] = Array.isArray(v)
    ? (v as JsonValue[]).map((item) => splitKeyValue(String(item)))
    : Object.entries(v !== null && typeof v === "object" ? (v as Obj) : {}).map(([k, val]) => [k, val === null ? null : String(val)]);
  for (const [name, value] of entries.sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    // Switches such as MYSQL_RANDOM_ROOT_PASSWORD=yes name a secret but hold none.
    if (value === null || value === "" || !SECRET_NAME.test(name) || /_FILE$/i.test(name) || /^(yes|no|true|false|on|off|0|1)$/i.test(value)) continue;
    out.push(loss(`environment.${name}`, `${name} looks like a secret: its value would be stored in plain text in the task definition and the Terraform state; use secrets: (Secrets Manager) instead`));
  }
  return out;
}

function portFindings(v: JsonValue, ctx: RuleContext): Finding[] {
  const out: Finding[] = [mapped("ports", "container port mappings; published ports are routed by the load balancer")];
  const items = Array.isArray(v) ? (v as JsonValue[]) : [];
  items.forEach((item, i) => {
    const parsed = parsePort(item);
    if (!parsed.ok) return;
    const port = parsed.value;
    if (port.hostIp !== undefined && port.hostIp !== "0.0.0.0" && port.hostIp !== "::") {
      out.push(notApplicable(`ports[${i}]`, `binding to host IP ${port.hostIp} has no meaning on ECS: who may connect is decided by security groups`));
    }
    if (port.protocol === "udp" && port.published !== undefined) {
      out.push(notApplicable(`ports[${i}]`, `udp port ${targetText(port)}: an application load balancer forwards HTTP over tcp only; it is reachable from sibling services only`));
    }
  });
  // A published range counts as its ports: the load balancer targets one port, never a range.
  const published = ctx.service.ports.filter((p) => p.published !== undefined && p.protocol === "tcp");
  const first = published[0];
  const texts = [...new Set(published.map(targetText))];
  if (first !== undefined && (texts.length > 1 || first.targetEnd !== undefined) && ctx.service.ecs.port === undefined) {
    const rest = first.targetEnd === undefined ? [] : [first.target + 1 === first.targetEnd ? String(first.targetEnd) : `${first.target + 1}-${first.targetEnd}`];
    const others = [...rest, ...texts.filter((t) => t !== targetText(first))];
    out.push(loss("ports", `publishes container ports ${texts.join(", ")}; the load balancer routes to one (x-ecs.port, else the first: ${first.target}); ${others.join(", ")} stay reachable from sibling services only`));
  }
  return out;
}

function volumeFindings(v: JsonValue, workingDir: string): Finding[] {
  const items = Array.isArray(v) ? (v as JsonValue[]) : [];
  const out: Finding[] = [];
  items.forEach((item, i) => {
    const key = `volumes[${i}]`;
    const mount = volumeMount(item, workingDir);
    if (typeof mount === "string") return;
    const source = mount.source ?? "";
    if (mount.type === "volume" && mount.source === undefined) out.push(mapped(key, `anonymous volume at ${mount.target}: task storage, lost when the task stops`));
    else if (mount.type === "volume") out.push(mapped(key, `named volume "${source}" on EFS (encrypted), mounted at ${mount.target}`));
    else if (mount.type === "bind" && /(^|\/)docker\.sock$/.test(source)) out.push(notApplicable(key, `${source}: there is no Docker daemon socket on Fargate; whatever needs it (container management, service discovery by labels) will not work`));
    else if (mount.type === "bind") out.push(notApplicable(key, `bind mount of host path ${source}: Fargate has no host files; copy them into the image or use a named volume (EFS)`));
    else if (mount.type === "tmpfs") out.push(notApplicable(key, `tmpfs at ${mount.target}: not supported on Fargate (EC2 capacity only)`));
    else out.push(notApplicable(key, `${mount.type} mounts are not available on ECS`));
  });
  return out;
}

function dependsOnFindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [mapped("depends_on", "ECS services start independently and reach each other by name through service discovery")];
  for (const dep of ctx.service.dependsOn) {
    if (dep.condition === "service_completed_successfully") {
      out.push(loss(`depends_on.${dep.service}`, `condition service_completed_successfully has no equivalent between ECS services: "${dep.service}" runs as a service and is restarted whenever it exits`));
    } else if (dep.condition === "service_healthy") {
      // Cloud Map answers only with healthy tasks, but nothing holds this service back until then.
      out.push(loss(`depends_on.${dep.service}`, `condition service_healthy is not enforced between ECS services: "${dep.service}" resolves only once it is healthy, but this service may start first and must retry (placement single-task enforces it as a container dependency)`));
    }
  }
  return out;
}

function linkFindings(v: JsonValue): Finding[] {
  const aliased = (Array.isArray(v) ? (v as JsonValue[]).map(String) : []).filter((l) => l.includes(":"));
  const out: Finding[] = [mapped("links", "service discovery names")];
  if (aliased.length > 0) out.push(loss("links", `link aliases (${aliased.join(", ")}) are not registered: use the service name`));
  return out;
}

function healthcheckFindings(v: JsonValue): Finding[] {
  const hc = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
  if (hc.disable === true || (Array.isArray(hc.test) && hc.test[0] === "NONE")) return [mapped("healthcheck", "no container health check")];
  const out: Finding[] = [];
  if (hc.test === undefined || hc.test === null) {
    out.push(loss("healthcheck", "no test: ECS does not use the image's HEALTHCHECK, so the container gets no health check"));
  } else {
    out.push(mapped("healthcheck", "container healthCheck"));
  }
  for (const [key, [min, max]] of Object.entries(HEALTH_LIMITS)) {
    const value = hc[key];
    if (value === undefined || value === null) continue;
    const seconds = key === "retries" ? Number(value) : durationSeconds(value);
    if (seconds === undefined || (seconds >= min && seconds <= max)) continue;
    const clamped = Math.min(max, Math.max(min, seconds));
    out.push(loss(`healthcheck.${key}`, `ECS allows ${min}-${max}${key === "retries" ? "" : " s"}; ${String(value)} becomes ${clamped}${key === "retries" ? "" : " s"}`));
  }
  if (hc.start_interval !== undefined) out.push(notApplicable("healthcheck.start_interval", "ECS health checks have no start interval"));
  return out;
}

function durationSeconds(value: JsonValue): number | undefined {
  if (typeof value === "number") return value;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  let matched = false;
  for (const m of String(value).matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)) {
    total += Number(m[1]) * (units[m[2] as string] ?? 0);
    matched = true;
  }
  return matched ? total : undefined;
}

function deployFindings(v: JsonValue): Finding[] {
  const deploy = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
  const out: Finding[] = [];
  const sub = (key: string): Obj => {
    const value = deploy[key];
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {};
  };
  if (deploy.mode === "global") out.push(loss("deploy.mode", "global (one task per node) needs ECS DAEMON scheduling, which Fargate does not offer; it runs as a replicated service (use EC2 capacity for DAEMON)"));
  else if (deploy.mode === "replicated-job" || deploy.mode === "global-job") out.push(notApplicable("deploy.mode", `${String(deploy.mode)}: an ECS service restarts tasks that exit; run jobs as standalone or scheduled tasks`));
  else if (deploy.mode !== undefined) out.push(mapped("deploy.mode", "REPLICA scheduling"));
  if (deploy.replicas !== undefined) out.push(mapped("deploy.replicas", "ECS service desired count"));
  const resources = sub("resources");
  for (const kind of ["limits", "reservations"] as const) {
    const spec = resources[kind];
    if (spec === null || typeof spec !== "object" || Array.isArray(spec)) continue;
    for (const key of Object.keys(spec).sort()) {
      const path = `deploy.resources.${kind}.${key}`;
      if (key === "cpus" || key === "memory") out.push(mapped(path, kind === "limits" ? `task size (rounded up to a Fargate CPU/memory combination)` : `container ${key === "cpus" ? "cpu" : "memoryReservation"}`));
      else if (key === "devices" || key === "generic_resources") out.push(notApplicable(path, "Fargate has no GPUs or other devices"));
      else out.push(notApplicable(path, `${key} cannot be set on ECS tasks`));
    }
  }
  const update = sub("update_config");
  for (const key of Object.keys(update).sort()) {
    const path = `deploy.update_config.${key}`;
    if (key === "order") out.push(mapped(path, update.order === "start-first" ? "deployment maximumPercent 200 (new tasks start before old ones stop)" : "deployment minimumHealthyPercent 0 (old tasks stop first)"));
    else if (key === "parallelism") out.push(loss(path, "ECS rolls out by percentages (minimumHealthyPercent / maximumPercent), not a fixed number of tasks at a time"));
    else if (key === "failure_action") out.push(update.failure_action === "rollback" ? mapped(path, "deployment circuit breaker with rollback") : loss(path, `failure_action ${String(update.failure_action)}: ECS deployments either roll back (circuit breaker) or continue`));
    else out.push(notApplicable(path, `${key} has no ECS deployment equivalent`));
  }
  if (deploy.rollback_config !== undefined) out.push(notApplicable("deploy.rollback_config", "ECS rolls back to the previous task definition through the deployment circuit breaker"));
  if (deploy.restart_policy !== undefined) {
    const policy = sub("restart_policy");
    const only = Object.keys(policy);
    if (policy.condition === "none") out.push(notApplicable("deploy.restart_policy", "condition none cannot be kept: an ECS service always replaces tasks that stop"));
    else if (only.every((k) => k === "condition") && policy.condition !== "on-failure") out.push(mapped("deploy.restart_policy", "the ECS service scheduler replaces tasks that stop"));
    else out.push(loss("deploy.restart_policy", "an ECS service always replaces tasks that stop; condition, delay, max_attempts and window are not kept"));
  }
  if (deploy.placement !== undefined) out.push(notApplicable("deploy.placement", "swarm node constraints and preferences have no meaning on Fargate"));
  if (deploy.labels !== undefined) out.push(notApplicable("deploy.labels", "swarm service labels are not kept (container labels are)"));
  if (deploy.endpoint_mode !== undefined) out.push(deploy.endpoint_mode === "vip" ? mapped("deploy.endpoint_mode", "service discovery name") : notApplicable("deploy.endpoint_mode", "service discovery returns task addresses (multivalue A records) either way"));
  return out;
}

function loggingFindings(v: JsonValue): Finding[] {
  const logging = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
  const driver = typeof logging.driver === "string" ? logging.driver : undefined;
  const hasOptions = logging.options !== undefined && logging.options !== null && Object.keys(logging.options as Obj).length > 0;
  if (driver === undefined && !hasOptions) return [mapped("logging", "CloudWatch Logs (awslogs) in the service's managed log group")];
  if (driver === "awslogs" && !hasOptions) return [mapped("logging", "CloudWatch Logs (awslogs) in the service's managed log group")];
  const what = driver === "awslogs" ? "awslogs options" : `log driver ${driver ?? "options"}`;
  return [loss("logging", `${what} replaced: logs go to CloudWatch Logs (awslogs) in the service's managed log group with the environment's retention`)];
}

function networkFindings(v: JsonValue): Finding[] {
  const out: Finding[] = [mapped("networks", "one VPC; security groups let services reach each other's ports")];
  if (v === null || typeof v !== "object" || Array.isArray(v)) return out;
  for (const [name, spec] of Object.entries(v as Obj)) {
    if (spec === null || typeof spec !== "object") continue;
    for (const key of Object.keys(spec as Obj).sort()) {
      if (key === "aliases") out.push(notApplicable(`networks.${name}.aliases`, "network aliases are not registered: services are reachable by their compose name"));
      else if (key !== "priority") out.push(notApplicable(`networks.${name}.${key}`, "addresses are assigned by the VPC (awsvpc)"));
    }
  }
  return out;
}

/** Top-level keys: networks, volumes, secrets. */
function topLevelFindings(plain: Obj): Finding[] {
  const out: Finding[] = [];
  const asObj = (value: JsonValue | undefined): Obj => (value !== null && value !== undefined && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {});
  for (const [name, value] of Object.entries(asObj(plain.networks)).sort()) {
    const net = asObj(value);
    const key = `networks.${name}`;
    if (net.external !== undefined && net.external !== false) {
      const legacyName = asObj(net.external).name;
      const deprecated = legacyName !== undefined ? ` (external.name is deprecated: use name: ${String(legacyName)})` : "";
      out.push(notApplicable(key, `external network${deprecated}: there are no Docker networks on ECS; services use the environment's VPC`));
      continue;
    }
    if (net.internal === true) out.push(loss(`${key}.internal`, "internal: tasks run in private subnets without public IPs, but their security groups still allow HTTPS egress (image pulls, AWS APIs)"));
    if (net.ipam !== undefined) out.push(notApplicable(`${key}.ipam`, "addresses come from the VPC subnets"));
    if (net.driver !== undefined && net.driver !== "bridge" && net.driver !== "overlay") out.push(notApplicable(`${key}.driver`, `network driver ${String(net.driver)} has no ECS equivalent`));
    if (net.driver_opts !== undefined) out.push(notApplicable(`${key}.driver_opts`, "Docker network driver options have no ECS equivalent"));
    if (net.internal !== true && net.ipam === undefined) out.push(mapped(key, "security groups within the environment's VPC"));
  }
  for (const [name, value] of Object.entries(asObj(plain.volumes)).sort()) {
    const vol = asObj(value);
    const key = `volumes.${name}`;
    if (vol.external !== undefined && vol.external !== false) out.push(notApplicable(key, "external volume: compose2ecs creates EFS file systems for named volumes and does not look up existing ones"));
    else if (vol.driver !== undefined || vol.driver_opts !== undefined) out.push(loss(key, "becomes an EFS file system (encrypted); the Docker volume driver and its options are not used"));
    else out.push(mapped(key, "EFS file system (encrypted, transit encryption, IAM auth)"));
  }
  for (const [name, value] of Object.entries(asObj(plain.secrets)).sort()) {
    const secret = asObj(value);
    const key = `secrets.${name}`;
    if (secret.external !== undefined && secret.external !== false) out.push(mapped(key, "existing Secrets Manager secret, looked up by name"));
    else if (typeof secret.file === "string") out.push(mapped(key, "Secrets Manager secret; its value is not put in Terraform: store the file's content in it after the first apply"));
    else if (typeof secret.environment === "string") out.push(mapped(key, `Secrets Manager secret; store the value of ${secret.environment} in it after the first apply`));
    else out.push(mapped(key, "Secrets Manager secret"));
  }
  return out;
}

/**
 * The conversion report (like kompose's): for every service and every key it sets, whether
 * ECS carries it (mapped), approximates it (mapped-with-loss), cannot carry it
 * (not-applicable) or refuses it (rejected), with the reason. Sorted by service, then key;
 * top-level entries (no service) first.
 */
export function buildReport(root: RawMap, project: ComposeProject, workingDir: string): ConversionEntry[] {
  const plain = toPlain(root) as Obj;
  const services = (plain.services ?? {}) as Readonly<Record<string, Obj>>;
  const entries: ConversionEntry[] = [];
  const add = (service: string | undefined, finding: Finding, path: ComposePath): void => {
    const location = locate(root, path, false);
    entries.push({ ...(service !== undefined ? { service } : {}), key: finding.key, status: finding.status, detail: finding.detail, ...(location ? { location } : {}) });
  };
  for (const finding of topLevelFindings(plain)) add(undefined, finding, parsePath(finding.key));
  for (const service of project.services) {
    const raw = services[service.name] ?? {};
    for (const key of Object.keys(raw).sort()) {
      const rule = ruleFor(key);
      const findings = rule === undefined ? [notApplicable(key, "not translated by compose2ecs")] : rule(raw[key] as JsonValue, { service, raw, workingDir });
      for (const finding of findings) add(service.name, finding, ["services", service.name, ...keyPath(finding.key)]);
    }
  }
  return entries;
}

function keyPath(key: string): PathSegment[] {
  return [...parsePath(key)];
}

/** Warnings (and errors for rejected keys) for the diagnostics list, naming service and key. */
export function reportDiagnostics(report: readonly ConversionEntry[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const entry of report) {
    if (entry.status === "mapped") continue;
    const path = entry.service === undefined ? entry.key : formatPath(["services", entry.service, ...keyPath(entry.key)]);
    const label = entry.status === "not-applicable" ? "not applicable on ECS" : entry.status === "mapped-with-loss" ? "mapped with loss" : "rejected";
    const location: SourceLocation | undefined = entry.location;
    out.push(entry.status === "rejected" ? error(`${label}: ${entry.detail}`, path, location) : warning(`${label}: ${entry.detail}`, path, location));
  }
  return out;
}

/** Every compose service key the report has a rule for (the conversion matrix in docs/conversion.md lists them all). */
export function reportedServiceKeys(): string[] {
  return [...Object.keys(SERVICE_RULES), ...ENGINE_ONLY].sort();
}

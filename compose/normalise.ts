import { parseServiceOverride } from "./x-ecs";
import { networkSecurityGroup, portAwsProtocol, readProjectAws, readServiceAws } from "./x-aws";
import { indexLocations } from "./locations";
import { displayPath, error, warning } from "./diagnostics";
import { parseDotenv } from "./dotenv";
import { ReadText } from "./files";
import { Variables } from "./interpolate";
import {
  BuildSpec,
  ComposeProject,
  Dependency,
  DependencyCondition,
  Deploy,
  Diagnostic,
  ExposedPort,
  FileReference,
  Healthcheck,
  JsonValue,
  Logging,
  NamedNetwork,
  NamedVolume,
  PortMapping,
  ResourceSpec,
  ServiceModel,
  SourceLocation,
  TopLevelConfig,
  TopLevelSecret,
  Ulimit,
  UpdateConfig,
  VolumeMount,
  VolumeMountType,
} from "./model";
import { splitVolumeSpec } from "./merge";
import { bindSourcePath, contextModelPath, isHostPath, modelPath } from "./paths";
import { isEcsProtocol, lastTarget, parsePort, targetText } from "./ports";
import { ComposePath, RawMap, RawNode, formatPath, getNode, isScalar, locate, toPlain } from "./raw";
import { Parsed, parseBytes, parseCpus, parseDuration, shellWords } from "./units";
import { sortedRecord, splitKeyValue } from "./key-value";

type Obj = Readonly<Record<string, JsonValue>>;

export interface NormaliseOptions {
  /** Folder model paths are made relative to. */
  readonly workingDir: string;
  /** Project directory (first file's folder), for the default project name. */
  readonly projectDir: string;
  readonly projectName?: string;
  readonly files: readonly string[];
  /** Interpolation variables: values of bare `environment: [NAME]` entries come from here. */
  readonly variables: Variables;
  /** Reads an env_file (compose/files.ts readText: regular files only, size-limited). */
  readonly readText: (file: string) => ReadText;
}

export interface NormaliseResult {
  readonly project: ComposeProject;
  readonly diagnostics: readonly Diagnostic[];
}

/** Collects problems with their compose path and source line. */
class Problems {
  readonly list: Diagnostic[] = [];
  constructor(private readonly root: RawNode) {}
  error(path: ComposePath, message: string, atKey = false): void {
    // A value that came from interpolation is easier to fix when the message shows how it was written.
    const node = getNode(this.root, path);
    const written = isScalar(node) && node.template !== undefined ? ` (written as ${JSON.stringify(node.template)})` : "";
    this.list.push(error(message + written, formatPath(path), this.at(path, atKey)));
  }
  warning(path: ComposePath, message: string): void {
    this.list.push(warning(message, formatPath(path), this.at(path)));
  }
  at(path: ComposePath, atKey = false): SourceLocation | undefined {
    return locate(this.root, path, atKey);
  }
  take<T>(path: ComposePath, parsed: Parsed<T>): T | undefined {
    if (parsed.ok) return parsed.value;
    this.error(path, parsed.message);
    return undefined;
  }
}

/**
 * Stage 5: the merged, validated tree to the typed model (compose/model.ts). Short syntax
 * becomes long syntax here once (compose-go transform/canonical.go), so the planner sees one
 * shape: ports expanded per container port, volumes typed, durations in seconds, sizes in
 * bytes, command strings split into words the way compose splits them.
 */
export function normaliseProject(root: RawMap, options: NormaliseOptions): NormaliseResult {
  const problems = new Problems(root);
  const plain = toPlain(root) as Obj;
  const services = asObj(plain.services);
  const models: ServiceModel[] = [];
  for (const name of Object.keys(services).sort()) {
    models.push(normaliseService(name, asObj(services[name]), options, problems));
  }
  const extensions: Record<string, JsonValue> = {};
  for (const key of Object.keys(plain).sort()) if (key.startsWith("x-")) extensions[key] = plain[key] as JsonValue;
  const aws = readProjectAws(plain);
  for (const p of aws.problems) problems.error(p.path, p.message);
  const project: ComposeProject = {
    name: projectName(options, plain),
    nameFrom: projectNameSource(options, plain),
    files: options.files.map((f) => modelPath(f, options.workingDir)),
    services: models,
    volumes: topVolumes(asObj(plain.volumes)),
    networks: topNetworks(asObj(plain.networks), models),
    secrets: topSecrets(asObj(plain.secrets), options.workingDir, problems),
    configs: topConfigs(asObj(plain.configs), options.workingDir),
    extensions,
    aws: aws.aws,
    locations: indexLocations(root),
  };
  return { project, diagnostics: problems.list };
}

function normaliseService(name: string, svc: Obj, options: NormaliseOptions, problems: Problems): ServiceModel {
  const at = (...rest: ComposePath): ComposePath => ["services", name, ...rest];
  const ecs = svc["x-ecs"] === undefined || svc["x-ecs"] === null ? { override: {}, problems: [] } : parseServiceOverride(svc["x-ecs"]);
  for (const p of ecs.problems) {
    const path = at("x-ecs", ...p.path);
    problems.list.push(error(p.message, formatPath(path), problems.at(path, true)));
  }
  const extensions: Record<string, JsonValue> = {};
  for (const key of Object.keys(svc).sort()) if (key.startsWith("x-") && key !== "x-ecs") extensions[key] = svc[key] as JsonValue;
  const aws = readServiceAws(svc, ecs.override.taskRole?.allowUnscopedWrites === true);
  for (const p of aws.problems) problems.error(at(...p.path), p.message);
  const location = problems.at(["services", name], true);
  if (typeof svc.image === "string") checkImageReference(svc.image, at("image"), problems);
  const deploy = normaliseDeploy(svc, at, problems);
  const healthcheck =
    svc.healthcheck === undefined || svc.healthcheck === null ? undefined : normaliseHealthcheck(asObj(svc.healthcheck), at("healthcheck"), problems);
  const logging = svc.logging === undefined || svc.logging === null ? undefined : normaliseLogging(asObj(svc.logging));
  const command = commandOf(svc.command, at("command"), problems);
  const entrypoint = commandOf(svc.entrypoint, at("entrypoint"), problems);
  const stop =
    svc.stop_grace_period === undefined || svc.stop_grace_period === null
      ? undefined
      : problems.take(at("stop_grace_period"), parseDuration(svc.stop_grace_period));
  const environment = normaliseEnvironment(svc, at, options, problems);
  const cpuShares = svc.cpu_shares === undefined || svc.cpu_shares === null ? undefined : wholeNumber(svc.cpu_shares, at("cpu_shares"), problems);
  return {
    name,
    ...(typeof svc.image === "string" ? { image: svc.image } : {}),
    ...(svc.build !== undefined && svc.build !== null ? { build: normaliseBuild(svc.build, options.workingDir) } : {}),
    ...(command !== undefined ? { command } : {}),
    ...(entrypoint !== undefined ? { entrypoint } : {}),
    environment: environment.values,
    envFileVariables: environment.fromFiles,
    ports: normalisePorts(svc.ports, at("ports"), problems),
    expose: normaliseExpose(svc.expose, at("expose"), problems),
    volumes: normaliseVolumes(svc, at, options.workingDir, problems),
    dependsOn: normaliseDependsOn(svc.depends_on),
    links: stringList(svc.links)
      .map((l) => l.split(":")[0] as string)
      .sort(),
    ...(healthcheck !== undefined ? { healthcheck } : {}),
    deploy,
    ...(logging !== undefined ? { logging } : {}),
    secrets: fileReferences(svc.secrets, (source) => source, at("secrets"), problems),
    configs: fileReferences(svc.configs, (source) => `/${source}`, at("configs"), problems),
    ulimits: normaliseUlimits(asObj(svc.ulimits), at("ulimits"), problems),
    ...(svc.user !== undefined && svc.user !== null ? { user: String(svc.user) } : {}),
    ...(typeof svc.working_dir === "string" ? { workingDir: svc.working_dir } : {}),
    labels: normaliseLabels(svc, at, options, problems),
    networks: serviceNetworks(svc),
    readOnly: svc.read_only === true,
    ...(stop !== undefined ? { stopGracePeriodSeconds: stop } : {}),
    ...(typeof svc.container_name === "string" ? { containerName: svc.container_name } : {}),
    ...(typeof svc.platform === "string" && svc.platform !== "" ? { platform: svc.platform } : {}),
    capAdd: capabilities(svc.cap_add),
    capDrop: capabilities(svc.cap_drop),
    init: svc.init === true,
    tty: svc.tty === true,
    stdinOpen: svc.stdin_open === true,
    sysctls: stringMap(svc.sysctls),
    ...(cpuShares !== undefined ? { cpuShares } : {}),
    ecs: ecs.override,
    aws: aws.aws,
    keys: Object.keys(svc).sort(),
    unmodelled: unmodelled(svc),
    extensions,
    ...(location !== undefined ? { location } : {}),
  };
}

function asObj(value: JsonValue | undefined): Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {};
}

function stringList(value: JsonValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return (value as JsonValue[]).filter((v) => v !== null).map((v) => String(v));
  if (typeof value === "object") return Object.keys(value);
  return [String(value)];
}

/** list-or-dict (`["A=1"]` or `{A: 1}`) to a sorted string map; entries without a value are left out. */
export function stringMap(value: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value as JsonValue[]) {
      const [key, entry] = splitKeyValue(String(item));
      if (entry !== null) out[key] = entry;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Obj)) if (v !== null) out[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return sortedRecord(out);
}

function commandOf(value: JsonValue | undefined, path: ComposePath, problems: Problems): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return (value as JsonValue[]).map((v) => String(v));
  return problems.take(path, shellWords(String(value)));
}

function normaliseBuild(value: JsonValue, workingDir: string): BuildSpec {
  if (typeof value === "string") return { context: contextModelPath(value, workingDir) };
  const build = asObj(value);
  return { context: typeof build.context === "string" ? contextModelPath(build.context, workingDir) : "." };
}

function normaliseEnvironment(
  svc: Obj,
  at: (...p: ComposePath) => ComposePath,
  options: NormaliseOptions,
  problems: Problems,
): { values: Record<string, string>; fromFiles: Record<string, SourceLocation> } {
  const env: Record<string, string> = {};
  const fromFiles: Record<string, SourceLocation> = {};
  const files = envFileEntries(svc.env_file);
  files.forEach((entry, i) => {
    const path = Array.isArray(svc.env_file) ? at("env_file", i) : at("env_file");
    const read = options.readText(entry.path);
    if (!("text" in read)) {
      if (read.missing !== true) problems.error(path, `env file ${modelPath(entry.path, options.workingDir)}: ${read.problem}`);
      else if (entry.required) problems.error(path, `env file ${modelPath(entry.path, options.workingDir)} not found`);
      return;
    }
    const parsed = parseDotenv(read.text, options.variables);
    const shown = displayPath(entry.path);
    for (const p of parsed.problems) problems.error(path, `${modelPath(entry.path, options.workingDir)}:${p.line}: ${p.message}`);
    Object.assign(env, parsed.values);
    for (const name of Object.keys(parsed.values)) {
      const line = parsed.lines[name];
      fromFiles[name] = line !== undefined ? { file: shown, line, col: 1 } : (problems.at(path) ?? { file: shown, line: 1, col: 1 });
    }
  });
  const environment = svc.environment;
  const assign = (key: string, value: JsonValue | undefined): void => {
    delete fromFiles[key];
    if (value === null || value === undefined) {
      // `- NAME` / `NAME:` takes the value from the environment compose runs in, or leaves it out.
      const fromHost = options.variables[key];
      if (fromHost !== undefined) env[key] = fromHost;
      else delete env[key];
      return;
    }
    env[key] = typeof value === "object" ? JSON.stringify(value) : String(value);
  };
  if (Array.isArray(environment)) {
    (environment as JsonValue[]).forEach((item, i) => {
      const text = String(item);
      const [key, entry] = splitKeyValue(text);
      // Docker refuses a variable without a name; ECS would register it and fail at task start.
      if (key === "") problems.error(at("environment", i), `"${text}" has no variable name`);
      else assign(key, entry);
    });
  } else {
    for (const [k, v] of Object.entries(asObj(environment))) assign(k, v);
  }
  return { values: sortedRecord(env), fromFiles: sortedLocations(fromFiles) };
}

function sortedLocations(record: Readonly<Record<string, SourceLocation>>): Record<string, SourceLocation> {
  const out: Record<string, SourceLocation> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as SourceLocation;
  return out;
}

/** `label_file` entries (KEY=VALUE lines, as env files), then `labels`, which win. */
function normaliseLabels(svc: Obj, at: (...p: ComposePath) => ComposePath, options: NormaliseOptions, problems: Problems): Record<string, string> {
  const labels: Record<string, string> = {};
  const files =
    svc.label_file === undefined || svc.label_file === null ? [] : Array.isArray(svc.label_file) ? (svc.label_file as JsonValue[]) : [svc.label_file];
  files.forEach((file, i) => {
    const path = Array.isArray(svc.label_file) ? at("label_file", i) : at("label_file");
    const read = options.readText(String(file));
    if (!("text" in read)) {
      problems.error(path, `label file ${modelPath(String(file), options.workingDir)}${read.missing === true ? " not found" : `: ${read.problem}`}`);
      return;
    }
    // Labels are not interpolated: a literal "$" stays as written.
    const parsed = parseDotenv(read.text.replace(/\$/g, "$$$$"), {});
    for (const p of parsed.problems) problems.error(path, `${modelPath(String(file), options.workingDir)}:${p.line}: ${p.message}`);
    Object.assign(labels, parsed.values);
  });
  return sortedRecord({ ...labels, ...stringMap(svc.labels) });
}

/** Linux capability names as ECS takes them: upper-case, without the CAP_ prefix. */
function capabilities(value: JsonValue | undefined): string[] {
  return [...new Set(stringList(value).map((c) => c.toUpperCase().replace(/^CAP_/, "")))].sort();
}

/** Keys of the model's typed fields; everything else a service sets is kept as written in `unmodelled`. */
const TYPED_SERVICE_KEYS: ReadonlySet<string> = new Set([
  "image",
  "build",
  "command",
  "entrypoint",
  "environment",
  "env_file",
  "ports",
  "expose",
  "volumes",
  "depends_on",
  "links",
  "healthcheck",
  "deploy",
  "logging",
  "secrets",
  "configs",
  "ulimits",
  "user",
  "working_dir",
  "labels",
  "label_file",
  "networks",
  "profiles",
  "read_only",
  "stop_grace_period",
  "hostname",
  "container_name",
  "platform",
  "cap_add",
  "cap_drop",
  "init",
  "tty",
  "stdin_open",
  "sysctls",
  "cpu_shares",
  "cpus",
  "mem_limit",
  "mem_reservation",
  "scale",
]);

/** Sub-keys of typed keys that the model reads; the others are kept as written in `unmodelled`. */
const TYPED_SUB_KEYS: Readonly<Record<string, readonly string[]>> = {
  deploy: ["mode", "replicas", "resources", "update_config", "restart_policy", "x-aws-autoscaling"],
  "deploy.resources": ["limits", "reservations"],
  "deploy.resources.limits": ["cpus", "memory"],
  "deploy.resources.reservations": ["cpus", "memory"],
  "deploy.update_config": ["parallelism", "order", "failure_action", "x-aws-min_percent", "x-aws-max_percent"],
  "deploy.restart_policy": ["condition", "max_attempts"],
  healthcheck: ["test", "interval", "timeout", "retries", "start_period", "disable"],
  build: ["context", "dockerfile", "target", "args"],
};

/**
 * What the service sets that the model has no field for, by path relative to the service
 * (`ipc`, `deploy.rollback_config`, `networks.front.aliases`, `links` when aliased): the
 * conversion report says for each why ECS drops it.
 */
function unmodelled(svc: Obj): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(svc).sort()) {
    if (key.startsWith("x-")) continue;
    if (!TYPED_SERVICE_KEYS.has(key)) out[key] = svc[key] as JsonValue;
  }
  const walk = (prefix: string, value: JsonValue | undefined): void => {
    const typed = TYPED_SUB_KEYS[prefix];
    const obj = asObj(value);
    if (typed === undefined || value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const key of Object.keys(obj).sort()) {
      const path = `${prefix}.${key}`;
      if (key.startsWith("x-") && !typed.includes(key)) continue;
      if (!typed.includes(key)) out[path] = obj[key] as JsonValue;
      else walk(path, obj[key]);
    }
  };
  for (const key of ["deploy", "healthcheck", "build"]) walk(key, svc[key]);
  const networks = asObj(svc.networks);
  if (!Array.isArray(svc.networks)) {
    for (const name of Object.keys(networks).sort()) {
      const spec = asObj(networks[name]);
      for (const key of Object.keys(spec).sort())
        if (key !== "priority" && !key.startsWith("x-")) out[formatPath(["networks", name, key])] = spec[key] as JsonValue;
    }
  }
  const aliased = stringList(svc.links).filter((l) => l.includes(":"));
  if (aliased.length > 0) out["links"] = aliased;
  if (svc.ports !== undefined && Array.isArray(svc.ports)) {
    (svc.ports as JsonValue[]).forEach((item, i) => {
      const mode = asObj(item).mode;
      if (typeof mode === "string") out[`ports[${i}].mode`] = mode;
    });
  }
  return out;
}

function envFileEntries(value: JsonValue | undefined): { path: string; required: boolean }[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? (value as JsonValue[]) : [value];
  return items.map((item) => {
    if (typeof item === "string") return { path: item, required: true };
    const obj = asObj(item);
    return { path: String(obj.path ?? ""), required: obj.required !== false };
  });
}

function normalisePorts(value: JsonValue | undefined, path: ComposePath, problems: Problems): PortMapping[] {
  if (!Array.isArray(value)) return [];
  const out: PortMapping[] = [];
  (value as JsonValue[]).forEach((item, i) => {
    const spec = problems.take([...path, i], parsePort(item));
    if (spec === undefined) return;
    if (!isEcsProtocol(spec.protocol)) {
      problems.error([...path, i], `protocol "${spec.protocol}" is not supported by ECS port mappings (tcp or udp)`);
      return;
    }
    const { mode: _mode, ...mapping } = spec;
    const awsProtocol = portAwsProtocol(item);
    out.push({ ...mapping, protocol: spec.protocol, ...(awsProtocol !== undefined ? { awsProtocol } : {}), entry: i });
  });
  return out;
}

function normaliseExpose(value: JsonValue | undefined, path: ComposePath, problems: Problems): ExposedPort[] {
  if (!Array.isArray(value)) return [];
  const ports = new Map<string, ExposedPort>();
  (value as JsonValue[]).forEach((item, i) => {
    const spec = problems.take([...path, i], parsePort(typeof item === "number" ? item : String(item)));
    if (spec === undefined) return;
    if (spec.published !== undefined) {
      problems.error([...path, i], `"${String(item)}" publishes a port; expose takes container ports only (use ports: to publish)`);
      return;
    }
    if (!isEcsProtocol(spec.protocol)) {
      problems.error([...path, i], `protocol "${spec.protocol}" is not supported by ECS port mappings (tcp or udp)`);
      return;
    }
    const port: ExposedPort = { target: spec.target, ...(spec.targetEnd !== undefined ? { targetEnd: spec.targetEnd } : {}), protocol: spec.protocol };
    ports.set(`${targetText(port)}/${port.protocol}`, port);
  });
  return [...ports.values()].sort(
    (a, b) => a.target - b.target || lastTarget(a) - lastTarget(b) || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0),
  );
}

function normaliseVolumes(svc: Obj, at: (...p: ComposePath) => ComposePath, workingDir: string, problems: Problems): VolumeMount[] {
  const out: VolumeMount[] = [];
  const volumes = Array.isArray(svc.volumes) ? (svc.volumes as JsonValue[]) : [];
  const byTarget = new Map<string, number>();
  volumes.forEach((item, i) => {
    const mount = volumeMount(item, workingDir);
    if (typeof mount === "string") {
      problems.error(at("volumes", i), mount);
      return;
    }
    // Docker refuses two mounts on one path ("Duplicate mount point") and ECS would start a task
    // with both; the later entry wins, as it would in a merge of override files.
    const earlier = byTarget.get(mount.target);
    if (earlier !== undefined) {
      problems.warning(
        at("volumes", earlier),
        `${mount.target} is mounted again by volumes[${i}]; only the later mount is kept (Docker refuses duplicate mount points)`,
      );
      out.splice(
        out.findIndex((m) => m.target === mount.target),
        1,
      );
    }
    byTarget.set(mount.target, i);
    out.push({ ...mount, entry: i });
  });
  // `tmpfs:` entries are tmpfs mounts too (`/run:rw,size=1g`).
  for (const entry of stringList(svc.tmpfs)) {
    const [target, optionText] = splitOnce(entry, ":");
    const size = /(?:^|,)size=([^,]+)/.exec(optionText ?? "")?.[1];
    const bytes = size === undefined ? undefined : parseBytes(size);
    out.push({ type: "tmpfs", target, readOnly: false, ...(bytes?.ok ? { tmpfsSize: bytes.value } : {}) });
  }
  return out;
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}

/** One volume entry to a mount, or a message saying why it is not one. */
export function volumeMount(item: JsonValue, workingDir: string): VolumeMount | string {
  if (typeof item === "string") {
    if (item.trim() === "") return "volume entry is empty";
    const parts = splitVolumeSpec(item);
    if (parts.length === 1) {
      // compose-go: a one-part entry is an anonymous volume at that container path, which must be absolute.
      if (!item.startsWith("/"))
        return `"${item}": an anonymous volume needs an absolute container path; for a named volume write "${item}:/path/in/container"`;
      return { type: "volume", target: item, readOnly: false };
    }
    if (parts.length > 3) return `"${item}" is not a volume: expected [SOURCE:]TARGET[:MODE]`;
    const [source, target, mode] = parts as [string, string, string | undefined];
    if (target === "") return `"${item}" has no container path`;
    if (!target.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(target)) return `"${item}": the container path "${target}" must be absolute`;
    if (source === "") return `"${item}" has an empty source (compose: empty section between colons)`;
    const modes = (mode ?? "").split(",");
    const bind = isHostPath(source);
    return { type: bind ? "bind" : "volume", source: bind ? bindSourcePath(source, workingDir) : source, target, readOnly: modes.includes("ro") };
  }
  const obj = asObj(item);
  const type = String(obj.type ?? "volume") as VolumeMountType;
  const target = typeof obj.target === "string" ? obj.target : "";
  if (target === "") return `volume has no "target" (the container path)`;
  // compose-go: invalid mount config for type "bind": field Source must not be empty.
  if (type === "bind" && (typeof obj.source !== "string" || obj.source === "")) return `a bind mount needs a "source" (the host path)`;
  const source = typeof obj.source === "string" && obj.source !== "" ? (type === "bind" ? bindSourcePath(obj.source, workingDir) : obj.source) : undefined;
  const size = asObj(obj.tmpfs).size;
  const bytes = size === undefined ? undefined : parseBytes(size);
  return {
    type,
    ...(source !== undefined ? { source } : {}),
    target,
    readOnly: obj.read_only === true,
    ...(bytes?.ok ? { tmpfsSize: bytes.value } : {}),
  };
}

const CONDITIONS: readonly DependencyCondition[] = ["service_started", "service_healthy", "service_completed_successfully"];

function normaliseDependsOn(value: JsonValue | undefined): Dependency[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value))
    return stringList(value)
      .sort()
      .map((service) => ({ service, condition: "service_started" }));
  return Object.keys(asObj(value))
    .sort()
    .map((service) => {
      const spec = asObj(asObj(value)[service]);
      const condition = CONDITIONS.find((c) => c === spec.condition) ?? "service_started";
      return { service, condition };
    });
}

function normaliseHealthcheck(hc: Obj, path: ComposePath, problems: Problems): Healthcheck {
  const seconds = (key: string): number | undefined =>
    hc[key] === undefined || hc[key] === null ? undefined : problems.take([...path, key], parseDuration(hc[key]));
  const timing = {
    ...optional("intervalSeconds", seconds("interval")),
    ...optional("timeoutSeconds", seconds("timeout")),
    ...optional("startPeriodSeconds", seconds("start_period")),
    ...optional("retries", hc.retries === undefined || hc.retries === null ? undefined : wholeNumber(hc.retries, [...path, "retries"], problems)),
  };
  if (hc.disable === true) return { disabled: true, ...timing };
  const test = hc.test;
  if (test === undefined || test === null) return { disabled: false, ...timing };
  if (typeof test === "string") {
    // A string test runs through the shell (Compose spec: equivalent to ["CMD-SHELL", test]).
    return test.trim() === "" ? { disabled: false, ...timing } : { test: ["CMD-SHELL", test], disabled: false, ...timing };
  }
  const list = stringList(test);
  if (list[0] === "NONE") return { disabled: true, ...timing };
  if (list[0] !== "CMD" && list[0] !== "CMD-SHELL") {
    problems.error([...path, "test"], `a list test must start with "CMD", "CMD-SHELL" or "NONE", got ${JSON.stringify(list[0] ?? "")}`);
    return { disabled: false, ...timing };
  }
  return { test: list, disabled: false, ...timing };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function normaliseDeploy(svc: Obj, at: (...p: ComposePath) => ComposePath, problems: Problems): Deploy {
  const deploy = asObj(svc.deploy);
  const resources = asObj(deploy.resources);
  const limits = resourceSpec(asObj(resources.limits), at("deploy", "resources", "limits"), problems);
  const reservations = resourceSpec(asObj(resources.reservations), at("deploy", "resources", "reservations"), problems);
  // Service-level cpus / mem_limit / mem_reservation are the compose v2 spelling of the same limits.
  const legacyCpus = svc.cpus === undefined || svc.cpus === null ? undefined : problems.take(at("cpus"), parseCpus(svc.cpus));
  const legacyMemory = svc.mem_limit === undefined || svc.mem_limit === null ? undefined : problems.take(at("mem_limit"), parseBytes(svc.mem_limit));
  const legacyReservation =
    svc.mem_reservation === undefined || svc.mem_reservation === null ? undefined : problems.take(at("mem_reservation"), parseBytes(svc.mem_reservation));
  const update = asObj(deploy.update_config);
  const restart = asObj(deploy.restart_policy);
  const mode = deploy.mode === "global" || deploy.mode === "replicated-job" || deploy.mode === "global-job" ? deploy.mode : "replicated";
  const replicas =
    deploy.replicas !== undefined && deploy.replicas !== null
      ? wholeNumber(deploy.replicas, at("deploy", "replicas"), problems)
      : svc.scale !== undefined && svc.scale !== null
        ? wholeNumber(svc.scale, at("scale"), problems)
        : undefined;
  const updateConfig: UpdateConfig | undefined =
    deploy.update_config === undefined
      ? undefined
      : {
          ...optional(
            "parallelism",
            update.parallelism === undefined || update.parallelism === null
              ? undefined
              : wholeNumber(update.parallelism, at("deploy", "update_config", "parallelism"), problems),
          ),
          ...(update.order === "start-first" || update.order === "stop-first" ? { order: update.order } : {}),
          ...optional("failureAction", typeof update.failure_action === "string" ? update.failure_action : undefined),
        };
  const restartPolicy =
    deploy.restart_policy === undefined
      ? undefined
      : {
          ...optional("condition", typeof restart.condition === "string" ? restart.condition : undefined),
          ...optional(
            "maxAttempts",
            restart.max_attempts === undefined || restart.max_attempts === null
              ? undefined
              : wholeNumber(restart.max_attempts, at("deploy", "restart_policy", "max_attempts"), problems),
          ),
        };
  return {
    mode,
    ...optional("replicas", replicas),
    limits: { ...optional("cpus", limits.cpus ?? legacyCpus), ...optional("memoryBytes", limits.memoryBytes ?? legacyMemory) },
    reservations: { ...optional("cpus", reservations.cpus), ...optional("memoryBytes", reservations.memoryBytes ?? legacyReservation) },
    ...(updateConfig !== undefined ? { updateConfig } : {}),
    ...(restartPolicy !== undefined ? { restartPolicy } : {}),
  };
}

/**
 * Counts such as `replicas` may be written as strings (the schema allows it so that
 * `${REPLICAS:-2}` interpolates); compose-go rejects negatives with this wording.
 */
function wholeNumber(value: JsonValue, path: ComposePath, problems: Problems): number | undefined {
  const number = integer(value, path, problems);
  if (number === undefined) return undefined;
  if (number < 0) {
    problems.error(path, "must be greater than or equal to 0");
    return undefined;
  }
  return number;
}

/**
 * An integer written as a number or a string (the schema allows strings so that `${VAR}`
 * interpolates): anything else is an error at its location, never a silent default.
 */
function integer(value: JsonValue, path: ComposePath, problems: Problems): number | undefined {
  const number = typeof value === "number" ? value : typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) {
    problems.error(path, `must be a whole number, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return number;
}

function resourceSpec(spec: Obj, path: ComposePath, problems: Problems): ResourceSpec {
  const cpus = spec.cpus === undefined || spec.cpus === null ? undefined : problems.take([...path, "cpus"], parseCpus(spec.cpus));
  const memory = spec.memory === undefined || spec.memory === null ? undefined : problems.take([...path, "memory"], parseBytes(spec.memory));
  return { ...optional("cpus", cpus), ...optional("memoryBytes", memory) };
}

function fileReferences(value: JsonValue | undefined, defaultTarget: (source: string) => string, path: ComposePath, problems: Problems): FileReference[] {
  if (!Array.isArray(value)) return [];
  return (value as JsonValue[])
    .map((item, i) => {
      if (typeof item === "string") return { source: item, target: defaultTarget(item) };
      const obj = asObj(item);
      const source = String(obj.source ?? "");
      const id = (key: "uid" | "gid"): number | undefined => {
        const raw = obj[key];
        if (raw === undefined || raw === null) return undefined;
        const n = Number(raw);
        if (Number.isInteger(n) && n >= 0) return n;
        problems.error([...path, i, key], `must be a numeric ${key === "uid" ? "user" : "group"} id, got ${JSON.stringify(raw)}`);
        return undefined;
      };
      const uid = id("uid");
      const gid = id("gid");
      // Modes are octal: compose's YAML reader (go-yaml) reads `0440` as octal, where YAML 1.2 reads
      // 440; a number written with octal digits only is therefore taken as octal, as compose does.
      const rawMode = obj.mode;
      const modeText = rawMode === undefined || rawMode === null ? undefined : String(rawMode);
      const mode = modeText === undefined ? undefined : /^0?[0-7]{1,4}$/.test(modeText) ? parseInt(modeText, 8) : NaN;
      if (mode !== undefined && (!Number.isInteger(mode) || mode < 0 || mode > 0o7777))
        problems.error([...path, i, "mode"], `must be a file mode such as 0440, got ${JSON.stringify(rawMode)}`);
      return {
        source,
        target: typeof obj.target === "string" && obj.target !== "" ? obj.target : defaultTarget(source),
        ...(uid !== undefined ? { uid } : {}),
        ...(gid !== undefined ? { gid } : {}),
        ...(mode !== undefined && Number.isInteger(mode) && mode >= 0 && mode <= 0o7777 ? { mode } : {}),
      };
    })
    .sort((a, b) => (a.source === b.source ? (a.target < b.target ? -1 : 1) : a.source < b.source ? -1 : 1));
}

/** ECS's image reference grammar (RegisterTaskDefinition `image`): letters, digits and - _ . : / @ #, at most 255 characters. */
const IMAGE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9\-_.:/@#]*$/;

function checkImageReference(image: string, path: ComposePath, problems: Problems): void {
  if (IMAGE_REFERENCE.test(image) && image.length <= 255) return;
  problems.error(path, `"${image}" is not an image reference ECS can register (letters, digits and - _ . : / @ #, at most 255 characters)`);
}

function normaliseUlimits(ulimits: Obj, path: ComposePath, problems: Problems): Ulimit[] {
  const out: Ulimit[] = [];
  for (const name of Object.keys(ulimits).sort()) {
    const value = ulimits[name];
    if (typeof value === "number" || typeof value === "string") {
      const both = integer(value, [...path, name], problems);
      if (both !== undefined) out.push({ name, soft: both, hard: both });
      continue;
    }
    const obj = asObj(value);
    // -1 is "unlimited" (memlock: -1 in Elasticsearch's compose files), so negatives are allowed.
    const soft = integer(obj.soft ?? 0, [...path, name, "soft"], problems);
    const hard = integer(obj.hard ?? 0, [...path, name, "hard"], problems);
    if (soft !== undefined && hard !== undefined) out.push({ name, soft, hard });
  }
  return out;
}

function serviceNetworks(svc: Obj): string[] {
  if (svc.network_mode !== undefined && svc.network_mode !== null) return [];
  const names = stringList(svc.networks);
  return names.length === 0 ? ["default"] : names.sort();
}

function projectName(options: NormaliseOptions, plain: Obj): string {
  const raw = options.projectName ?? (typeof plain.name === "string" && plain.name !== "" ? plain.name : undefined) ?? baseName(options.projectDir);
  // compose-go NormalizeProjectName: lower case, only [a-z0-9_-], starting with a letter or digit.
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[^a-z0-9]+/, "");
}

function projectNameSource(options: NormaliseOptions, plain: Obj): NonNullable<ComposeProject["nameFrom"]> {
  if (options.projectName !== undefined) return "override";
  return typeof plain.name === "string" && plain.name !== "" ? "compose" : "folder";
}

function baseName(dir: string): string {
  const parts = dir.split(/[\\/]/).filter((p) => p !== "");
  return parts[parts.length - 1] ?? "compose";
}

function isExternal(value: JsonValue | undefined): boolean {
  return value === true || (value !== null && typeof value === "object" && !Array.isArray(value));
}

function normaliseLogging(logging: Obj): Logging {
  return {
    ...(typeof logging.driver === "string" ? { driver: logging.driver } : {}),
    options: stringMap(logging.options),
  };
}

/** The keys of `obj` other than `typed` and extensions, as written. */
function others(obj: Obj, typed: readonly string[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(obj).sort()) if (!typed.includes(key) && !key.startsWith("x-")) out[key] = obj[key] as JsonValue;
  return out;
}

function topVolumes(volumes: Obj): NamedVolume[] {
  return Object.keys(volumes)
    .sort()
    .map((name) => {
      const v = asObj(volumes[name]);
      return { name, external: isExternal(v.external), ...(typeof v.driver === "string" ? { driver: v.driver } : {}), unmodelled: others(v, ["external"]) };
    });
}

function topNetworks(networks: Obj, services: readonly ServiceModel[]): NamedNetwork[] {
  const names = new Set(Object.keys(networks));
  if (services.some((s) => s.networks.includes("default"))) names.add("default");
  return [...names].sort().map((name) => {
    const n = asObj(networks[name]);
    const securityGroup = networkSecurityGroup(networks[name]);
    return {
      name,
      external: isExternal(n.external),
      internal: n.internal === true,
      ...(securityGroup !== undefined ? { awsSecurityGroup: securityGroup } : {}),
      unmodelled: {
        ...others(n, ["external", "internal"]),
        ...(typeof asObj(n.external).name === "string" ? { "external.name": asObj(n.external).name as JsonValue } : {}),
      },
    };
  });
}

/**
 * A Secrets Manager secret ARN, full (`...:secret:name-AbCdEf`) or partial (`...:secret:name`):
 * partition, region, 12-digit account, then the secret name's characters. Anything else would
 * reach the execution role's policy as its resource (`"*"` granted every secret).
 */
export const SECRET_ARN = /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

/** The secret's `x-ecs.arn` when it is a Secrets Manager secret ARN; otherwise an error at it. */
function secretArn(value: JsonValue | undefined, path: ComposePath, problems: Problems): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    problems.error(path, `must be a Secrets Manager secret ARN, got ${JSON.stringify(value)}`);
    return undefined;
  }
  if (SECRET_ARN.test(value)) return value;
  const ssm = /^arn:[^:]*:ssm:/.test(value) ? "; SSM parameters are not supported (the execution role may only read Secrets Manager secrets)" : "";
  problems.error(path, `not a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME): ${JSON.stringify(value)}${ssm}`);
  return undefined;
}

function topSecrets(secrets: Obj, workingDir: string, problems: Problems): TopLevelSecret[] {
  return Object.keys(secrets)
    .sort()
    .map((name) => {
      const s = asObj(secrets[name]);
      const arn = secretArn(asObj(s["x-ecs"]).arn, ["secrets", name, "x-ecs", "arn"], problems);
      // compose `name:` (or the deprecated `external.name`) is the secret's real name: for an external one, the Secrets Manager name or ARN.
      const legacyName = asObj(s.external).name;
      const externalName = typeof s.name === "string" && s.name !== "" ? s.name : typeof legacyName === "string" && legacyName !== "" ? legacyName : undefined;
      return {
        name,
        ...(externalName !== undefined ? { externalName } : {}),
        ...(typeof s.file === "string" ? { file: modelPath(s.file, workingDir) } : {}),
        ...(typeof s.environment === "string" ? { environment: s.environment } : {}),
        external: isExternal(s.external) || typeof arn === "string",
        ...(typeof arn === "string" ? { externalArn: arn } : {}),
      };
    });
}

function topConfigs(configs: Obj, workingDir: string): TopLevelConfig[] {
  return Object.keys(configs)
    .sort()
    .map((name) => {
      const c = asObj(configs[name]);
      return {
        name,
        ...(typeof c.file === "string" ? { file: modelPath(c.file, workingDir) } : {}),
        ...(typeof c.content === "string" ? { content: c.content } : {}),
        external: isExternal(c.external),
      };
    });
}

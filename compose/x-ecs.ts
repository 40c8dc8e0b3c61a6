import { Path, SchemaProblem } from "../schema/problems";
import { ValidatedDocument } from "../schema/validated";
import { validateAgainst } from "../schema/validators";
import { readStatements } from "./iam";
import {
  AutoscalingConfig,
  EgressRule,
  JsonValue,
  NetworkAccess,
  PerPortSetting,
  PortLoadBalancerSetting,
  PortProtocolSetting,
  SecretVariableSource,
  ServiceOverride,
  TaskRoleConfig,
} from "./model";

/**
 * Per-service ECS settings: the `x-ecs` key of a compose service and the `services.<name>`
 * entries of an environment file are one shape, defined once in schema/environment.schema.json
 * (`$defs/serviceOverride`). The schema says which keys exist and what they take; this file
 * reads a checked value into the model and adds the rules a schema cannot state.
 * Problem paths are relative to the override itself.
 */

export interface ParsedOverride {
  readonly override: ServiceOverride;
  readonly problems: readonly SchemaProblem[];
}

/** Validates and reads one `x-ecs` value. */
export function parseServiceOverride(value: unknown): ParsedOverride {
  const schemaProblems = validateAgainst("serviceOverride", value);
  const read = readServiceOverride(new ValidatedDocument(value, schemaProblems), []);
  return { override: read.override, problems: [...schemaProblems, ...read.problems] };
}

/**
 * Reads the override at `at` of a document already checked against the schema (an environment
 * file checks its `services.<name>` entries as part of the whole file). Keys that broke a rule
 * are left out; the returned problems are the cross-field ones, with paths from the document root.
 */
export function readServiceOverride(doc: ValidatedDocument, at: Path): ParsedOverride {
  const problems: SchemaProblem[] = [];
  const result: { -readonly [K in keyof ServiceOverride]: ServiceOverride[K] } = {};
  const num = (key: string) => doc.number([...at, key]);
  const str = (key: string) => doc.string([...at, key]);
  const replicas = num("replicas");
  const cpu = num("cpu");
  const memory = num("memory");
  const path = str("path");
  const host = str("host");
  const healthCheckPath = str("healthCheckPath");
  const port = num("port");
  const isPublic = doc.boolean([...at, "public"]);
  if (replicas !== undefined) result.replicas = replicas;
  if (cpu !== undefined) result.cpu = cpu;
  if (memory !== undefined) result.memory = memory;
  if (path !== undefined) result.path = path;
  if (host !== undefined) result.host = host;
  if (healthCheckPath !== undefined) result.healthCheckPath = healthCheckPath;
  if (port !== undefined) result.port = port;
  if (isPublic !== undefined) result.public = isPublic;
  const stateful = doc.boolean([...at, "stateful"]);
  if (stateful !== undefined) result.stateful = stateful;
  if (doc.has([...at, "secretEnvironment"])) {
    const secretEnvironment = readSecretEnvironment(doc, [...at, "secretEnvironment"], problems);
    if (secretEnvironment !== undefined) result.secretEnvironment = secretEnvironment;
  }
  if (doc.has([...at, "taskRole"])) {
    const taskRole = readTaskRole(doc, [...at, "taskRole"], problems);
    if (taskRole !== undefined) result.taskRole = taskRole;
  }
  const access = str("access") as NetworkAccess | undefined;
  const protocol = readPerPort<PortProtocolSetting>(doc, [...at, "protocol"]);
  const loadBalancer = readPerPort<PortLoadBalancerSetting>(doc, [...at, "loadBalancer"]);
  const egress = readEgress(doc, [...at, "egress"], problems);
  if (access !== undefined) result.access = access;
  if (protocol !== undefined) result.protocol = protocol;
  if (loadBalancer !== undefined) result.loadBalancer = loadBalancer;
  if (egress !== undefined) result.egress = egress;
  if (doc.has([...at, "autoscaling"])) {
    const autoscaling = readAutoscaling(doc, [...at, "autoscaling"], problems);
    if (autoscaling !== undefined) result.autoscaling = autoscaling;
  }
  return { override: result, problems };
}

function readAutoscaling(doc: ValidatedDocument, at: Path, problems: SchemaProblem[]): AutoscalingConfig | undefined {
  const before = problems.length;
  const target = (key: string) => doc.has([...at, key]);
  if (doc.isMapping(at) && !target("cpu") && !target("memory") && !target("requests")) {
    problems.push({ path: at, message: "needs at least one target: cpu, memory (percent) or requests (per target)", atKey: false });
  }
  const min = doc.number([...at, "min"]);
  const max = doc.number([...at, "max"]);
  if (min !== undefined && max !== undefined && min > max) {
    problems.push({ path: [...at, "min"], message: `min (${min}) must not exceed max (${max})`, atKey: false });
  }
  // A partly valid autoscaling block would scale on other bounds than the user wrote: all or nothing.
  if (doc.value(at) === undefined || problems.length > before || min === undefined || max === undefined) return undefined;
  const cpu = doc.number([...at, "cpu"]);
  const memory = doc.number([...at, "memory"]);
  const requests = doc.number([...at, "requests"]);
  return {
    minCapacity: min,
    maxCapacity: max,
    ...(cpu !== undefined ? { targetCpuPercent: cpu } : {}),
    ...(memory !== undefined ? { targetMemoryPercent: memory } : {}),
    ...(requests !== undefined ? { targetRequestsPerTarget: requests } : {}),
  };
}

/** A string for every port, or a mapping by container port (the schema has checked the values). */
function readPerPort<T extends string>(doc: ValidatedDocument, at: Path): PerPortSetting<T> | undefined {
  const value = doc.value(at);
  if (typeof value === "string") return value as T;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const byPort: Record<number, T> = {};
  for (const [port, setting] of Object.entries(value as Readonly<Record<string, unknown>>)) byPort[Number(port)] = setting as T;
  return byPort;
}

/**
 * Egress rules, each read whole or left out: a rule with a broken port or CIDR would open
 * something other than what the user wrote.
 */
export function readEgress(doc: ValidatedDocument, at: Path, problems: SchemaProblem[]): EgressRule[] | undefined {
  if (!doc.has(at)) return undefined;
  const rules: EgressRule[] = [];
  for (let i = 0; i < doc.length(at); i += 1) {
    const ports = doc.value([...at, i, "ports"]);
    const cidrs = doc.strings([...at, i, "cidrs"]);
    if (doc.value([...at, i]) === undefined || !Array.isArray(ports) || cidrs === undefined) continue;
    const withHostBits = cidrs.map((cidr, j) => ({ cidr, j, network: networkOf(cidr) })).filter((c) => c.network !== c.cidr);
    for (const c of withHostBits)
      problems.push({ path: [...at, i, "cidrs", c.j], message: `host bits are set in ${JSON.stringify(c.cidr)}; the network is ${c.network}`, atKey: false });
    if (withHostBits.length > 0) continue;
    const protocol = doc.string([...at, i, "protocol"]) === "udp" ? "udp" : "tcp";
    rules.push({ ports: (ports as number[]).slice(), cidrs: [...cidrs], protocol });
  }
  return rules;
}

/** `10.1.2.3/16` -> `10.1.0.0/16` (the schema has checked the syntax). */
function networkOf(cidr: string): string {
  const [address = "", bits = "0"] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const value = address.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const start = Math.floor(value / size) * size;
  return `${[24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256).join(".")}/${bits}`;
}

function readSecretEnvironment(doc: ValidatedDocument, at: Path, problems: SchemaProblem[]): Readonly<Record<string, SecretVariableSource>> | undefined {
  const value = doc.value(at);
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const out: Record<string, SecretVariableSource> = {};
  for (const name of Object.keys(value).sort()) {
    const entry = doc.value([...at, name]) as JsonValue | undefined;
    if (entry === "secretsmanager" || entry === "ssm") {
      if (entry === "ssm") {
        problems.push({
          path: [...at, name],
          message: "an SSM parameter is not created here (Terraform would need its value): give the existing parameter, {from: ssm, name: /path/to/parameter}",
          atKey: false,
        });
        continue;
      }
      out[name] = { from: entry };
      continue;
    }
    const from = doc.value([...at, name, "from"]);
    const parameter = doc.string([...at, name, "name"]);
    if (from !== "secretsmanager" && from !== "ssm") continue;
    if (from === "ssm" && parameter === undefined) {
      problems.push({
        path: [...at, name],
        message: "an SSM parameter is not created here (Terraform would need its value): add name: /path/to/parameter (or its ARN)",
        atKey: false,
      });
      continue;
    }
    out[name] = { from, ...(parameter !== undefined ? { name: parameter } : {}) };
  }
  return out;
}

function readTaskRole(doc: ValidatedDocument, at: Path, problems: SchemaProblem[]): TaskRoleConfig | undefined {
  if (!doc.isMapping(at)) return undefined;
  const before = problems.length;
  const allowUnscopedWrites = doc.boolean([...at, "allowUnscopedWrites"]) === true;
  const policiesValue = doc.value([...at, "policies"]);
  const policies = Array.isArray(policiesValue) ? (policiesValue as unknown[]).filter((p): p is string => typeof p === "string") : undefined;
  let statements: TaskRoleConfig["statements"];
  if (doc.has([...at, "statements"])) {
    const read = readStatements(doc.value([...at, "statements"]) as JsonValue, allowUnscopedWrites);
    for (const p of read.problems) problems.push({ path: [...at, "statements", ...p.path], message: p.message, atKey: false });
    statements = read.statements;
  }
  // Half a set of permissions would make the task fail at run time in ways hard to trace: all or nothing.
  if (problems.length > before) return undefined;
  return {
    ...(policies !== undefined ? { policies } : {}),
    ...(statements !== undefined ? { statements } : {}),
    ...(allowUnscopedWrites ? { allowUnscopedWrites } : {}),
  };
}

/**
 * Later settings win key by key (x-ecs first, then the environment's override); the variables
 * of `secretEnvironment` merge one by one, so an environment can add to the file's list.
 */
export function mergeOverrides(...layers: readonly (ServiceOverride | undefined)[]): ServiceOverride {
  const present = layers.filter((l): l is ServiceOverride => l !== undefined);
  const merged = Object.assign({}, ...present) as ServiceOverride;
  const secretLayers = present.flatMap((l) => (l.secretEnvironment !== undefined ? [l.secretEnvironment] : []));
  return secretLayers.length > 1
    ? { ...merged, secretEnvironment: Object.assign({}, ...secretLayers) as Readonly<Record<string, SecretVariableSource>> }
    : merged;
}

import { isManagedPolicyArn, readStatements } from "./iam";
import { AwsAutoscaling, IamStatement, JsonValue, ProjectAwsKeys, ServiceAwsKeys } from "./model";

/**
 * The retired Docker ECS integration's compose extensions (`docker compose` with an ECS
 * context, compose-cli's ecs/ package): read into the model and checked here; what each
 * becomes on ECS is the planner's decision and the conversion report's text. Problem paths are
 * relative to the service (or the project root) and name the key as written.
 */

type Obj = Readonly<Record<string, JsonValue>>;

export interface AwsProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Top-level keys of the integration. */
export const PROJECT_AWS_KEYS = ["x-aws-cluster", "x-aws-vpc", "x-aws-loadbalancer", "x-aws-logs_retention", "x-aws-cloudformation"] as const;

const SECRET_ARN = /^arn:(aws|aws-cn|aws-us-gov):secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;

const asObj = (value: JsonValue | undefined): Obj | undefined =>
  value !== null && value !== undefined && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;

function wholeNumber(value: JsonValue | undefined): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

/**
 * The integration's keys on one service: `x-aws-role`, `x-aws-policies`,
 * `x-aws-pull_credentials`, `deploy.x-aws-autoscaling`, `deploy.update_config.x-aws-min_percent`
 * and `x-aws-max_percent`. `allowUnscopedWrites` is the service's `x-ecs` acceptance of write
 * actions on every resource, which `x-aws-role` statements need too.
 */
export function readServiceAws(svc: Obj, allowUnscopedWrites: boolean): { aws: ServiceAwsKeys; problems: AwsProblem[] } {
  const problems: AwsProblem[] = [];
  const unknown: string[] = [];
  let role: IamStatement[] | undefined;
  let policies: string[] | undefined;
  let pullCredentials: string | undefined;
  for (const key of Object.keys(svc).sort()) {
    if (!key.startsWith("x-aws-")) continue;
    const value = svc[key];
    if (key === "x-aws-role") {
      // A policy document (Version, Statement) as compose-cli took it; a bare statement list is read too.
      const doc = asObj(value);
      const statements = doc !== undefined && doc.Statement !== undefined ? doc.Statement : value;
      const read = readStatements(statements, allowUnscopedWrites);
      const base = doc !== undefined && doc.Statement !== undefined ? [key, "Statement"] : [key];
      for (const p of read.problems) problems.push({ path: [...base, ...p.path], message: p.message });
      if (read.problems.length === 0) role = read.statements;
    } else if (key === "x-aws-policies") {
      const list = Array.isArray(value) ? (value as JsonValue[]) : [];
      if (!Array.isArray(value)) problems.push({ path: [key], message: "must be a list of managed policy ARNs (arn:aws:iam::aws:policy/...)" });
      list.forEach((item, i) => {
        if (typeof item !== "string" || !isManagedPolicyArn(item))
          problems.push({ path: [key, i], message: `not a managed policy ARN (arn:aws:iam::<account or aws>:policy/<name>): ${JSON.stringify(item)}` });
      });
      if (problems.every((p) => p.path[0] !== key)) policies = [...new Set(list as string[])].sort();
    } else if (key === "x-aws-pull_credentials") {
      if (typeof value === "string" && SECRET_ARN.test(value)) pullCredentials = value;
      else
        problems.push({
          path: [key],
          message: `must be the ARN of a Secrets Manager secret holding {"username", "password"} (arn:aws:secretsmanager:<region>:<account>:secret:<name>), got ${JSON.stringify(value)}`,
        });
    } else {
      unknown.push(key);
    }
  }
  const deploy = asObj(svc.deploy) ?? {};
  const autoscaling = deploy["x-aws-autoscaling"] === undefined ? undefined : readAutoscaling(deploy["x-aws-autoscaling"], problems);
  for (const key of Object.keys(deploy).sort()) if (key.startsWith("x-aws-") && key !== "x-aws-autoscaling") unknown.push(`deploy.${key}`);
  const update = asObj(deploy.update_config) ?? {};
  const percent = (key: string, min: number, max: number): number | undefined => {
    const value = update[key];
    if (value === undefined) return undefined;
    const n = wholeNumber(value);
    if (n === undefined || n < min || n > max) {
      problems.push({ path: ["deploy", "update_config", key], message: `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}` });
      return undefined;
    }
    return n;
  };
  const minPercent = percent("x-aws-min_percent", 0, 100);
  const maxPercent = percent("x-aws-max_percent", 100, 200);
  if (minPercent !== undefined && maxPercent !== undefined && maxPercent <= minPercent) {
    problems.push({
      path: ["deploy", "update_config", "x-aws-max_percent"],
      message: `must be above x-aws-min_percent (${minPercent}): a deployment could never start a new task`,
    });
  }
  for (const key of Object.keys(update).sort())
    if (key.startsWith("x-aws-") && key !== "x-aws-min_percent" && key !== "x-aws-max_percent") unknown.push(`deploy.update_config.${key}`);
  return {
    aws: {
      ...(role !== undefined ? { role } : {}),
      ...(policies !== undefined ? { policies } : {}),
      ...(pullCredentials !== undefined ? { pullCredentials } : {}),
      ...(autoscaling !== undefined ? { autoscaling } : {}),
      ...(minPercent !== undefined ? { minPercent } : {}),
      ...(maxPercent !== undefined ? { maxPercent } : {}),
      unknown,
    },
    problems,
  };
}

/**
 * `x-aws-autoscaling: 75` (compose-cli's first form: a CPU target, 0 to 10 tasks) or
 * `{min, max, cpu | memory}` (max required, min 0 by default, one target).
 */
function readAutoscaling(value: JsonValue, problems: AwsProblem[]): AwsAutoscaling | undefined {
  const path = ["deploy", "x-aws-autoscaling"];
  const target = (v: JsonValue | undefined, key: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = wholeNumber(v);
    if (n === undefined || n < 1 || n > 100) {
      problems.push({ path: [...path, key], message: `a target utilisation is a whole percent from 1 to 100, got ${JSON.stringify(v)}` });
      return undefined;
    }
    return n;
  };
  if (typeof value === "number" || typeof value === "string") {
    const cpu = target(value, "");
    return cpu === undefined ? undefined : { min: 0, max: 10, cpu };
  }
  const obj = asObj(value);
  if (obj === undefined) {
    problems.push({ path, message: "must be a CPU target percent, or {min, max, cpu} / {min, max, memory}" });
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(obj))
    if (!["min", "max", "cpu", "memory"].includes(key)) problems.push({ path: [...path, key], message: "unknown key (allowed: min, max, cpu, memory)" });
  const max = wholeNumber(obj.max);
  if (max === undefined || max < 1)
    problems.push({
      path: [...path, "max"],
      message: obj.max === undefined ? "max is required (the most tasks)" : `must be a whole number of tasks, at least 1, got ${JSON.stringify(obj.max)}`,
    });
  const min = obj.min === undefined ? 0 : wholeNumber(obj.min);
  if (min === undefined) problems.push({ path: [...path, "min"], message: `must be a whole number of tasks, got ${JSON.stringify(obj.min)}` });
  if (min !== undefined && max !== undefined && min > max) problems.push({ path: [...path, "min"], message: `min (${min}) must not exceed max (${max})` });
  const cpu = target(obj.cpu, "cpu");
  const memory = target(obj.memory, "memory");
  if (obj.cpu !== undefined && obj.memory !== undefined)
    problems.push({ path, message: "cpu and memory targets exclude each other (as in the Docker ECS integration): keep one" });
  if (obj.cpu === undefined && obj.memory === undefined) problems.push({ path, message: "needs a target: cpu or memory (percent)" });
  if (problems.length > before || min === undefined || max === undefined) return undefined;
  return { min, max, ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) };
}

/** The integration's top-level keys. */
export function readProjectAws(plain: Obj): { aws: ProjectAwsKeys; problems: AwsProblem[] } {
  const problems: AwsProblem[] = [];
  const text = (key: string): string | undefined => {
    const value = plain[key];
    if (value === undefined) return undefined;
    if (typeof value === "string" && value.trim() !== "") return value.trim();
    problems.push({ path: [key], message: `must be a name, id or ARN, got ${JSON.stringify(value)}` });
    return undefined;
  };
  const cluster = text("x-aws-cluster");
  const vpc = text("x-aws-vpc");
  const loadBalancer = text("x-aws-loadbalancer");
  let logsRetention: number | undefined;
  if (plain["x-aws-logs_retention"] !== undefined) {
    logsRetention = wholeNumber(plain["x-aws-logs_retention"]);
    if (logsRetention === undefined || logsRetention < 1) {
      problems.push({ path: ["x-aws-logs_retention"], message: `must be a number of days, got ${JSON.stringify(plain["x-aws-logs_retention"])}` });
      logsRetention = undefined;
    }
  }
  const unknown = Object.keys(plain)
    .filter((k) => k.startsWith("x-aws-") && !(PROJECT_AWS_KEYS as readonly string[]).includes(k))
    .sort();
  return {
    aws: {
      ...(cluster !== undefined ? { cluster } : {}),
      ...(vpc !== undefined ? { vpc } : {}),
      ...(loadBalancer !== undefined ? { loadBalancer } : {}),
      ...(logsRetention !== undefined ? { logsRetention } : {}),
      cloudFormation: plain["x-aws-cloudformation"] !== undefined,
      unknown,
    },
    problems,
  };
}

/** A port's `x-aws-protocol`, lower-cased (tcp, udp, http, https), or undefined. */
export function portAwsProtocol(item: JsonValue): string | undefined {
  const value = asObj(item)?.["x-aws-protocol"];
  return typeof value === "string" && value !== "" ? value.toLowerCase() : undefined;
}

/** A network's `x-aws-securitygroup`. */
export function networkSecurityGroup(network: JsonValue | undefined): string | undefined {
  const value = asObj(network)?.["x-aws-securitygroup"];
  return typeof value === "string" && value !== "" ? value : undefined;
}

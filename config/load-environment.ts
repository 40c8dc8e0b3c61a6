import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument } from "yaml";
import { Diagnostic, ServiceOverride, SourceLocation } from "../compose/model";
import { DEFAULT_CLOUD_STATE, DEFAULT_EC2_CAPACITY, DEFAULT_LOCAL_STATE, DEFAULT_S3_STATE, defaultEnvironment } from "./defaults";
import {
  CapacityConfig,
  Ec2CapacityConfig,
  EnvironmentConfig,
  LoadBalancerConfig,
  NetworkConfig,
  PlacementMode,
  StateBackendConfig,
} from "./environment-model";
import { parseServiceOverride } from "../compose/x-ecs";

/**
 * Loads `<projectDir>/environments/<name>.yml`: YAML with source positions, every key
 * validated (unknown keys are errors), defaults from config/defaults.ts applied once.
 * All problems of a file are reported in one run, each with file, line, column and key path.
 */

export interface LoadedEnvironment {
  readonly env?: EnvironmentConfig;
  readonly diagnostics: Diagnostic[];
}

/** The environment name from `--env`, else COMPOSE2ECS_ENV; undefined when neither is set. */
export function environmentNameFrom(flag: string | undefined, envVars: NodeJS.ProcessEnv): string | undefined {
  const name = flag ?? envVars.COMPOSE2ECS_ENV;
  return name === undefined || name.trim() === "" ? undefined : name.trim();
}

/** Environment names become parts of AWS names, stack names and state keys: short and DNS-safe. */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z](?:[a-z0-9]|-(?!-)){0,14}[a-z0-9]$/;
export const MAX_ENVIRONMENT_NAME_LENGTH = 16;

const ENVIRONMENTS_DIR = "environments";

/** The environment files in `<projectDir>/environments`, by name. */
export function listEnvironments(projectDir: string): readonly string[] {
  let names: string[];
  try {
    names = readdirSync(join(projectDir, ENVIRONMENTS_DIR));
  } catch {
    return [];
  }
  const envs = names.filter((n) => /\.ya?ml$/.test(n)).map((n) => n.replace(/\.ya?ml$/, ""));
  return [...new Set(envs)].sort();
}

export function loadEnvironment(name: string, projectDir: string): { env?: EnvironmentConfig; diagnostics: Diagnostic[] } {
  if (!ENVIRONMENT_NAME_PATTERN.test(name)) {
    return {
      diagnostics: [
        fileProblem(
          `environment name "${name}" is not valid: it becomes part of AWS names, so use 2-${MAX_ENVIRONMENT_NAME_LENGTH} characters, ` +
            "lower-case letters, digits and single dashes, starting with a letter",
        ),
      ],
    };
  }
  const candidates = [`${name}.yml`, `${name}.yaml`].map((f) => join(projectDir, ENVIRONMENTS_DIR, f)).filter((f) => existsSync(f));
  if (candidates.length === 0) {
    const known = listEnvironments(projectDir);
    const where = join(projectDir, ENVIRONMENTS_DIR);
    return {
      diagnostics: [
        fileProblem(
          `environment "${name}" not found: there is no ${ENVIRONMENTS_DIR}/${name}.yml in ${projectDir}` +
            (known.length > 0 ? ` (environments: ${known.join(", ")})` : ` (${where} has no environment files)`),
        ),
      ],
    };
  }
  if (candidates.length > 1) {
    return { diagnostics: [fileProblem(`environment "${name}" is defined twice: ${candidates.map(displayPath).join(" and ")}; keep one`)] };
  }
  const file = candidates[0];
  return parseEnvironment(name, readFileSync(file, "utf8"), displayPath(file));
}

/** Parses and validates the text of an environment file; `file` is used in messages only. */
export function parseEnvironment(name: string, text: string, file: string): LoadedEnvironment {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const ctx = new Checker(file, doc, lineCounter);
  for (const error of doc.errors) {
    ctx.problem(undefined, `invalid YAML: ${error.message.split("\n")[0]}`, lineCounter.linePos(error.pos[0]));
  }
  if (ctx.hasErrors()) return { diagnostics: ctx.diagnostics };
  const root: unknown = doc.toJS();
  if (root !== null && root !== undefined && !isRecord(root)) {
    ctx.error([], "an environment file must be a mapping of settings (region, network, loadBalancer, ...)");
    return { diagnostics: ctx.diagnostics };
  }
  const env = buildEnvironment(name, file, isRecord(root) ? root : {}, ctx);
  return ctx.hasErrors() ? { diagnostics: ctx.diagnostics } : { env, diagnostics: ctx.diagnostics };
}

const TOP_LEVEL_KEYS = [
  "region",
  "aws",
  "compose",
  "profiles",
  "branches",
  "network",
  "capacity",
  "loadBalancer",
  "placement",
  "services",
  "tags",
  "state",
  "logRetentionDays",
  "deregistrationDelaySeconds",
  "imageTag",
] as const;

function buildEnvironment(name: string, file: string, root: Record<string, unknown>, c: Checker): EnvironmentConfig {
  // `x-` keys are free for YAML anchors, as in compose files.
  c.keys(root, [], [...TOP_LEVEL_KEYS], (key) => key.startsWith("x-"));
  const aws = root.aws === undefined ? {} : c.mapping(root.aws, ["aws"], ["region", "endpoint"]) ?? {};
  const region = regionOf(root, aws, c);
  const branches = root.branches === undefined ? false : c.boolean(root.branches, ["branches"]) ?? false;
  const base = defaultEnvironment(name, branches, region);
  const endpoint = aws.endpoint === undefined ? undefined : c.url(aws.endpoint, ["aws", "endpoint"]);
  return {
    ...base,
    name,
    file,
    aws: endpoint === undefined ? { region } : { region, endpoint },
    composeFiles: root.compose === undefined ? base.composeFiles : composeFiles(root.compose, c),
    profiles: root.profiles === undefined ? base.profiles : c.stringList(root.profiles, ["profiles"], PROFILE, "a profile name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)"),
    branches,
    network: root.network === undefined ? base.network : network(root.network, region, base.network, c),
    capacity: root.capacity === undefined ? base.capacity : capacity(root.capacity, base.capacity, c),
    loadBalancer: root.loadBalancer === undefined ? base.loadBalancer : loadBalancer(root.loadBalancer, region, base.loadBalancer, c),
    placement: root.placement === undefined ? base.placement : (c.oneOf(root.placement, ["placement"], PLACEMENTS) ?? base.placement),
    services: root.services === undefined ? base.services : services(root.services, c),
    tags: root.tags === undefined ? base.tags : tags(root.tags, c),
    state: root.state === undefined ? base.state : state(root.state, region, c),
    logRetentionDays:
      root.logRetentionDays === undefined
        ? base.logRetentionDays
        : (c.oneOf(root.logRetentionDays, ["logRetentionDays"], LOG_RETENTION_DAYS) ?? base.logRetentionDays),
    deregistrationDelaySeconds:
      root.deregistrationDelaySeconds === undefined
        ? base.deregistrationDelaySeconds
        : (c.integer(root.deregistrationDelaySeconds, ["deregistrationDelaySeconds"], 0, 3600) ?? base.deregistrationDelaySeconds),
    imageTag: root.imageTag === undefined ? base.imageTag : (c.string(root.imageTag, ["imageTag"], IMAGE_TAG, "a Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128 characters)") ?? base.imageTag),
  };
}

// --- value rules -----------------------------------------------------------------------------

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const PROFILE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Docker image tag grammar (the distribution spec): also used for --image-tag. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const DOMAIN = /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const SSM_PARAMETER = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;
const SSL_POLICY = /^ELBSecurityPolicy-[A-Za-z0-9-]+$/;
const S3_BUCKET = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const S3_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
const DYNAMODB_TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const KMS_KEY = /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|alias\/[A-Za-z0-9/_-]+)$/;
const CLOUD_NAME = /^[A-Za-z0-9_-]{1,40}$/;
const CLOUD_PROJECT = /^[A-Za-z0-9 _-]{3,40}$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const NAT_MODES = ["none", "single", "per-az"] as const;
const CAPACITY_KINDS = ["fargate", "fargate-spot", "ec2"] as const;
const PLACEMENTS: readonly PlacementMode[] = ["per-service", "single-task"];
/** The values CloudWatch Logs accepts for retentionInDays (PutRetentionPolicy). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** AWS allows 50 tags per resource; compose2ecs adds up to 6 of its own (managed-by, environment, stack, service, branch, Name). */
export const MAX_USER_TAGS = 44;
/** Tag keys compose2ecs sets itself: a file may not set them. */
const RESERVED_TAG_KEYS = /^(managed-by|Name|compose2ecs:.*)$/;

function regionOf(root: Record<string, unknown>, aws: Record<string, unknown>, c: Checker): string {
  const fallback = defaultEnvironment("x").aws.region;
  const top = root.region === undefined ? undefined : c.string(root.region, ["region"], REGION, "an AWS region such as eu-west-1");
  const nested = aws.region === undefined ? undefined : c.string(aws.region, ["aws", "region"], REGION, "an AWS region such as eu-west-1");
  if (top !== undefined && nested !== undefined && top !== nested) {
    c.error(["aws", "region"], `conflicts with region: ${top}; set the region once`);
  }
  return top ?? nested ?? fallback;
}

function composeFiles(value: unknown, c: Checker): readonly string[] {
  if (typeof value === "string") return [value];
  return c.stringList(value, ["compose"], /^[^\0]+$/, "a compose file path");
}

function network(value: unknown, region: string, fallback: NetworkConfig, c: Checker): NetworkConfig {
  const newKeys = ["cidr", "azs", "nat", "flowLogs"];
  const existingKeys = ["vpcId", "publicSubnetIds", "privateSubnetIds"];
  const v = c.mapping(value, ["network"], [...newKeys, ...existingKeys]);
  if (v === undefined) return fallback;
  const usesExisting = existingKeys.some((k) => v[k] !== undefined);
  if (usesExisting) {
    for (const key of newKeys.filter((k) => v[k] !== undefined)) {
      c.error(["network", key], "cannot be combined with vpcId/publicSubnetIds/privateSubnetIds (an existing network is used as it is)", "key");
    }
    for (const key of existingKeys.filter((k) => v[k] === undefined)) {
      c.error(["network"], `${key} is required when using an existing network (vpcId, publicSubnetIds and privateSubnetIds go together)`, "key");
    }
    // An ALB needs subnets in at least two availability zones.
    const subnets = (key: string) =>
      v[key] === undefined ? [] : c.stringList(v[key], ["network", key], SUBNET_ID, "a subnet id (subnet-0123abcd)", { min: 2, max: 16, unique: true });
    return {
      kind: "existing",
      vpcId: (v.vpcId === undefined ? undefined : c.string(v.vpcId, ["network", "vpcId"], VPC_ID, "a VPC id (vpc-0123abcd)")) ?? "",
      publicSubnetIds: subnets("publicSubnetIds"),
      privateSubnetIds: subnets("privateSubnetIds"),
    };
  }
  const base = fallback.kind === "new" ? fallback : defaultEnvironment("x", false, region).network;
  if (base.kind !== "new") return fallback;
  const azs =
    v.azs === undefined
      ? base.azs
      : c.stringList(v.azs, ["network", "azs"], new RegExp(`^${escapeRegExp(region)}[a-z]$`), `an availability zone of ${region} (${region}a, ${region}b, ...)`, {
          min: 2,
          max: 3,
          unique: true,
        });
  return {
    kind: "new",
    cidr: v.cidr === undefined ? base.cidr : (c.cidr(v.cidr, ["network", "cidr"], { minPrefix: 16, maxPrefix: 24 }) ?? base.cidr),
    azs,
    nat: v.nat === undefined ? base.nat : (c.oneOf(v.nat, ["network", "nat"], NAT_MODES) ?? base.nat),
    flowLogs: v.flowLogs === undefined ? base.flowLogs : (c.boolean(v.flowLogs, ["network", "flowLogs"]) ?? base.flowLogs),
  };
}

function capacity(value: unknown, fallback: CapacityConfig, c: Checker): CapacityConfig {
  const v = c.mapping(value, ["capacity"], ["kind", "containerInsights", "ec2"]);
  if (v === undefined) return fallback;
  const kind = v.kind === undefined ? fallback.kind : (c.oneOf(v.kind, ["capacity", "kind"], CAPACITY_KINDS) ?? fallback.kind);
  const containerInsights =
    v.containerInsights === undefined ? fallback.containerInsights : (c.boolean(v.containerInsights, ["capacity", "containerInsights"]) ?? fallback.containerInsights);
  if (kind !== "ec2") {
    if (v.ec2 !== undefined) c.error(["capacity", "ec2"], `only applies when capacity.kind is ec2 (it is ${kind})`, "key");
    return { kind, containerInsights };
  }
  return { kind, containerInsights, ec2: ec2Capacity(v.ec2, c) };
}

function ec2Capacity(value: unknown, c: Checker): Ec2CapacityConfig {
  const path = ["capacity", "ec2"];
  const v = value === undefined ? {} : (c.mapping(value, path, ["instanceType", "desiredSize", "minSize", "maxSize", "amiSsmParameter"]) ?? {});
  const d = DEFAULT_EC2_CAPACITY;
  const size = (key: string, def: number) => (v[key] === undefined ? def : (c.integer(v[key], [...path, key], 0, 1000) ?? def));
  const result: Ec2CapacityConfig = {
    instanceType: v.instanceType === undefined ? d.instanceType : (c.string(v.instanceType, [...path, "instanceType"], INSTANCE_TYPE, "an EC2 instance type such as t3.small") ?? d.instanceType),
    desiredSize: size("desiredSize", d.desiredSize),
    minSize: size("minSize", d.minSize),
    maxSize: size("maxSize", d.maxSize),
    amiSsmParameter:
      v.amiSsmParameter === undefined
        ? d.amiSsmParameter
        : (c.string(v.amiSsmParameter, [...path, "amiSsmParameter"], SSM_PARAMETER, "an SSM parameter name starting with /") ?? d.amiSsmParameter),
  };
  if (result.minSize > result.maxSize) c.error([...path, "minSize"], `must not exceed maxSize (${result.maxSize}), got ${result.minSize}`);
  else if (result.desiredSize < result.minSize || result.desiredSize > result.maxSize) {
    c.error([...path, "desiredSize"], `must be between minSize (${result.minSize}) and maxSize (${result.maxSize}), got ${result.desiredSize}`);
  }
  return result;
}

function loadBalancer(value: unknown, region: string, fallback: LoadBalancerConfig, c: Checker): LoadBalancerConfig {
  const p = "loadBalancer";
  const v = c.mapping(value, [p], [
    "internal",
    "allowedCidrs",
    "certificateArn",
    "sslPolicy",
    "domain",
    "idleTimeoutSeconds",
    "accessLogsBucket",
    "deletionProtection",
    "wafAclArn",
  ]);
  if (v === undefined) return fallback;
  const allowedCidrs =
    v.allowedCidrs === undefined
      ? fallback.allowedCidrs
      : c.list(v.allowedCidrs, [p, "allowedCidrs"], { min: 1, max: 60, unique: true }).flatMap((item, i) => {
          const cidr = c.cidr(item, [p, "allowedCidrs", i], { minPrefix: 0, maxPrefix: 32 });
          return cidr === undefined ? [] : [cidr];
        });
  const arn = (key: string, service: string, resource: RegExp, example: string) =>
    v[key] === undefined ? undefined : c.arn(v[key], [p, key], service, region, resource, example);
  const certificateArn = arn("certificateArn", "acm", /^certificate\/[0-9a-f-]{36}$/, "certificate/<uuid>");
  const wafAclArn = arn("wafAclArn", "wafv2", /^regional\/webacl\/[A-Za-z0-9_-]{1,128}\/[0-9a-f-]{36}$/, "regional/webacl/<name>/<id>");
  const domain = v.domain === undefined ? undefined : c.string(v.domain, [p, "domain"], DOMAIN, "a lower-case DNS domain such as qa.example.com");
  const accessLogsBucket =
    v.accessLogsBucket === undefined ? undefined : c.string(v.accessLogsBucket, [p, "accessLogsBucket"], S3_BUCKET, "an S3 bucket name");
  return {
    internal: v.internal === undefined ? fallback.internal : (c.boolean(v.internal, [p, "internal"]) ?? fallback.internal),
    allowedCidrs,
    ...(certificateArn !== undefined ? { certificateArn } : {}),
    sslPolicy: v.sslPolicy === undefined ? fallback.sslPolicy : (c.string(v.sslPolicy, [p, "sslPolicy"], SSL_POLICY, "an ELB security policy name (ELBSecurityPolicy-...)") ?? fallback.sslPolicy),
    ...(domain !== undefined ? { domain } : {}),
    idleTimeoutSeconds:
      v.idleTimeoutSeconds === undefined ? fallback.idleTimeoutSeconds : (c.integer(v.idleTimeoutSeconds, [p, "idleTimeoutSeconds"], 1, 4000) ?? fallback.idleTimeoutSeconds),
    ...(accessLogsBucket !== undefined ? { accessLogsBucket } : {}),
    deletionProtection:
      v.deletionProtection === undefined ? fallback.deletionProtection : (c.boolean(v.deletionProtection, [p, "deletionProtection"]) ?? fallback.deletionProtection),
    ...(wafAclArn !== undefined ? { wafAclArn } : {}),
  };
}

function services(value: unknown, c: Checker): Readonly<Record<string, ServiceOverride>> {
  const v = c.mapping(value, ["services"], undefined);
  if (v === undefined) return {};
  const result: Record<string, ServiceOverride> = {};
  for (const name of Object.keys(v).sort()) {
    if (!SERVICE_NAME.test(name)) {
      c.error(["services", name], "is not a compose service name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)", "key");
      continue;
    }
    const parsed = parseServiceOverride(v[name], `services.${name}`);
    for (const problem of parsed.problems) c.error(overridePath(name, problem.path), problem.message, problem.message.startsWith("unknown key") ? "key" : "value");
    result[name] = parsed.override;
  }
  return result;
}

/** parseServiceOverride reports dotted paths; service names may contain dots, so the prefix is cut off first. */
function overridePath(service: string, path: string): Segment[] {
  const prefix = `services.${service}`;
  const rest = path.startsWith(prefix) ? path.slice(prefix.length).replace(/^\./, "") : "";
  return ["services", service, ...(rest === "" ? [] : rest.split("."))];
}

function tags(value: unknown, c: Checker): Readonly<Record<string, string>> {
  const v = c.mapping(value, ["tags"], undefined);
  if (v === undefined) return {};
  const keys = Object.keys(v).sort();
  if (keys.length > MAX_USER_TAGS) {
    c.error(["tags"], `has ${keys.length} tags; AWS allows 50 per resource and compose2ecs adds up to 6, so at most ${MAX_USER_TAGS}`, "key");
  }
  const result: Record<string, string> = {};
  for (const key of keys) {
    const path = ["tags", key];
    if (key.length < 1 || key.length > 128 || !TAG_TEXT.test(key)) {
      c.error(path, "a tag key is 1-128 letters, digits, spaces and _.:/=+-@", "key");
    } else if (key.toLowerCase().startsWith("aws:")) {
      c.error(path, 'the "aws:" prefix is reserved for AWS', "key");
    } else if (RESERVED_TAG_KEYS.test(key)) {
      c.error(path, "is set by compose2ecs itself (managed-by, Name and compose2ecs:* tags)", "key");
    }
    const val = v[key];
    if (typeof val !== "string") {
      c.error(path, `a tag value must be a string; quote it ("${String(val)}")`);
      continue;
    }
    if (val.length > 256 || !TAG_TEXT.test(val)) c.error(path, "a tag value is at most 256 letters, digits, spaces and _.:/=+-@");
    else result[key] = val;
  }
  return result;
}

function state(value: unknown, region: string, c: Checker): StateBackendConfig {
  const p = "state";
  const raw = c.mapping(value, [p], undefined);
  const fallback: StateBackendConfig = { kind: "local", ...DEFAULT_LOCAL_STATE };
  if (raw === undefined) return fallback;
  const backend = raw.backend === undefined ? "local" : c.oneOf(raw.backend, [p, "backend"], ["local", "s3", "cloud"] as const);
  switch (backend) {
    case undefined:
      return fallback;
    case "local": {
      const v = c.mapping(value, [p], ["backend", "dir"]) ?? {};
      const dir = v.dir === undefined ? DEFAULT_LOCAL_STATE.dir : (c.string(v.dir, [p, "dir"], /^[^\0]+$/, "a folder path") ?? DEFAULT_LOCAL_STATE.dir);
      return { kind: "local", dir };
    }
    case "s3": {
      const v = c.mapping(value, [p], ["backend", "bucket", "region", "prefix", "dynamodbTable", "kmsKeyId"]) ?? {};
      if (v.bucket === undefined) c.error([p], "bucket is required for the s3 backend", "key");
      const bucket = v.bucket === undefined ? undefined : c.string(v.bucket, [p, "bucket"], S3_BUCKET, "an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)");
      const dynamodbTable = v.dynamodbTable === undefined ? undefined : c.string(v.dynamodbTable, [p, "dynamodbTable"], DYNAMODB_TABLE, "a DynamoDB table name");
      const kmsKeyId = v.kmsKeyId === undefined ? undefined : c.string(v.kmsKeyId, [p, "kmsKeyId"], KMS_KEY, "a KMS key id, key ARN or alias");
      return {
        kind: "s3",
        bucket: bucket ?? "",
        region: v.region === undefined ? region : (c.string(v.region, [p, "region"], REGION, "an AWS region such as eu-west-1") ?? region),
        prefix: v.prefix === undefined ? DEFAULT_S3_STATE.prefix : (c.string(v.prefix, [p, "prefix"], S3_PREFIX, "an S3 key prefix without leading or trailing /") ?? DEFAULT_S3_STATE.prefix),
        ...(dynamodbTable !== undefined ? { dynamodbTable } : {}),
        ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
      };
    }
    case "cloud": {
      const v = c.mapping(value, [p], ["backend", "organization", "hostname", "workspacePrefix", "project", "tags"]) ?? {};
      if (v.tags !== undefined) {
        c.error([p, "tags"], "Terraform's cloud block selects a workspace by name or by tags, not both, and compose2ecs names one workspace per branch; group the workspaces with project instead", "key");
      }
      if (v.organization === undefined) c.error([p], "organization is required for the cloud backend", "key");
      const project = v.project === undefined ? undefined : c.string(v.project, [p, "project"], CLOUD_PROJECT, "an HCP Terraform project name (letters, digits, spaces, _ and -; at most 40)");
      const organization = v.organization === undefined ? undefined : c.string(v.organization, [p, "organization"], CLOUD_NAME, "an HCP Terraform organization name");
      return {
        kind: "cloud",
        organization: organization ?? "",
        hostname: v.hostname === undefined ? DEFAULT_CLOUD_STATE.hostname : (c.string(v.hostname, [p, "hostname"], DOMAIN, "a host name such as app.terraform.io") ?? DEFAULT_CLOUD_STATE.hostname),
        workspacePrefix:
          v.workspacePrefix === undefined
            ? DEFAULT_CLOUD_STATE.workspacePrefix
            : (c.string(v.workspacePrefix, [p, "workspacePrefix"], CLOUD_NAME, "letters, digits, _ and - (at most 40)") ?? DEFAULT_CLOUD_STATE.workspacePrefix),
        tags: DEFAULT_CLOUD_STATE.tags,
        ...(project !== undefined ? { project } : {}),
      };
    }
  }
}

// --- the checker: typed reads that record problems with their source position ------------------

type Segment = string | number;

interface ListRules {
  readonly min?: number;
  readonly max?: number;
  readonly unique?: boolean;
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === "error");
  }

  problem(path: readonly Segment[] | undefined, message: string, pos?: { line: number; col: number }): void {
    const location: SourceLocation = { file: this.file, line: pos?.line ?? 1, col: pos?.col ?? 1 };
    this.diagnostics.push({ severity: "error", path: path === undefined ? "" : pathString(path), message, location });
  }

  /** Records an error at `path`, positioned on the key or on the value. */
  error(path: readonly Segment[], message: string, at: "key" | "value" = "value"): void {
    this.problem(path, message, this.position(path, at));
  }

  /** Checks that `value` is a mapping whose keys are all in `allowed` (any key when undefined). */
  mapping(value: unknown, path: readonly Segment[], allowed: readonly string[] | undefined): Record<string, unknown> | undefined {
    if (!isRecord(value)) {
      this.error(path, `must be a mapping${allowed ? ` with keys ${allowed.join(", ")}` : ""}, got ${describe(value)}`);
      return undefined;
    }
    if (allowed !== undefined) this.keys(value, path, allowed, () => false);
    return value;
  }

  keys(value: Record<string, unknown>, path: readonly Segment[], allowed: readonly string[], ignored: (key: string) => boolean): void {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key) || ignored(key)) continue;
      const hint = closest(key, allowed);
      this.error([...path, key], `unknown key${hint ? ` (did you mean ${hint}?)` : ""}; allowed: ${allowed.join(", ")}`, "key");
    }
  }

  string(value: unknown, path: readonly Segment[], pattern: RegExp, what: string): string | undefined {
    if (typeof value !== "string") {
      this.error(path, `must be ${what}, got ${describe(value)}`);
      return undefined;
    }
    if (!pattern.test(value)) {
      this.error(path, `not ${what}: ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  }

  boolean(value: unknown, path: readonly Segment[]): boolean | undefined {
    if (typeof value === "boolean") return value;
    this.error(path, `must be true or false, got ${describe(value)}`);
    return undefined;
  }

  integer(value: unknown, path: readonly Segment[], min: number, max: number): number | undefined {
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.error(path, `must be a whole number between ${min} and ${max}, got ${describe(value)}`);
      return undefined;
    }
    if (value < min || value > max) {
      this.error(path, `must be between ${min} and ${max}, got ${value}`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string | number>(value: unknown, path: readonly Segment[], allowed: readonly T[]): T | undefined {
    const found = allowed.find((a) => a === value);
    if (found === undefined) this.error(path, `must be one of ${allowed.join(", ")}, got ${describe(value)}`);
    return found;
  }

  list(value: unknown, path: readonly Segment[], rules: ListRules = {}): readonly unknown[] {
    if (!Array.isArray(value)) {
      this.error(path, `must be a list, got ${describe(value)}`);
      return [];
    }
    if (rules.min !== undefined && value.length < rules.min) this.error(path, `needs at least ${rules.min} item${rules.min === 1 ? "" : "s"}, got ${value.length}`);
    if (rules.max !== undefined && value.length > rules.max) this.error(path, `allows at most ${rules.max} items, got ${value.length}`);
    if (rules.unique) {
      value.forEach((item, i) => {
        if (value.indexOf(item) !== i) this.error([...path, i], `duplicates item ${value.indexOf(item)} (${JSON.stringify(item)})`);
      });
    }
    return value;
  }

  stringList(value: unknown, path: readonly Segment[], pattern: RegExp, what: string, rules: ListRules = {}): readonly string[] {
    return this.list(value, path, rules).flatMap((item, i) => {
      const s = this.string(item, [...path, i], pattern, what);
      return s === undefined ? [] : [s];
    });
  }

  url(value: unknown, path: readonly Segment[]): string | undefined {
    const text = this.string(value, path, /^https?:\/\/\S+$/, "an http(s) URL such as http://127.0.0.1:5000");
    if (text === undefined) return undefined;
    try {
      new URL(text);
      return text;
    } catch {
      this.error(path, `not a URL: ${JSON.stringify(text)}`);
      return undefined;
    }
  }

  /** An IPv4 CIDR in network form (security-group and VPC CIDRs must have the host bits zero). */
  cidr(value: unknown, path: readonly Segment[], prefix: { minPrefix: number; maxPrefix: number }): string | undefined {
    if (typeof value !== "string") {
      this.error(path, `not a CIDR: ${describe(value)} (write it as a string such as 10.0.0.0/16)`);
      return undefined;
    }
    const parsed = parseCidr(value);
    if (parsed === undefined) {
      const ipv6 = value.includes(":") ? " (IPv6 is not supported: the load balancer and VPC are IPv4)" : "";
      this.error(path, `not a CIDR: ${JSON.stringify(value)}${ipv6}`);
      return undefined;
    }
    if (parsed.prefix < prefix.minPrefix || parsed.prefix > prefix.maxPrefix) {
      this.error(path, `prefix length must be /${prefix.minPrefix} to /${prefix.maxPrefix}, got ${JSON.stringify(value)}`);
      return undefined;
    }
    if (parsed.network !== value) {
      this.error(path, `host bits are set in ${JSON.stringify(value)}; the network is ${parsed.network}`);
      return undefined;
    }
    return value;
  }

  arn(value: unknown, path: readonly Segment[], service: string, region: string, resource: RegExp, example: string): string | undefined {
    const pattern = /^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]*):(\d{12}):(.+)$/;
    const text = typeof value === "string" ? value : undefined;
    const m = text === undefined ? null : pattern.exec(text);
    if (text === undefined || m === null || m[2] !== service || !resource.test(m[5])) {
      this.error(path, `not an ${service} ARN (arn:aws:${service}:${region}:<account>:${example}): ${describe(value)}`);
      return undefined;
    }
    if (m[3] !== region) {
      this.error(path, `is in region ${m[3] || "(none)"} but the environment is in ${region}; a load balancer can only use resources of its own region`);
      return undefined;
    }
    return text;
  }

  private position(path: readonly Segment[], at: "key" | "value"): { line: number; col: number } | undefined {
    const node = nodeAt(this.doc.contents, path, at);
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : this.lineCounter.linePos(offset);
  }
}

/** The YAML node at `path` (its key node when `at` is "key"), or the nearest existing ancestor. */
function nodeAt(root: unknown, path: readonly Segment[], at: "key" | "value"): Node | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      if (pair === undefined) return node;
      if (last && at === "key" && isScalar(pair.key)) return pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      if (item === undefined) return node;
      node = item;
    } else {
      break;
    }
  }
  return isNode(node) ? node : undefined;
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}

export function pathString(path: readonly Segment[]): string {
  return path.reduce<string>((out, s) => (typeof s === "number" ? `${out}[${s}]` : out === "" ? s : `${out}.${s}`), "");
}

function parseCidr(text: string): { network: string; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (m === null) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32 || m.slice(1, 5).some((o) => o.length > 1 && o.startsWith("0"))) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(address / size) * size;
  const parts = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return { network: `${parts.join(".")}/${prefix}`, prefix };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

/** A known key one or two edits away from `key`, for "did you mean" hints. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return allowed.find((a) => a.toLowerCase() === lower) ?? allowed.find((a) => editDistance(a.toLowerCase(), lower) <= 2);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") ? rel : file;
}

function fileProblem(message: string): Diagnostic {
  return { severity: "error", path: "", message };
}

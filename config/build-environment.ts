import { ServiceOverride } from "../compose/model";
import { NetworkAccess } from "../compose/model";
import { readEgress, readServiceOverride } from "../compose/x-ecs";
import { Path, SchemaProblem } from "../schema/problems";
import { ValidatedDocument } from "../schema/validated";
import { DEFAULT_CLOUD_STATE, DEFAULT_EC2_CAPACITY, DEFAULT_LOCAL_STATE, DEFAULT_S3_STATE, defaultEnvironment } from "./defaults";
import { EnvironmentDocument } from "./environment-document";
import {
  CapacityConfig,
  Ec2CapacityConfig,
  EnvironmentConfig,
  LoadBalancerConfig,
  NatMode,
  NetworkConfig,
  NetworkLoadBalancerConfig,
  PlacementMode,
  SleepSchedule,
  StateBackendConfig,
} from "./environment-model";
import { checkTimeZone, DEFAULT_SLEEP_DAYS, parseAwakeHours, parseDays, Parsed } from "./sleep-schedule";
import { allowsLegacyTls, minimumTlsVersion } from "./ssl-policies";

/**
 * The typed EnvironmentConfig from a schema-checked environment file: what the file leaves
 * out comes from config/defaults.ts, and the rules a schema cannot state are checked here
 * (CIDR math, zones of the region, ARNs of the region, keys that only go together, TLS policy).
 * Values that broke a schema rule read as absent, so these checks still run on the rest; a
 * string read for an enum key is cast to its type, since the schema's `enum` has checked it.
 */
export function buildEnvironment(name: string, d: EnvironmentDocument): EnvironmentConfig {
  const v = d.values;
  const region = regionOf(d);
  const branches = v.boolean(["branches"]) ?? false;
  const base = defaultEnvironment(name, branches, region);
  const endpoint = endpointOf(d);
  const state = stateOf(d, region);
  const project = v.string(["project"]);
  if (branches && state.kind === "cloud") {
    d.error(
      ["state", "backend"],
      "branch environments (branches: true) need state.backend: s3 (or local on a single machine): HCP Terraform cannot list or hold the registry of branch slots",
    );
  }
  const sleepSchedule = v.has(["sleepSchedule"]) ? sleepScheduleOf(d, branches) : undefined;
  const branchTtlHours = branchTtl(d, branches);
  const alb = v.has(["loadBalancer"]) ? loadBalancer(d, region, branches, base.loadBalancer) : base.loadBalancer;
  return {
    ...base,
    name,
    file: d.file,
    locations: d.locations,
    ...(project !== undefined ? { project } : {}),
    aws: endpoint === undefined ? { region } : { region, endpoint },
    composeFiles: v.strings(["compose"]) ?? base.composeFiles,
    profiles: v.strings(["profiles"]) ?? base.profiles,
    branches,
    ...(branchTtlHours !== undefined ? { branchTtlHours } : {}),
    network: v.has(["network"]) ? network(d, region, base.network) : base.network,
    capacity: v.has(["capacity"]) ? capacity(d, base.capacity) : base.capacity,
    loadBalancer: alb,
    ...(v.has(["networkLoadBalancer"]) ? { networkLoadBalancer: networkLoadBalancer(d, alb) } : {}),
    access: (v.string(["network", "access"]) as NetworkAccess | undefined) ?? base.access,
    egress: environmentEgress(d) ?? base.egress,
    placement: (v.string(["placement"]) as PlacementMode | undefined) ?? base.placement,
    services: services(d),
    tags: sorted(v.stringRecord(["tags"])) ?? base.tags,
    state,
    logRetentionDays: v.number(["logRetentionDays"]) ?? base.logRetentionDays,
    deregistrationDelaySeconds: v.number(["deregistrationDelaySeconds"]) ?? base.deregistrationDelaySeconds,
    imageTag: v.string(["imageTag"]) ?? base.imageTag,
    ...(sleepSchedule !== undefined ? { sleepSchedule } : {}),
  };
}

/** `sleepSchedule:` of a branch environment; undefined (with the errors recorded) when it is not sound. */
function sleepScheduleOf(d: EnvironmentDocument, branches: boolean): SleepSchedule | undefined {
  const v = d.values;
  const at = (key: string): Path => ["sleepSchedule", key];
  if (!branches) {
    d.error(
      ["sleepSchedule"],
      "only applies to branch environments (branches: true): production stacks run around the clock and scale with autoscaling",
      "key",
    );
    return undefined;
  }
  const read = <T>(key: string, text: string | undefined, parse: (text: string) => Parsed<T>): T | undefined => {
    if (text === undefined) return undefined;
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    d.error(at(key), parsed.message);
    return undefined;
  };
  const hours = read("awake", v.string(at("awake")), parseAwakeHours);
  const days = read("days", v.string(at("days")) ?? DEFAULT_SLEEP_DAYS, parseDays);
  const timezone = read("timezone", v.string(at("timezone")), checkTimeZone);
  if (hours === undefined || days === undefined || timezone === undefined) return undefined;
  return { start: hours.start, end: hours.end, days, timezone };
}

/** Each sound string item of the list at `path`, even when other items are not. */
function eachString(v: ValidatedDocument, path: Path, check: (item: string, itemPath: Path) => void): void {
  for (let i = 0; i < v.length(path); i += 1) {
    const item = v.string([...path, i]);
    if (item !== undefined) check(item, [...path, i]);
  }
}

function sorted(record: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> | undefined {
  return record === undefined
    ? undefined
    : Object.fromEntries(
        Object.keys(record)
          .sort()
          .map((k) => [k, record[k] ?? ""]),
      );
}

function regionOf(d: EnvironmentDocument): string {
  const top = d.values.string(["region"]);
  const nested = d.values.string(["aws", "region"]);
  if (top !== undefined && nested !== undefined && top !== nested) {
    d.error(["aws", "region"], `conflicts with region: ${top}; set the region once`);
  }
  return top ?? nested ?? defaultEnvironment("x").aws.region;
}

function endpointOf(d: EnvironmentDocument): string | undefined {
  const text = d.values.string(["aws", "endpoint"]);
  if (text === undefined) return undefined;
  try {
    new URL(text);
    return text;
  } catch {
    d.error(["aws", "endpoint"], `not a URL: ${JSON.stringify(text)}`);
    return undefined;
  }
}

/**
 * `branchTtl` in hours. The schema has checked the form (`72h`, `3d`); only here is it known
 * whether the environment has branches at all, and a TTL without them would silently do nothing.
 */
function branchTtl(d: EnvironmentDocument, branches: boolean): number | undefined {
  const text = d.values.string(["branchTtl"]);
  if (text === undefined) return undefined;
  if (!branches) {
    d.error(["branchTtl"], "only applies with branches: true (it is how long a branch environment lives before `branches gc --expired` destroys it)", "key");
    return undefined;
  }
  const amount = Number(text.slice(0, -1));
  return text.endsWith("d") ? amount * 24 : amount;
}

const NEW_NETWORK_KEYS = ["cidr", "azs", "nat", "flowLogs"] as const;
const EXISTING_NETWORK_KEYS = ["vpcId", "publicSubnetIds", "privateSubnetIds"] as const;

function network(d: EnvironmentDocument, region: string, fallback: NetworkConfig): NetworkConfig {
  const v = d.values;
  const at = (key: string): Path => ["network", key];
  if (EXISTING_NETWORK_KEYS.some((k) => v.has(at(k)))) {
    for (const key of NEW_NETWORK_KEYS.filter((k) => v.has(at(k)))) {
      d.error(at(key), "cannot be combined with vpcId/publicSubnetIds/privateSubnetIds (an existing network is used as it is)", "key");
    }
    for (const key of EXISTING_NETWORK_KEYS.filter((k) => !v.has(at(k)))) {
      d.error(["network"], `${key} is required when using an existing network (vpcId, publicSubnetIds and privateSubnetIds go together)`, "key");
    }
    return {
      kind: "existing",
      vpcId: v.string(at("vpcId")) ?? "",
      publicSubnetIds: v.strings(at("publicSubnetIds")) ?? [],
      privateSubnetIds: v.strings(at("privateSubnetIds")) ?? [],
    };
  }
  const base = fallback.kind === "new" ? fallback : defaultEnvironment("x", false, region).network;
  if (base.kind !== "new") return fallback;
  const azs = v.strings(at("azs"));
  eachString(v, at("azs"), (az, path) => {
    // The schema knows what a zone looks like; only here is the region known.
    if (!az.startsWith(region) || az.length !== region.length + 1) {
      d.error(path, `not an availability zone of ${region} (${region}a, ${region}b, ...): ${JSON.stringify(az)}`);
    }
  });
  const cidr = v.string(at("cidr"));
  return {
    kind: "new",
    cidr: cidr !== undefined && checkCidr(d, at("cidr"), cidr, { minPrefix: 16, maxPrefix: 24 }) ? cidr : base.cidr,
    azs: azs ?? base.azs,
    nat: (v.string(at("nat")) as NatMode | undefined) ?? base.nat,
    flowLogs: v.boolean(at("flowLogs")) ?? base.flowLogs,
  };
}

function capacity(d: EnvironmentDocument, fallback: CapacityConfig): CapacityConfig {
  const v = d.values;
  const kind = (v.string(["capacity", "kind"]) as CapacityConfig["kind"] | undefined) ?? fallback.kind;
  const containerInsights = v.boolean(["capacity", "containerInsights"]) ?? fallback.containerInsights;
  if (kind !== "ec2") {
    if (v.has(["capacity", "ec2"])) d.error(["capacity", "ec2"], `only applies when capacity.kind is ec2 (it is ${kind})`, "key");
    return { kind, containerInsights };
  }
  return { kind, containerInsights, ec2: ec2Capacity(d) };
}

function ec2Capacity(d: EnvironmentDocument): Ec2CapacityConfig {
  const path = ["capacity", "ec2"];
  const v = d.values;
  const e = DEFAULT_EC2_CAPACITY;
  const result: Ec2CapacityConfig = {
    instanceType: v.string([...path, "instanceType"]) ?? e.instanceType,
    desiredSize: v.number([...path, "desiredSize"]) ?? e.desiredSize,
    minSize: v.number([...path, "minSize"]) ?? e.minSize,
    maxSize: v.number([...path, "maxSize"]) ?? e.maxSize,
    amiSsmParameter: v.string([...path, "amiSsmParameter"]) ?? e.amiSsmParameter,
  };
  if (result.minSize > result.maxSize) d.error([...path, "minSize"], `must not exceed maxSize (${result.maxSize}), got ${result.minSize}`);
  else if (result.desiredSize < result.minSize || result.desiredSize > result.maxSize) {
    d.error([...path, "desiredSize"], `must be between minSize (${result.minSize}) and maxSize (${result.maxSize}), got ${result.desiredSize}`);
  }
  return result;
}

function loadBalancer(d: EnvironmentDocument, region: string, branches: boolean, fallback: LoadBalancerConfig): LoadBalancerConfig {
  const v = d.values;
  const at = (key: string): Path => ["loadBalancer", key];
  const cidrs = v.strings(at("allowedCidrs"));
  eachString(v, at("allowedCidrs"), (cidr, path) => checkCidr(d, path, cidr, { minPrefix: 0, maxPrefix: 32 }));
  const inRegion = (key: string): string | undefined => {
    const arn = v.string(at(key));
    const arnRegion = arn?.split(":")[3];
    if (arn === undefined || arnRegion === region) return arn;
    d.error(at(key), `is in region ${arnRegion || "(none)"} but the environment is in ${region}; a load balancer can only use resources of its own region`);
    return undefined;
  };
  const certificateArn = inRegion("certificateArn");
  const wafAclArn = inRegion("wafAclArn");
  const domain = v.string(at("domain"));
  const accessLogsBucket = v.string(at("accessLogsBucket"));
  const sslPolicy = v.string(at("sslPolicy")) ?? fallback.sslPolicy;
  if (v.has(at("sslPolicy"))) checkTlsPolicy(d, sslPolicy, branches, v.boolean(at("allowLegacyTls")) ?? false);
  return {
    internal: v.boolean(at("internal")) ?? fallback.internal,
    allowedCidrs: cidrs ?? fallback.allowedCidrs,
    ...(certificateArn !== undefined ? { certificateArn } : {}),
    sslPolicy,
    ...(domain !== undefined ? { domain } : {}),
    idleTimeoutSeconds: v.number(at("idleTimeoutSeconds")) ?? fallback.idleTimeoutSeconds,
    ...(accessLogsBucket !== undefined ? { accessLogsBucket } : {}),
    deletionProtection: v.boolean(at("deletionProtection")) ?? fallback.deletionProtection,
    ...(wafAclArn !== undefined ? { wafAclArn } : {}),
    ...albPool(d, branches, domain, fallback),
  };
}

/**
 * `pool`, `quotas` and `hostedZoneId`: a pool serves branch stacks, and with a domain each
 * branch needs its own DNS record (one wildcard cannot point at several ALBs), so a zone.
 */
function albPool(
  d: EnvironmentDocument,
  branches: boolean,
  domain: string | undefined,
  fallback: LoadBalancerConfig,
): Pick<LoadBalancerConfig, "pool" | "quotas" | "hostedZoneId"> {
  const v = d.values;
  const at = (...keys: string[]): Path => ["loadBalancer", ...keys];
  const pool = v.number(at("pool")) ?? fallback.pool;
  const hostedZoneId = v.string(at("hostedZoneId"));
  if (!branches) {
    if (pool > 1)
      d.error(
        at("pool"),
        `a pool of ${pool} load balancers only serves branch stacks, and this environment has branches: false; remove loadBalancer.pool or set branches: true`,
        "key",
      );
    if (v.has(at("quotas"))) d.warning(at("quotas"), "only branch environments (branches: true) check load-balancer quotas; the key is ignored", "key");
  }
  if (domain !== undefined && pool > 1 && hostedZoneId === undefined && !v.has(at("hostedZoneId"))) {
    d.error(
      at("pool"),
      `with loadBalancer.domain and a pool of ${pool} load balancers each branch gets its own <slug>.${domain} alias record (one wildcard record cannot point at several load balancers): ` +
        `set loadBalancer.hostedZoneId to the Route 53 hosted zone of ${domain}`,
      "key",
    );
  }
  if (hostedZoneId !== undefined && !branches)
    d.warning(at("hostedZoneId"), "only branch stacks get <slug>.<domain> records; the key is ignored in an environment with branches: false", "key");
  else if (hostedZoneId !== undefined && domain === undefined)
    d.warning(at("hostedZoneId"), "is only used with loadBalancer.domain (for <slug>.<domain> records); the key is ignored", "key");
  const quotas = {
    rulesPerAlb: v.number(at("quotas", "rulesPerAlb")) ?? fallback.quotas.rulesPerAlb,
    listenersPerAlb: v.number(at("quotas", "listenersPerAlb")) ?? fallback.quotas.listenersPerAlb,
  };
  return { pool, quotas, ...(hostedZoneId !== undefined && domain !== undefined && branches ? { hostedZoneId } : {}) };
}

function environmentEgress(d: EnvironmentDocument): EnvironmentConfig["egress"] | undefined {
  const problems: SchemaProblem[] = [];
  const egress = readEgress(d.values, ["network", "egress"], problems);
  for (const p of problems) d.error(p.path, p.message, p.atKey ? "key" : "value");
  return egress;
}

/** The network load balancer takes the application load balancer's exposure and CIDRs unless it says otherwise. */
function networkLoadBalancer(d: EnvironmentDocument, alb: LoadBalancerConfig): NetworkLoadBalancerConfig {
  const v = d.values;
  const at = (key: string): Path => ["networkLoadBalancer", key];
  eachString(v, at("allowedCidrs"), (cidr, path) => checkCidr(d, path, cidr, { minPrefix: 0, maxPrefix: 32 }));
  return {
    internal: v.boolean(at("internal")) ?? alb.internal,
    allowedCidrs: v.strings(at("allowedCidrs")) ?? alb.allowedCidrs,
  };
}

/**
 * TLS 1.0 and 1.1 are broken and fail PCI DSS. A branch (QA) environment may still test old
 * clients with a warning; elsewhere it takes `allowLegacyTls: true` to say it is on purpose.
 */
function checkTlsPolicy(d: EnvironmentDocument, policy: string, branches: boolean, allowLegacyTls: boolean): void {
  const path = ["loadBalancer", "sslPolicy"];
  const version = minimumTlsVersion(policy);
  if (version === undefined) {
    d.warning(path, `compose2ecs does not know which TLS versions ${policy} accepts (config/ssl-policies.ts); make sure it refuses TLS below 1.2`);
  } else if (allowsLegacyTls(version)) {
    const what = `${policy} accepts TLS ${version}; TLS below 1.2 is broken and fails PCI DSS: use ELBSecurityPolicy-TLS13-1-2-2021-06`;
    if (branches || allowLegacyTls) d.warning(path, what);
    else d.error(path, `${what}, or set loadBalancer.allowLegacyTls: true if old clients must connect`);
  }
}

function services(d: EnvironmentDocument): Readonly<Record<string, ServiceOverride>> {
  const result: Record<string, ServiceOverride> = {};
  for (const name of d.values.keys(["services"]).sort()) {
    const read = readServiceOverride(d.values, ["services", name]);
    for (const p of read.problems) d.error(p.path, p.message, p.atKey ? "key" : "value");
    result[name] = read.override;
  }
  return result;
}

function stateOf(d: EnvironmentDocument, region: string): StateBackendConfig {
  const v = d.values;
  const at = (key: string): Path => ["state", key];
  switch (v.string(at("backend")) ?? "local") {
    case "s3": {
      const dynamodbTable = v.string(at("dynamodbTable"));
      const kmsKeyId = v.string(at("kmsKeyId"));
      return {
        kind: "s3",
        bucket: v.string(at("bucket")) ?? "",
        region: v.string(at("region")) ?? region,
        prefix: v.string(at("prefix")) ?? DEFAULT_S3_STATE.prefix,
        ...(dynamodbTable !== undefined ? { dynamodbTable } : {}),
        ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
      };
    }
    case "cloud": {
      const project = v.string(at("project"));
      return {
        kind: "cloud",
        organization: v.string(at("organization")) ?? "",
        hostname: v.string(at("hostname")) ?? DEFAULT_CLOUD_STATE.hostname,
        workspacePrefix: v.string(at("workspacePrefix")) ?? DEFAULT_CLOUD_STATE.workspacePrefix,
        tags: DEFAULT_CLOUD_STATE.tags,
        ...(project !== undefined ? { project } : {}),
      };
    }
    default:
      return { kind: "local", dir: v.string(at("dir")) ?? DEFAULT_LOCAL_STATE.dir };
  }
}

/**
 * Security-group and VPC CIDRs must be in network form (host bits zero), and a VPC is /16 to
 * /24; the schema has already checked the address syntax.
 */
function checkCidr(d: EnvironmentDocument, path: Path, cidr: string, prefix: { minPrefix: number; maxPrefix: number }): boolean {
  const [address = "", bits = ""] = cidr.split("/");
  const length = Number(bits);
  if (length < prefix.minPrefix || length > prefix.maxPrefix) {
    d.error(path, `prefix length must be /${prefix.minPrefix} to /${prefix.maxPrefix}, got ${JSON.stringify(cidr)}`);
    return false;
  }
  const value = address.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - length);
  const start = Math.floor(value / size) * size;
  if (start !== value) {
    const network = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256).join(".");
    d.error(path, `host bits are set in ${JSON.stringify(cidr)}; the network is ${network}/${length}`);
    return false;
  }
  return true;
}

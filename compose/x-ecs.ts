import { AutoscalingConfig, ServiceOverride } from "./model";

/**
 * Validation of per-service ECS settings: the `x-ecs` key of a compose service and the
 * `services.<name>` entries of an environment file share this one shape and validator.
 * Problems come back as values: `path` is the caller's path to the object (e.g.
 * `services.web.x-ecs`), and each problem's path extends it with the offending key.
 */
export interface OverrideProblem {
  readonly path: string;
  readonly message: string;
}

export interface ParsedOverride {
  readonly override: ServiceOverride;
  readonly problems: readonly OverrideProblem[];
}

type Check = (value: unknown, path: string, problems: OverrideProblem[]) => unknown;

/** Fargate task sizes are from 256 to 16384 CPU units; the planner checks exact combinations. */
const FIELDS: Readonly<Record<string, Check>> = {
  replicas: (v, p, out) => integer(v, p, out, 0, 1000),
  cpu: (v, p, out) => integer(v, p, out, 128, 16384),
  memory: (v, p, out) => integer(v, p, out, 128, 122880),
  path: (v, p, out) => pathPrefix(v, p, out),
  host: (v, p, out) => hostName(v, p, out),
  healthCheckPath: (v, p, out) => pathPrefix(v, p, out),
  port: (v, p, out) => integer(v, p, out, 1, 65535),
  public: (v, p, out) => boolean(v, p, out),
  autoscaling: (v, p, out) => autoscaling(v, p, out),
};

export const SERVICE_OVERRIDE_KEYS: readonly string[] = Object.keys(FIELDS);

export function parseServiceOverride(value: unknown, path: string): ParsedOverride {
  const problems: OverrideProblem[] = [];
  if (!isRecord(value)) {
    return { override: {}, problems: [{ path, message: `must be a mapping with keys ${SERVICE_OVERRIDE_KEYS.join(", ")}` }] };
  }
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const check = FIELDS[key];
    if (check === undefined) {
      problems.push({ path: `${path}.${key}`, message: `unknown key (allowed: ${SERVICE_OVERRIDE_KEYS.join(", ")})` });
      continue;
    }
    const parsed = check(value[key], `${path}.${key}`, problems);
    if (parsed !== undefined) result[key] = parsed;
  }
  return { override: result as ServiceOverride, problems };
}

/** Later settings win key by key (x-ecs first, then the environment's override). */
export function mergeOverrides(...layers: readonly (ServiceOverride | undefined)[]): ServiceOverride {
  return Object.assign({}, ...layers.filter((l): l is ServiceOverride => l !== undefined)) as ServiceOverride;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function integer(value: unknown, path: string, out: OverrideProblem[], min: number, max: number): number | undefined {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    out.push({ path, message: `must be a whole number, got ${JSON.stringify(value)}` });
    return undefined;
  }
  if (value < min || value > max) {
    out.push({ path, message: `must be between ${min} and ${max}, got ${value}` });
    return undefined;
  }
  return value;
}

function boolean(value: unknown, path: string, out: OverrideProblem[]): boolean | undefined {
  if (typeof value !== "boolean") {
    out.push({ path, message: `must be true or false, got ${JSON.stringify(value)}` });
    return undefined;
  }
  return value;
}

function pathPrefix(value: unknown, path: string, out: OverrideProblem[]): string | undefined {
  // ALB path patterns are at most 128 characters and only these characters (AWS ELBv2 docs, "Path conditions").
  if (typeof value !== "string" || !/^\/[A-Za-z0-9_\-.$/~"'@:+&]*$/.test(value) || value.length > 120) {
    out.push({ path, message: `must be a URL path starting with "/" (letters, digits, _-.$/~"'@:+&; at most 120 characters), got ${JSON.stringify(value)}` });
    return undefined;
  }
  return value;
}

function hostName(value: unknown, path: string, out: OverrideProblem[]): string | undefined {
  if (typeof value !== "string" || !/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(value) || value.length > 128) {
    out.push({ path, message: `must be a lower-case DNS host name (optionally starting with "*."), got ${JSON.stringify(value)}` });
    return undefined;
  }
  return value;
}

function autoscaling(value: unknown, path: string, out: OverrideProblem[]): AutoscalingConfig | undefined {
  if (!isRecord(value)) {
    out.push({ path, message: "must be a mapping with min, max and at least one of cpu, memory, requests" });
    return undefined;
  }
  const allowed = ["min", "max", "cpu", "memory", "requests"];
  const before = out.length;
  for (const key of Object.keys(value).sort()) {
    if (!allowed.includes(key)) out.push({ path: `${path}.${key}`, message: `unknown key (allowed: ${allowed.join(", ")})` });
  }
  const min = integer(value.min, `${path}.min`, out, 0, 1000);
  const max = integer(value.max, `${path}.max`, out, 1, 1000);
  const cpu = value.cpu === undefined ? undefined : integer(value.cpu, `${path}.cpu`, out, 1, 100);
  const memory = value.memory === undefined ? undefined : integer(value.memory, `${path}.memory`, out, 1, 100);
  const requests = value.requests === undefined ? undefined : integer(value.requests, `${path}.requests`, out, 1, 1_000_000);
  if (min !== undefined && max !== undefined && min > max) {
    out.push({ path: `${path}.min`, message: `min (${min}) must not exceed max (${max})` });
  }
  if (cpu === undefined && memory === undefined && requests === undefined && value.cpu === undefined && value.memory === undefined && value.requests === undefined) {
    out.push({ path, message: "needs at least one target: cpu, memory (percent) or requests (per target)" });
  }
  if (out.length > before || min === undefined || max === undefined) return undefined;
  return {
    minCapacity: min,
    maxCapacity: max,
    ...(cpu !== undefined ? { targetCpuPercent: cpu } : {}),
    ...(memory !== undefined ? { targetMemoryPercent: memory } : {}),
    ...(requests !== undefined ? { targetRequestsPerTarget: requests } : {}),
  };
}

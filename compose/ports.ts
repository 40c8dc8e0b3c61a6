import { JsonValue, PortMapping, Protocol } from "./model";
import { Parsed } from "./units";

/** A port as written, before the protocol is checked against what ECS supports. */
export interface PortSpec extends Omit<PortMapping, "protocol"> {
  readonly protocol: string;
  /** Long syntax `mode` (host / ingress): swarm routing, meaningless on ECS. */
  readonly mode?: string;
}

const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

/**
 * Compose port syntax to one mapping (Compose spec, services.md "ports"): short
 * `[[HOST_IP:]PUBLISHED[-RANGE]:]TARGET[-RANGE][/PROTOCOL]` (IPv6 host IPs in brackets), a bare
 * number, or the long mapping. A range stays one mapping with `targetEnd` (and `publishedEnd`):
 * `"1-65535"` is one entry, not 65,535. A published range must be as long as the target range,
 * or cover a single target (docker then picks one host port of the range).
 */
export function parsePort(value: JsonValue): Parsed<PortSpec> {
  if (typeof value === "number")
    return value >= 1 && value <= 65535 && Number.isInteger(value)
      ? { ok: true, value: { target: value, protocol: "tcp" } }
      : fail(`port ${value} is out of range 1-65535`);
  if (typeof value === "string") return parseShort(value);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return parseLong(value as Readonly<Record<string, JsonValue>>);
  return fail(`must be a port like "8080:80" or a mapping with target, got ${JSON.stringify(value)}`);
}

function parseShort(text: string): Parsed<PortSpec> {
  const raw = text.trim();
  if (raw === "") return fail("port is empty");
  const slash = raw.lastIndexOf("/");
  const protocol = slash >= 0 ? raw.slice(slash + 1).toLowerCase() : "tcp";
  let rest = slash >= 0 ? raw.slice(0, slash) : raw;
  let hostIp: string | undefined;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2] ?? "";
  }
  const parts = rest.split(":");
  if (hostIp === undefined && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2 || (hostIp !== undefined && parts.length !== 2))
    return fail(`"${text}" is not a port: expected [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`);
  const target = parseRange(parts[parts.length - 1] ?? "");
  if (!target.ok) return fail(`"${text}": container port ${target.message}`);
  const publishedText = parts.length === 2 ? (parts[0] ?? "") : undefined;
  const published = publishedText === undefined || publishedText === "" ? undefined : parseRange(publishedText);
  if (published !== undefined && !published.ok) return fail(`"${text}": published port ${published.message}`);
  if (hostIp === "") hostIp = undefined;
  return expand(text, target.value, published?.ok ? published.value : undefined, protocol, hostIp);
}

function parseLong(value: Readonly<Record<string, JsonValue>>): Parsed<PortSpec> {
  const targetRaw = value.target;
  if (targetRaw === undefined || targetRaw === null) return fail(`missing "target" (the container port)`);
  const target = parseRange(String(targetRaw));
  if (!target.ok) return fail(`target ${target.message}`);
  const publishedRaw = value.published;
  const published = publishedRaw === undefined || publishedRaw === null || publishedRaw === "" ? undefined : parseRange(String(publishedRaw));
  if (published !== undefined && !published.ok) return fail(`published ${published.message}`);
  const protocol = typeof value.protocol === "string" ? value.protocol.toLowerCase() : "tcp";
  const hostIp = typeof value.host_ip === "string" && value.host_ip !== "" ? value.host_ip : undefined;
  const expanded = expand(JSON.stringify(value), target.value, published?.ok ? published.value : undefined, protocol, hostIp);
  if (!expanded.ok) return expanded;
  const extra = {
    ...(typeof value.app_protocol === "string" ? { appProtocol: value.app_protocol } : {}),
    ...(typeof value.name === "string" ? { name: value.name } : {}),
    ...(typeof value.mode === "string" ? { mode: value.mode } : {}),
    ...(typeof value["x-aws-protocol"] === "string" ? { awsProtocol: value["x-aws-protocol"] } : {}),
  };
  return { ok: true, value: { ...expanded.value, ...extra } };
}

type Range = readonly [number, number];

function parseRange(text: string): Parsed<Range> {
  const match = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(text);
  if (match === null) return fail(`"${text}" is not a port number or range`);
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < 1 || end > 65535 || end < start) return fail(`${text} is out of range 1-65535`);
  return { ok: true, value: [start, end] };
}

function expand(text: string, target: Range, published: Range | undefined, protocol: string, hostIp: string | undefined): Parsed<PortSpec> {
  const count = target[1] - target[0] + 1;
  if (published !== undefined && count > 1 && published[1] - published[0] + 1 !== count) {
    return fail(`"${text}": the published range and the container range have different lengths`);
  }
  return {
    ok: true,
    value: {
      target: target[0],
      ...(target[1] > target[0] ? { targetEnd: target[1] } : {}),
      ...(published !== undefined ? { published: published[0] } : {}),
      ...(published !== undefined && published[1] > published[0] ? { publishedEnd: published[1] } : {}),
      protocol,
      ...(hostIp !== undefined ? { hostIp } : {}),
    },
  };
}

/** The last container port of a mapping (its target when it is not a range). */
export function lastTarget(port: Pick<PortMapping, "target" | "targetEnd">): number {
  return port.targetEnd ?? port.target;
}

/** Whether a mapping's container ports include `port`. */
export function coversPort(mapping: Pick<PortMapping, "target" | "targetEnd">, port: number): boolean {
  return port >= mapping.target && port <= lastTarget(mapping);
}

/** `8080`, or `8000-8010` for a range: how compose writes the container side. */
export function targetText(port: Pick<PortMapping, "target" | "targetEnd">): string {
  return port.targetEnd === undefined ? String(port.target) : `${port.target}-${port.targetEnd}`;
}

export function isEcsProtocol(protocol: string): protocol is Protocol {
  return protocol === "tcp" || protocol === "udp";
}

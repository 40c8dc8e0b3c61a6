import { ExposedPort, PortMapping, Protocol } from "../compose/model";
import { PortMappingPlan } from "./plan";

/** A container port or an inclusive range of them, on one protocol. */
export interface PortInterval {
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
  /** Long-syntax port `name`, kept for single ports only. */
  readonly name?: string;
}

type PortEntry = Pick<PortMapping, "target" | "targetEnd" | "protocol" | "name">;

/**
 * A service's container ports (`ports` and `expose`) as intervals: ranges stay ranges (so
 * `"1-65535"` is one interval, not 65,535 ports), overlapping ranges are merged, and a single
 * port inside a range is absorbed by it. Sorted by protocol-independent port order, then protocol.
 */
export function portIntervals(ports: readonly PortMapping[], expose: readonly ExposedPort[]): PortInterval[] {
  const entries: PortEntry[] = [...ports, ...expose];
  const out: PortInterval[] = [];
  for (const protocol of ["tcp", "udp"] as const) {
    const ranges = mergeRanges(
      entries.filter((e) => e.protocol === protocol && e.targetEnd !== undefined).map((e) => [e.target, e.targetEnd as number] as const),
    );
    const singles = new Map<number, PortInterval>();
    for (const e of entries) {
      if (e.protocol !== protocol || e.targetEnd !== undefined || singles.has(e.target)) continue;
      if (ranges.some(([from, to]) => e.target >= from && e.target <= to)) continue;
      singles.set(e.target, { protocol, from: e.target, to: e.target, ...(e.name ? { name: e.name } : {}) });
    }
    out.push(...ranges.map(([from, to]) => ({ protocol, from, to })), ...singles.values());
  }
  return out.sort((a, b) => a.from - b.from || a.to - b.to || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
}

function mergeRanges(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/**
 * ECS port mappings of a container: one `containerPortRange` per range and one `containerPort`
 * per single port. ECS allows a port in only one mapping, and a load balancer targets a single
 * port, never a range, so the routed port is split out of a range that contains it.
 */
export function containerPortMappings(ports: readonly PortMapping[], expose: readonly ExposedPort[], routedPort?: number): PortMappingPlan[] {
  const out: PortMappingPlan[] = [];
  for (const interval of portIntervals(ports, expose)) {
    const splitAt =
      routedPort !== undefined && interval.protocol === "tcp" && interval.from < interval.to && routedPort >= interval.from && routedPort <= interval.to
        ? routedPort
        : undefined;
    const pieces: [number, number][] =
      splitAt === undefined
        ? [[interval.from, interval.to]]
        : [
            [interval.from, splitAt - 1],
            [splitAt, splitAt],
            [splitAt + 1, interval.to],
          ];
    for (const [from, to] of pieces) {
      if (from > to) continue;
      out.push({
        containerPort: from,
        ...(to > from ? { containerPortEnd: to } : {}),
        protocol: interval.protocol,
        ...(interval.name !== undefined && from === to ? { name: interval.name } : {}),
      });
    }
  }
  return out.sort((a, b) => a.containerPort - b.containerPort || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
}

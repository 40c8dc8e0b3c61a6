import { blockKey, blockList, Terraform, TfBlock } from "./terraform";

/**
 * Security-group admission as AWS evaluates it: traffic from task A to task B on a port passes
 * when some egress rule of one of A's groups allows it to B and some ingress rule of one of B's
 * groups admits it from A. Rules come from `aws_vpc_security_group_ingress_rule`/`_egress_rule`,
 * `aws_security_group_rule` and inline `ingress`/`egress` blocks; a peer is a security group (A's
 * or B's, `self` included) or a CIDR that covers the other side's subnets. Protocol `-1` allows
 * every port.
 */

export type Status = "hold" | "broken" | "unknown";

export interface Endpoint {
  readonly stack: string;
  /** The task's security groups (identities). */
  readonly groups: readonly TfBlock[];
  /** IPv4 ranges the task's address lies in (its subnets, else its VPC); undefined when unknown. */
  readonly cidrs?: readonly string[];
}

interface Rule {
  readonly direction: "ingress" | "egress";
  readonly group: TfBlock;
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly peerGroups: readonly TfBlock[];
  readonly self: boolean;
  /** CIDRs; undefined entries could not be read. */
  readonly cidrs: readonly (string | undefined)[];
  /** The rule references a group the verifier could not find. */
  readonly unresolvedPeer: boolean;
}

export interface Admission {
  readonly status: Status;
  readonly ingress: Status;
  readonly egress: Status;
  readonly detail: string;
}

export function groupName(tf: Terraform, group: TfBlock): string {
  const name = tf.literal(group.stack, group.body.name);
  return name ?? group.address;
}

function rulesOf(tf: Terraform, group: TfBlock, direction: "ingress" | "egress"): Rule[] {
  const key = blockKey(group);
  const out: Rule[] = [];
  const isGroup = (stack: string, expr: unknown) => tf.keys(stack, expr).includes(key);
  const ruleType = direction === "ingress" ? "aws_vpc_security_group_ingress_rule" : "aws_vpc_security_group_egress_rule";
  for (const r of tf.allResources(ruleType)) {
    if (!isGroup(r.stack, r.body.security_group_id)) continue;
    const peer = r.body.referenced_security_group_id;
    const peerGroups = peer === undefined ? [] : tf.resolveAll(r.stack, peer);
    const cidrs = [r.body.cidr_ipv4].filter((c) => c !== undefined).map((c) => tf.literal(r.stack, c));
    out.push({
      direction,
      group,
      protocol: String(r.body.ip_protocol ?? "-1"),
      ...numberField("from", r.body.from_port),
      ...numberField("to", r.body.to_port),
      peerGroups,
      self: false,
      cidrs,
      unresolvedPeer: peer !== undefined && peerGroups.length === 0,
    });
  }
  for (const r of tf.allResources("aws_security_group_rule")) {
    if (r.body.type !== direction || !isGroup(r.stack, r.body.security_group_id)) continue;
    const peer = r.body.source_security_group_id;
    const peerGroups = peer === undefined ? [] : tf.resolveAll(r.stack, peer);
    const cidrs = (Array.isArray(r.body.cidr_blocks) ? r.body.cidr_blocks : []).map((c) => tf.literal(r.stack, c));
    out.push({
      direction,
      group,
      protocol: String(r.body.protocol ?? "-1"),
      ...numberField("from", r.body.from_port),
      ...numberField("to", r.body.to_port),
      peerGroups,
      self: r.body.self === true,
      cidrs,
      unresolvedPeer: peer !== undefined && peerGroups.length === 0,
    });
  }
  for (const inline of blockList(group.body[direction])) {
    const peers = Array.isArray(inline.security_groups) ? inline.security_groups : [];
    const peerGroups = peers.flatMap((p) => tf.resolveAll(group.stack, p));
    out.push({
      direction,
      group,
      protocol: String(inline.protocol ?? "-1"),
      ...numberField("from", inline.from_port),
      ...numberField("to", inline.to_port),
      peerGroups,
      self: inline.self === true,
      cidrs: (Array.isArray(inline.cidr_blocks) ? inline.cidr_blocks : []).map((c) => tf.literal(group.stack, c)),
      unresolvedPeer: peerGroups.length < peers.length,
    });
  }
  return out;
}

function numberField(name: "from" | "to", value: unknown): { from?: number; to?: number } {
  const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : undefined;
  return n === undefined ? {} : { [name]: n };
}

/** `port` "every" asks whether the rule opens every port of the protocol (compose's promise when the port is unknown). */
function protocolAllows(rule: Rule, protocol: "tcp" | "udp", port: number | "every"): boolean {
  const p = rule.protocol.toLowerCase();
  if (p === "-1" || p === "all") return true;
  const wanted = protocol === "tcp" ? ["tcp", "6"] : ["udp", "17"];
  if (!wanted.includes(p)) return false;
  if (rule.from === undefined || rule.to === undefined) return true;
  if (rule.from === -1 && rule.to === -1) return true;
  if (port === "every") return rule.from <= 1 && rule.to >= 65535;
  return rule.from <= port && port <= rule.to;
}

function parseCidr(cidr: string): { net: number; bits: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (m === null) return undefined;
  const bytes = [m[1], m[2], m[3], m[4]].map(Number);
  if (bytes.some((b) => b > 255)) return undefined;
  const bits = Number(m[5]);
  if (bits > 32) return undefined;
  const addr = (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (addr & mask) >>> 0, bits };
}

/** Whether `outer` contains all of `inner`. */
export function cidrCovers(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (o === undefined || i === undefined) return false;
  if (o.bits > i.bits) return false;
  const mask = o.bits === 0 ? 0 : (0xffffffff << (32 - o.bits)) >>> 0;
  return (i.net & mask) >>> 0 === o.net;
}

/** Whether one rule lets `peer` through: hold, unknown (a peer it cannot read) or broken. */
function rulePasses(rule: Rule, peer: Endpoint, protocol: "tcp" | "udp", port: number | "every"): Status {
  if (!protocolAllows(rule, protocol, port)) return "broken";
  const peerKeys = new Set(peer.groups.map(blockKey));
  if (rule.peerGroups.some((g) => peerKeys.has(blockKey(g)))) return "hold";
  if (rule.self && peerKeys.has(blockKey(rule.group))) return "hold";
  let unknown = rule.unresolvedPeer;
  for (const cidr of rule.cidrs) {
    if (cidr === undefined) {
      unknown = true;
      continue;
    }
    if (cidr === "0.0.0.0/0") return "hold";
    if (peer.cidrs === undefined) {
      unknown = true;
      continue;
    }
    if (peer.cidrs.length > 0 && peer.cidrs.every((c) => cidrCovers(cidr, c))) return "hold";
  }
  return unknown ? "unknown" : "broken";
}

function combine(statuses: readonly Status[]): Status {
  if (statuses.includes("hold")) return "hold";
  if (statuses.includes("unknown")) return "unknown";
  return "broken";
}

/**
 * Does the network let `from` open `protocol/port` to `to`? With `port` "every" (the reference
 * names no port and none is known), only rules opening every port keep compose's promise; if the
 * callee admits the caller on no port at all that is broken, on some ports it cannot be told.
 */
export function admission(tf: Terraform, from: Endpoint, to: Endpoint, protocol: "tcp" | "udp", port: number | "every"): Admission {
  const names = (e: Endpoint) => e.groups.map((g) => groupName(tf, g)).join(", ");
  if (to.groups.length === 0 || from.groups.length === 0) {
    return {
      status: "unknown",
      ingress: "unknown",
      egress: "unknown",
      detail: "a task without security groups uses the VPC's default group, which the stacks do not describe",
    };
  }
  const ingressRules = to.groups.flatMap((g) => rulesOf(tf, g, "ingress"));
  const egressRules = from.groups.flatMap((g) => rulesOf(tf, g, "egress"));
  let ingress = combine(ingressRules.map((r) => rulePasses(r, from, protocol, port)));
  let egress = combine(egressRules.map((r) => rulePasses(r, to, protocol, port)));
  const what = port === "every" ? `every ${protocol} port` : `${protocol}/${port}`;
  const problems: string[] = [];
  if (port === "every" && ingress === "broken") {
    const some = ingressRules.filter((r) => rulePasses({ ...r, protocol: "-1" }, from, protocol, "every") === "hold");
    if (some.length > 0) {
      ingress = "unknown";
      problems.push(
        `the port used is not written and not known; sg ${names(to)} admits sg ${names(from)} only on ${some.map((r) => `${r.protocol}/${r.from ?? "*"}-${r.to ?? "*"}`).join(", ")}, not on every port as compose does`,
      );
    } else problems.push(`the port used is not written and not known, and sg ${names(to)} admits sg ${names(from)} on no port at all`);
  } else if (ingress === "broken") problems.push(`no ingress rule on sg ${names(to)} admits sg ${names(from)} on ${what}`);
  if (ingress === "unknown" && problems.length === 0)
    problems.push(`cannot tell whether sg ${names(to)} admits sg ${names(from)} on ${what} (a rule's peer could not be read)`);
  if (port === "every" && egress === "broken" && egressRules.some((r) => rulePasses({ ...r, protocol: "-1" }, to, protocol, "every") === "hold"))
    egress = "unknown";
  if (egress === "broken") problems.push(`no egress rule on sg ${names(from)} allows ${what} to sg ${names(to)}`);
  if (egress === "unknown") problems.push(`cannot tell whether sg ${names(from)} may send ${what} to sg ${names(to)}`);
  const status: Status = ingress === "hold" && egress === "hold" ? "hold" : ingress === "broken" || egress === "broken" ? "broken" : "unknown";
  return { status, ingress, egress, detail: problems.length > 0 ? problems.join("; ") : `sg ${names(to)} admits sg ${names(from)} on ${what}` };
}

/** A service's network side: its groups, and the ranges of its subnets (else its VPC). */
export function endpointOf(tf: Terraform, service: TfBlock): Endpoint | undefined {
  const net = blockList(service.body.network_configuration)[0];
  if (net === undefined) return undefined;
  const groups = tf.resolveAll(service.stack, net.security_groups);
  const subnets = tf.resolveAll(service.stack, net.subnets).filter((s) => s.type === "aws_subnet" && s.mode === "resource");
  let cidrs: string[] | undefined = subnets.map((s) => tf.literal(s.stack, s.body.cidr_block)).filter((c): c is string => c !== undefined);
  if (cidrs.length === 0 || cidrs.length < subnets.length) {
    const vpcs = [...subnets, ...groups].flatMap((b) => tf.resolveAll(b.stack, b.body.vpc_id)).filter((v) => v.type === "aws_vpc" && v.mode === "resource");
    const vpcCidr = vpcs.map((v) => tf.literal(v.stack, v.body.cidr_block)).find((c) => c !== undefined);
    cidrs = vpcCidr !== undefined ? [vpcCidr] : undefined;
  }
  return { stack: service.stack, groups, ...(cidrs !== undefined ? { cidrs } : {}) };
}

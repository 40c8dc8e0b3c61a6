import { ComposeProject, Diagnostic, EgressRule, NetworkAccess, ServiceModel, ServiceOverride } from "../compose/model";
import { EnvironmentConfig } from "../config/environment-model";
import { OutsideReference, SiblingReference, serviceReferences } from "../compose/references";
import * as names from "../naming/names";
import { portIntervals } from "./container-ports";
import { parseCidr } from "./network";
import { EgressPlan, IngressPlan, NetworkGroupPlan, NetworkMembership, NetworkTargetPlan, RoutePlan } from "./plan";

/**
 * Who reaches whom, as compose networks promise it. docker compose lets the members of a
 * network reach each other on every port, declared or not; so by default each network's
 * security group gets one self-referencing all-ports rule (members admit members, nothing else
 * widens: the security checklist allows all-ports ingress only from the group itself), and
 * services need no per-port rules for their siblings.
 *
 * `access: declared-ports` (environment `network.access`, or per service in `x-ecs`) keeps a
 * service to its declared ports (`ports` and `expose`): it admits its networks only there. A
 * group with the all-ports rule admits everyone who carries it, so on a network with members of
 * both kinds the declared-ports members carry a second group of their own, and are admitted
 * (and admit others) on declared ports only. Where that blocks a connection the configuration
 * names, `check` and `synth` say so (`blockedReferences`).
 *
 * Egress: tasks always send HTTPS (443) anywhere and anything inside the VPC; `egress` settings
 * open more, and `check` names each reference to an outside host on another port.
 */

type Diagnose = (severity: Diagnostic["severity"], path: string, message: string, location?: ServiceModel["location"]) => void;

/** A service as network access sees it. */
export interface AccessMember {
  readonly name: string;
  readonly networks: readonly string[];
  readonly access: NetworkAccess;
  /** `ports` and `expose` entries (a range is one entry, `port`-`portEnd`): what a declared-ports service admits. */
  readonly declared: readonly { readonly port: number; readonly portEnd?: number; readonly protocol: "tcp" | "udp" }[];
}

export function accessMember(service: ServiceModel, access: NetworkAccess): AccessMember {
  // A port range is one rule (from_port..to_port), not one rule per port.
  const declared = portIntervals(service.ports, service.expose).map((i) => ({
    port: i.from,
    ...(i.to > i.from ? { portEnd: i.to } : {}),
    protocol: i.protocol,
  }));
  return { name: service.name, networks: [...service.networks].sort(), access, declared };
}

/** Each used network's groups: the all-ports rule when some member is open, a second group when members of both kinds share it. */
export function networkGroups(scope: names.NameScope, members: readonly AccessMember[]): NetworkGroupPlan[] {
  const used = [...new Set(members.flatMap((m) => m.networks))].sort();
  return used.map((network) => {
    const on = members.filter((m) => m.networks.includes(network));
    const open = on.some((m) => m.access === "compose");
    const declared = on.some((m) => m.access === "declared-ports");
    return {
      name: network,
      securityGroupName: names.networkSecurityGroupName(scope, network),
      selfRule: open,
      ...(open && declared ? { declaredPorts: { securityGroupName: names.networkDeclaredPortsSecurityGroupName(scope, network) } } : {}),
    };
  });
}

export function memberships(member: AccessMember, groups: readonly NetworkGroupPlan[]): NetworkMembership[] {
  return member.networks.map((network) => {
    const group = groups.find((g) => g.name === network);
    return { network, group: member.access === "declared-ports" && group?.declaredPorts !== undefined ? "declared-ports" : "members" };
  });
}

/**
 * Per-port rules a member needs from its networks: a declared-ports member admits every group of
 * its networks on its declared ports; an open member admits the declared-ports group of a mixed
 * network on its declared ports (its open siblings come in through the all-ports rule).
 */
export function networkIngress(member: AccessMember, groups: readonly NetworkGroupPlan[]): IngressPlan[] {
  const out: IngressPlan[] = [];
  for (const network of member.networks) {
    const group = groups.find((g) => g.name === network);
    if (group === undefined) continue;
    const sources: IngressPlan["from"][] = [];
    if (member.access === "declared-ports") sources.push({ kind: "network", network });
    if (group.declaredPorts !== undefined) sources.push({ kind: "network", network, group: "declared-ports" });
    for (const from of sources)
      for (const d of member.declared) out.push({ from, port: d.port, ...(d.portEnd !== undefined ? { portEnd: d.portEnd } : {}), protocol: d.protocol });
  }
  return out;
}

/** The load balancers' way in: the ALB on each routed port, the network load balancer on each of its target ports. */
export function loadBalancerIngress(routes: readonly RoutePlan[], networkTargets: readonly NetworkTargetPlan[]): IngressPlan[] {
  const out = new Map<string, IngressPlan>();
  for (const r of routes) out.set(`alb/${r.containerPort}`, { from: { kind: "alb" }, port: r.containerPort, protocol: "tcp" });
  for (const t of networkTargets) out.set(`nlb/${t.containerPort}`, { from: { kind: "nlb" }, port: t.containerPort, protocol: "tcp" });
  return [...out.values()];
}

/** The tcp entries one member reaches on another over their shared networks: every port ("all"), or the callee's declared ones. */
function reachablePorts(caller: AccessMember, callee: AccessMember): "all" | AccessMember["declared"] | undefined {
  const shared = caller.networks.filter((n) => callee.networks.includes(n));
  if (shared.length === 0) return undefined;
  if (caller.access === "compose" && callee.access === "compose") return "all";
  return callee.declared.filter((d) => d.protocol === "tcp");
}

function where(r: SiblingReference): string {
  return r.port !== undefined ? `${r.host}:${r.port}` : r.host;
}

/**
 * Every reference `caller` makes that security groups block under declared-ports access: a port
 * the callee does not declare, or (when the port is not known) a callee that declares none.
 * Services that share no network are left alone: compose does not connect them either.
 */
export function blockedReferences(project: ComposeProject, caller: ServiceModel, members: ReadonlyMap<string, AccessMember>, diagnose: Diagnose): void {
  const from = members.get(caller.name);
  if (from === undefined) return;
  for (const r of serviceReferences(project, caller).siblings) {
    const to = members.get(r.service);
    if (to === undefined) continue;
    const reachable = reachablePorts(from, to);
    if (reachable === undefined || reachable === "all") continue;
    const port = r.port;
    const blocked = port === undefined ? reachable.length === 0 : !reachable.some((d) => port >= d.port && port <= (d.portEnd ?? d.port));
    if (!blocked) continue;
    const strict = to.access === "declared-ports" ? to.name : from.name;
    const declared =
      to.declared.length === 0
        ? "declares no ports"
        : `declares ${to.declared.map((d) => `${d.port}${d.portEnd !== undefined ? `-${d.portEnd}` : ""}${d.protocol === "udp" ? "/udp" : ""}`).join(", ")}`;
    const fix =
      r.port !== undefined
        ? `add ${r.port} to ${to.name}'s expose, or give ${strict} access: compose`
        : `give ${to.name} an expose entry for the port it serves, or give ${strict} access: compose`;
    diagnose(
      "warning",
      `services.${caller.name}.${r.origin}`,
      `${where(r)} is blocked: ${strict} has declared-ports access, so ${caller.name} reaches ${to.name} only on the ports ${to.name} declares, and ${to.name} ${declared}; ${fix}`,
      caller.location,
    );
  }
}

/** The egress rules of a service: the environment's and its own, one per (protocol, port, CIDR). */
export function egressRules(...layers: readonly (readonly EgressRule[] | undefined)[]): EgressPlan[] {
  return unionEgress(
    layers.flatMap((l) => l ?? []).flatMap((rule) => rule.ports.flatMap((port) => rule.cidrs.map((cidr) => ({ protocol: rule.protocol, port, cidr })))),
  );
}

/** Egress rules without repeats, by port, protocol and CIDR (a single task takes every service's). */
export function unionEgress(rules: readonly EgressPlan[]): EgressPlan[] {
  const out = new Map(rules.map((r) => [`${r.protocol}/${r.port}/${r.cidr}`, r]));
  return [...out.values()].sort(
    (a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0),
  );
}

function ipv4Number(host: string): number | undefined {
  const parsed = parseCidr(`${host}/32`);
  return parsed?.address;
}

function cidrContains(cidr: string, address: number): boolean {
  const parsed = parseCidr(cidr);
  if (parsed === undefined) return false;
  const size = 2 ** (32 - parsed.prefix);
  return Math.floor(parsed.address / size) === Math.floor(address / size);
}

/**
 * Whether tasks may open `r`: HTTPS (443) goes anywhere, an address inside the VPC is always
 * reachable, and an egress rule for the port opens it (for a DNS name any CIDR counts: its
 * address is not known before run time).
 */
export function egressAllows(r: Pick<OutsideReference, "host" | "port">, egress: readonly EgressPlan[], vpcCidr: string | undefined): boolean {
  if (r.port === 443) return true;
  const address = ipv4Number(r.host);
  if (address !== undefined && vpcCidr !== undefined && cidrContains(vpcCidr, address)) return true;
  return egress.some((e) => e.protocol === "tcp" && e.port === r.port && (address === undefined || cidrContains(e.cidr, address)));
}

/** Every outside host `service` names on a port its tasks may not send to, with how to open it. */
export function blockedEgress(
  project: ComposeProject,
  service: ServiceModel,
  egress: readonly EgressPlan[],
  vpcCidr: string | undefined,
  diagnose: Diagnose,
): void {
  for (const r of serviceReferences(project, service).outside) {
    if (egressAllows(r, egress, vpcCidr)) continue;
    const cidr = ipv4Number(r.host) !== undefined ? `${r.host}/32` : "0.0.0.0/0";
    diagnose(
      "warning",
      `services.${service.name}.${r.origin}`,
      `${r.host}:${r.port} is outside the VPC, and tasks may only send HTTPS (443) out of it: open it with x-ecs egress: [{ports: [${r.port}], cidrs: [${cidr}]}] (a narrower CIDR if you know it), or the environment's network.egress`,
      service.location,
    );
  }
}

/** A stack's network access: the groups of its compose networks, each service's membership, and egress. */
export interface NetworkAccessPlan {
  readonly groups: readonly NetworkGroupPlan[];
  readonly members: ReadonlyMap<string, AccessMember>;
  readonly egress: (service: ServiceModel) => EgressPlan[];
}

/**
 * Decides the stack's network access and names every connection it blocks. In single-task
 * placement the containers share one task (localhost), so only egress applies.
 */
export function planNetworkAccess(
  project: ComposeProject,
  env: EnvironmentConfig,
  scope: names.NameScope,
  overrideOf: (service: ServiceModel) => ServiceOverride,
  diagnose: Diagnose,
): NetworkAccessPlan {
  const members = new Map(project.services.map((s) => [s.name, accessMember(s, overrideOf(s).access ?? env.access)]));
  const singleTask = env.placement === "single-task";
  const groups = singleTask ? [] : networkGroups(scope, [...members.values()]);
  const egress = (s: ServiceModel): EgressPlan[] => egressRules(env.egress, overrideOf(s).egress);
  const vpcCidr = env.network.kind === "new" ? env.network.cidr : undefined;
  for (const service of project.services) {
    if (!singleTask) blockedReferences(project, service, members, diagnose);
    blockedEgress(project, service, egress(service), vpcCidr, diagnose);
  }
  return { groups, members, egress };
}

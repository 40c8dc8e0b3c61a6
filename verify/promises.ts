import { relative } from "node:path";
import { ComposeProject, ServiceSpec } from "./compose-reader";
import { applicationStacks, Deployment, deploymentsOf, numberOf } from "./deployments";
import { Reference, serviceReferences } from "./references";
import { admission, endpointOf, Status } from "./security-groups";
import { blockKey, blockList, Terraform, TfBlock } from "./terraform";
import { appProtocolClass, lookupImage, PortClass } from "./well-known";

/**
 * docker compose's runtime promises, checked one by one against the synthesized Terraform of one
 * app-environment (a synth output folder: base stack + one application stack).
 *
 * - name-resolves: a name a service uses for a sibling resolves on ECS (Cloud Map name in a
 *   namespace the caller's task searches, or an ECS Service Connect alias).
 * - sg-admits: the security groups let the caller open the port it uses (ingress and egress).
 * - served-at-root: a project whose only web service publishes a port serves it at `/`.
 * - health-check-path: a routed target is probed on a path the app serves, when compose says which.
 * - tcp-not-http: a non-HTTP port (by `app_protocol`, `x-ecs.protocol` or the image) is no ALB HTTP target.
 * - stateful-one-task: a stateful service (it alone mounts a named volume read-write, or
 *   `x-ecs.stateful: true`) never runs two tasks at once.
 * - stateful-on-efs: every named volume a service writes is on EFS, not on the task's own storage.
 */

export type PromiseKind = "name-resolves" | "sg-admits" | "served-at-root" | "health-check-path" | "tcp-not-http" | "stateful-one-task" | "stateful-on-efs";

export const PROMISE_KINDS: readonly PromiseKind[] = [
  "name-resolves",
  "sg-admits",
  "served-at-root",
  "health-check-path",
  "tcp-not-http",
  "stateful-one-task",
  "stateful-on-efs",
];

export interface Finding {
  readonly app: string;
  readonly env: string;
  readonly kind: PromiseKind;
  /** The compose service the promise is about (the caller, for references). */
  readonly service: string;
  /** What is promised: `db:5432`, `redis`, `/`, `pgdata -> /var/lib/postgresql/data`, `5432/tcp`. */
  readonly subject: string;
  readonly port?: number;
  /** Where compose makes the promise (`backend.env:3 DATABASE_URL`, `docker-compose.yml:12 depends_on`). */
  readonly sources: readonly string[];
  readonly status: Status;
  readonly detail: string;
}

export interface VerifyInput {
  readonly app: string;
  readonly env: string;
  readonly project: ComposeProject;
  readonly tf: Terraform;
  /** The application stack to check. @default every stack with ECS services */
  readonly stack?: string;
}

export interface VerifyResult {
  readonly findings: readonly Finding[];
  /** References compose itself does not promise (no shared network, host networking), and reader notes. */
  readonly notes: readonly string[];
}

const LOOPBACK = /^(127\.|::1$|localhost$|\[::1\]$)/;

export function verifyAppEnvironment(input: VerifyInput): VerifyResult {
  const stacks = input.stack !== undefined ? [input.stack] : applicationStacks(input.tf);
  const notes: string[] = [...input.project.notes];
  const findings: Finding[] = [];
  if (stacks.length === 0) notes.push("no stack of the output runs an ECS service");
  for (const stack of stacks) {
    const ctx = new Context(input, stack, notes);
    findings.push(...ctx.references(), ...ctx.servedAtRoot(), ...ctx.routedTargets(), ...ctx.stateful());
  }
  return { findings, notes };
}

class Context {
  private readonly deployments: Map<string, Deployment>;
  private readonly byName: Map<string, ServiceSpec>;

  constructor(
    private readonly input: VerifyInput,
    private readonly stack: string,
    private readonly notes: string[],
  ) {
    this.byName = new Map(input.project.services.map((s) => [s.name, s]));
    this.deployments = deploymentsOf(input.tf, stack, new Set(this.byName.keys()));
  }

  private get tf(): Terraform {
    return this.input.tf;
  }

  private finding(f: Omit<Finding, "app" | "env">): Finding {
    return { app: this.input.app, env: this.input.env, ...f };
  }

  private where(r: { readonly at?: { readonly file: string; readonly line: number }; readonly origin: string }): string {
    if (r.at === undefined) return r.origin;
    return `${relative(this.input.project.projectDir, r.at.file) || r.at.file}:${r.at.line} ${r.origin}`;
  }

  // ---- names and security groups -------------------------------------------------------------

  private networksOf(s: ServiceSpec): { names: string[]; understood: boolean; promised: boolean } {
    if (s.networkMode === undefined) return { names: s.networks.map((n) => n.name), understood: true, promised: true };
    const m = /^(service|container):(.+)$/.exec(s.networkMode);
    if (m !== null) {
      const other = this.byName.get(m[2] ?? "");
      return other === undefined
        ? { names: [], understood: false, promised: true }
        : { names: other.networks.map((n) => n.name), understood: true, promised: true };
    }
    // host / none / bridge: compose service names are not on these networks.
    return { names: [], understood: true, promised: false };
  }

  /** The sibling a caller means by `host`, when compose would resolve it for that caller. */
  private callee(caller: ServiceSpec, host: string): { service?: ServiceSpec; promised: boolean; why?: string } {
    const link = caller.links.find((l) => l.alias === host);
    const direct =
      link !== undefined ? this.byName.get(link.service) : (this.byName.get(host) ?? this.input.project.services.find((s) => s.containerName === host));
    const callerNets = this.networksOf(caller);
    if (!callerNets.promised)
      return { promised: false, why: `${caller.name} uses network_mode ${caller.networkMode ?? ""}: compose names do not resolve there` };
    if (direct !== undefined) {
      const calleeNets = this.networksOf(direct);
      if (!calleeNets.promised) return { promised: false, why: `${direct.name} uses network_mode ${direct.networkMode ?? ""}` };
      const shared = callerNets.names.some((n) => calleeNets.names.includes(n));
      if (!shared && callerNets.understood && calleeNets.understood)
        return { promised: false, why: `${caller.name} and ${direct.name} share no compose network` };
      return { service: direct, promised: true };
    }
    for (const s of this.input.project.services) {
      for (const n of s.networks) if (n.aliases.includes(host) && callerNets.names.includes(n.name)) return { service: s, promised: true };
    }
    return { promised: false, why: `no sibling answers to ${host} on ${caller.name}'s networks` };
  }

  references(): Finding[] {
    const out: Finding[] = [];
    for (const caller of this.input.project.services) {
      const byHost = new Map<string, Reference[]>();
      for (const r of serviceReferences(this.input.project, caller)) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
      for (const [host, refs] of [...byHost.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const target = this.callee(caller, host);
        if (target.service === undefined) {
          if (!target.promised) this.notes.push(`${caller.name} -> ${host}: not a compose promise (${target.why ?? ""})`);
          continue;
        }
        const callee = target.service;
        out.push(
          this.finding({
            kind: "name-resolves",
            service: caller.name,
            subject: host,
            sources: refs.map((r) => this.where(r)),
            ...this.resolves(caller, host, callee),
          }),
        );
        for (const { port, refs: portRefs } of this.portsFor(refs, callee)) {
          const protocol = this.protocolOf(callee, port);
          const subject = port === undefined ? `${host}:*` : `${host}:${port}`;
          const sources = portRefs.map((r) => this.where(r));
          // No port written, known or declared: compose lets siblings reach every port, so only that keeps the promise.
          out.push(
            this.finding({
              kind: "sg-admits",
              service: caller.name,
              subject,
              ...(port !== undefined ? { port } : {}),
              sources,
              ...this.admits(caller, callee, protocol, port ?? "every"),
            }),
          );
        }
      }
    }
    return out;
  }

  /** The ports a caller uses on a callee: written ones; port-less references join them, else the image's, else the declared ones. */
  private portsFor(refs: readonly Reference[], callee: ServiceSpec): { port?: number; refs: Reference[] }[] {
    const explicit = new Map<number, Reference[]>();
    const portless: Reference[] = [];
    for (const r of refs) {
      if (r.port !== undefined) explicit.set(r.port, [...(explicit.get(r.port) ?? []), r]);
      else portless.push(r);
    }
    if (explicit.size > 0) {
      const entries = [...explicit.entries()].sort(([a], [b]) => a - b);
      // Port-less references (depends_on, a bare DB_HOST) mean the same connection.
      if (portless.length > 0 && entries[0] !== undefined) entries[0][1].push(...portless);
      return entries.map(([port, rs]) => ({ port, refs: rs }));
    }
    const known = lookupImage(callee.image)?.ports[0]?.port;
    if (known !== undefined) return [{ port: known, refs: portless }];
    const declared = [...new Set([...callee.ports.map((p) => p.target), ...callee.expose])].sort((a, b) => a - b);
    if (declared.length > 0) return declared.map((port) => ({ port, refs: portless }));
    return [{ refs: portless }];
  }

  private protocolOf(callee: ServiceSpec, port: number | undefined): "tcp" | "udp" {
    const specs = callee.ports.filter((p) => p.target === port);
    return specs.length > 0 && specs.every((p) => p.protocol === "udp") ? "udp" : "tcp";
  }

  private resolves(caller: ServiceSpec, host: string, callee: ServiceSpec): { status: Status; detail: string } {
    const from = this.deployments.get(caller.name);
    const to = this.deployments.get(callee.name);
    if (to === undefined)
      return { status: "broken", detail: `${callee.name} is not deployed: no ECS service in ${this.stack} runs a container named ${callee.name}` };
    if (from === undefined)
      return { status: "broken", detail: `${caller.name} is not deployed: no ECS service in ${this.stack} runs a container named ${caller.name}` };
    if (from.service === to.service && caller.name !== callee.name) {
      return {
        status: "broken",
        detail: `${caller.name} and ${callee.name} run in one task (${to.service.address}): containers share localhost there and the name ${host} does not resolve`,
      };
    }
    // ECS Service Connect: the caller's proxy answers for the callee's client aliases.
    const callerConnect = blockList(from.service.body.service_connect_configuration)[0];
    if (callerConnect !== undefined && callerConnect.enabled === true) {
      for (const svc of blockList(blockList(to.service.body.service_connect_configuration)[0]?.service)) {
        const aliases = blockList(svc.client_alias).map((a) => a.dns_name ?? svc.discovery_name ?? svc.port_name);
        if (aliases.length === 0 ? svc.discovery_name === host || svc.port_name === host : aliases.includes(host)) {
          return { status: "hold", detail: `${host} is an ECS Service Connect alias of ${callee.name}` };
        }
      }
    }
    const named = this.tf.allResources("aws_service_discovery_service").filter((d) => this.tf.literal(d.stack, d.body.name) === host);
    if (named.length === 0) {
      const own = blockList(to.service.body.service_registries)
        .flatMap((r) => this.tf.resolveAll(to.service.stack, r.registry_arn))
        .map((d) => this.tf.literal(d.stack, d.body.name))
        .filter((n): n is string => n !== undefined);
      const also =
        own.length > 0
          ? ` (${callee.name}'s tasks register as ${own.map((n) => `"${n}"`).join(", ")})`
          : ` (${callee.name}'s ECS service registers in no Cloud Map service)`;
      return { status: "broken", detail: `no Cloud Map service is named "${host}"${also} and no Service Connect alias answers to it` };
    }
    const registries = new Set(blockList(to.service.body.service_registries).flatMap((r) => this.tf.keys(to.service.stack, r.registry_arn)));
    const registered = named.filter((d) => registries.has(blockKey(d)));
    if (registered.length === 0)
      return {
        status: "broken",
        detail: `Cloud Map service "${host}" exists but ${callee.name}'s ECS service (${to.service.address}) does not register its tasks in it`,
      };
    const problems: string[] = [];
    for (const d of registered) {
      const dns = blockList(d.body.dns_config)[0];
      const records = blockList(dns?.dns_records).map((r) => String(r.type ?? ""));
      if (!records.includes("A") && !records.includes("AAAA")) {
        problems.push(`Cloud Map service "${host}" has no A record (${records.join(", ") || "none"}), so the bare name does not resolve to the tasks`);
        continue;
      }
      const namespaces = this.tf.resolveAll(d.stack, dns?.namespace_id);
      const nsNames = namespaces.map((n) => this.tf.literal(n.stack, n.body.name)).filter((n): n is string => n !== undefined);
      if (namespaces.some((n) => n.type !== "aws_service_discovery_private_dns_namespace")) {
        problems.push(`Cloud Map service "${host}" is not in a private DNS namespace`);
        continue;
      }
      const ns = nsNames[0];
      if (ns === undefined) {
        problems.push(`cannot read the namespace of Cloud Map service "${host}"`);
        continue;
      }
      const search = this.searchDomains(from);
      if (!search.includes(ns)) {
        problems.push(
          `${caller.name}'s task does not search ${ns}: the bare name ${host} only resolves as ${host}.${ns} (no ecs-searchdomain-sidecar for ${ns} that the ${caller.name} container waits for, and no dnsSearchDomains)`,
        );
        continue;
      }
      return { status: "hold", detail: `${host} is Cloud Map ${host}.${ns}, registered by ${callee.name}'s tasks; ${caller.name}'s task searches ${ns}` };
    }
    return { status: "broken", detail: problems.join("; ") };
  }

  /** DNS search domains the compose container's task really gets. */
  private searchDomains(d: Deployment): string[] {
    const domains = [...d.container.dnsSearchDomains];
    for (const dep of d.container.dependsOn) {
      if (dep.condition !== "SUCCESS" && dep.condition !== "COMPLETE") continue;
      const sidecar = d.containers.find((c) => c.name === dep.containerName);
      if (sidecar?.image !== undefined && /ecs-searchdomain-sidecar/.test(sidecar.image)) domains.push(...sidecar.command);
    }
    return domains;
  }

  private admits(caller: ServiceSpec, callee: ServiceSpec, protocol: "tcp" | "udp", port: number | "every"): { status: Status; detail: string } {
    const from = this.deployments.get(caller.name);
    const to = this.deployments.get(callee.name);
    if (to === undefined) return { status: "broken", detail: `${callee.name} is not deployed` };
    if (from === undefined) return { status: "broken", detail: `${caller.name} is not deployed` };
    // Two compose services in one task talk over localhost; a service naming itself reaches its other tasks, so its groups apply.
    if (from.service === to.service && caller.name !== callee.name)
      return { status: "hold", detail: `${caller.name} and ${callee.name} run in one task: no security group lies between them` };
    const a = endpointOf(this.tf, from.service);
    const b = endpointOf(this.tf, to.service);
    if (a === undefined || b === undefined)
      return { status: "unknown", detail: "an ECS service without awsvpc network configuration: the verifier cannot tell who reaches it" };
    const result = admission(this.tf, a, b, protocol, port);
    return { status: result.status, detail: result.detail };
  }

  // ---- load balancer ----------------------------------------------------------------------------

  /** The class of a container port: compose app_protocol, then x-ecs.protocol, then the image table; else HTTP. */
  private portClass(s: ServiceSpec, port: number): PortClass {
    const specs = s.ports.filter((p) => p.target === port);
    const app = specs.find((p) => p.appProtocol !== undefined)?.appProtocol;
    if (app !== undefined) return appProtocolClass(app);
    if (specs.length > 0 && specs.every((p) => p.protocol === "udp")) return "udp";
    const xProtocol = s.xEcs.protocol;
    if (typeof xProtocol === "string") return appProtocolClass(xProtocol);
    return lookupImage(s.image)?.ports.find((p) => p.port === port)?.kind ?? "http";
  }

  private targetGroupsOf(d: Deployment): { group: TfBlock; containerName: string; containerPort: number }[] {
    return blockList(d.service.body.load_balancer).flatMap((lb) =>
      this.tf
        .resolveAll(d.service.stack, lb.target_group_arn)
        .map((group) => ({ group, containerName: String(lb.container_name ?? ""), containerPort: Number(lb.container_port) })),
    );
  }

  servedAtRoot(): Finding[] {
    const web = this.input.project.services.filter((s) =>
      s.ports.some((p) => p.published !== undefined && p.protocol === "tcp" && !LOOPBACK.test(p.hostIp ?? "") && this.portClass(s, p.target) === "http"),
    );
    if (web.length !== 1) return [];
    const s = web[0] as ServiceSpec;
    // The user may mount the app elsewhere on purpose (x-ecs.path other than /).
    if (typeof s.xEcs.path === "string" && s.xEcs.path !== "/") return [];
    const sources = s.ports
      .filter((p) => p.published !== undefined)
      .map((p) => (p.at ? `${relative(this.input.project.projectDir, p.at.file)}:${p.at.line} ports` : "ports"));
    const base = { kind: "served-at-root" as const, service: s.name, subject: "/", sources };
    const d = this.deployments.get(s.name);
    if (d === undefined) return [this.finding({ ...base, status: "broken", detail: `${s.name} is not deployed` })];
    // Only a target on one of its HTTP ports serves the web app (a TCP port routed at / does not).
    const groups = this.targetGroupsOf(d).filter((t) => t.containerName === s.name && this.portClass(s, t.containerPort) === "http");
    if (groups.length === 0)
      return [
        this.finding({ ...base, status: "broken", detail: `${s.name} is the project's only web service but no target group routes to one of its HTTP ports` }),
      ];
    const keys = new Set(groups.map((g) => blockKey(g.group)));
    const seen: string[] = [];
    for (const listener of this.tf.allResources("aws_lb_listener")) {
      if (blockList(listener.body.default_action).some((a) => this.forwardsTo(listener.stack, a, keys))) {
        return [this.finding({ ...base, status: "hold", detail: `${s.name} is the default action of listener ${listener.address}` })];
      }
    }
    for (const rule of this.tf.allResources("aws_lb_listener_rule")) {
      if (!blockList(rule.body.action).some((a) => this.forwardsTo(rule.stack, a, keys))) continue;
      const paths = blockList(rule.body.condition).flatMap((c) =>
        blockList(c.path_pattern).flatMap((p) => (Array.isArray(p.values) ? p.values.map(String) : [])),
      );
      const servesRoot = paths.length === 0 || (paths.some((p) => albPathMatches(p, "/")) && paths.some((p) => albPathMatches(p, "/any/page")));
      if (servesRoot)
        return [this.finding({ ...base, status: "hold", detail: `${s.name} is served at / by ${rule.address} (${paths.join(", ") || "no path condition"})` })];
      seen.push(`${rule.address} (${paths.join(", ")})`);
    }
    return [
      this.finding({
        ...base,
        status: "broken",
        detail: `${s.name} is the project's only web service but is routed only under ${seen.join("; ") || "no listener rule"}: the load balancer does not strip the prefix, so the app's / answers with the listener's default action`,
      }),
    ];
  }

  private forwardsTo(stack: string, action: Record<string, unknown>, groups: ReadonlySet<string>): boolean {
    if (action.type !== "forward") return false;
    const arns = [action.target_group_arn, ...blockList(action.forward).flatMap((f) => blockList(f.target_group).map((t) => t.arn))];
    return arns.some((arn) => this.tf.keys(stack, arn).some((k) => groups.has(k)));
  }

  /** Health-check paths and non-HTTP ports of every routed target, and of every published non-HTTP port. */
  routedTargets(): Finding[] {
    const out: Finding[] = [];
    for (const s of this.input.project.services) {
      const d = this.deployments.get(s.name);
      const targets = d === undefined ? [] : this.targetGroupsOf(d).filter((t) => t.containerName === s.name);
      const nonHttp = new Set<number>();
      for (const p of s.ports) if (p.published !== undefined && this.portClass(s, p.target) !== "http") nonHttp.add(p.target);
      for (const t of targets) if (this.portClass(s, t.containerPort) !== "http") nonHttp.add(t.containerPort);
      for (const port of [...nonHttp].sort((a, b) => a - b)) {
        const kind = this.portClass(s, port);
        const spec = s.ports.find((p) => p.target === port);
        const sources = spec?.at ? [`${relative(this.input.project.projectDir, spec.at.file)}:${spec.at.line} ports`] : ["ports"];
        const why =
          spec?.appProtocol !== undefined
            ? `app_protocol ${spec.appProtocol}`
            : typeof s.xEcs.protocol === "string"
              ? `x-ecs.protocol ${s.xEcs.protocol}`
              : `${lookupImage(s.image)?.label ?? "the image"} speaks ${kind} on ${port}`;
        const http = targets.filter(
          (t) => t.containerPort === port && ["HTTP", "HTTPS", undefined].includes(this.tf.literal(t.group.stack, t.group.body.protocol)),
        );
        const bad = kind === "grpc" ? http.filter((t) => this.tf.literal(t.group.stack, t.group.body.protocol_version) !== "GRPC") : http;
        out.push(
          this.finding({
            kind: "tcp-not-http",
            service: s.name,
            subject: `${port}/${kind}`,
            port,
            sources,
            ...(bad.length > 0
              ? {
                  status: "broken" as const,
                  detail: `${s.name}:${port} is ${kind} (${why}) but ${bad.map((b) => b.group.address).join(", ")} is an ALB ${this.tf.literal(bad[0]?.group.stack ?? "", bad[0]?.group.body.protocol) ?? "HTTP"} target group: its health check can never pass`,
                }
              : { status: "hold" as const, detail: `${s.name}:${port} (${kind}) is no ALB HTTP target` }),
          }),
        );
      }
      for (const t of targets) {
        if (this.portClass(s, t.containerPort) !== "http") continue;
        const known = healthCheckPaths(s, t.containerPort);
        if (known.length === 0) continue;
        const hc = blockList(t.group.body.health_check)[0] ?? {};
        const path = this.tf.literal(t.group.stack, hc.path) ?? "/";
        const protocol = this.tf.literal(t.group.stack, hc.protocol) ?? "HTTP";
        const ok = protocol === "TCP" || known.includes(path) || known.map(stripQuery).includes(stripQuery(path));
        out.push(
          this.finding({
            kind: "health-check-path",
            service: s.name,
            subject: `${t.containerPort} ${known.join(" | ")}`,
            port: t.containerPort,
            sources: [s.at ? `${relative(this.input.project.projectDir, s.at.file)}:${s.at.line} healthcheck` : "healthcheck"],
            status: ok ? "hold" : "broken",
            detail: ok
              ? `${t.group.address} probes ${path}`
              : `${t.group.address} probes ${path}, but the app is known to serve ${known.join(" or ")} (compose healthcheck / x-ecs.healthCheckPath)`,
          }),
        );
      }
    }
    return out;
  }

  // ---- data -------------------------------------------------------------------------------------

  /**
   * Data survives: every read-write named volume is on EFS; a stateful service (it alone mounts a
   * named volume read-write, or `x-ecs.stateful: true`) never runs two tasks at once. A volume
   * several services write is shared by design (compose runs them side by side), so only the EFS
   * promise applies to it; `update_config.order: start-first` is the user's choice of overlap.
   */
  stateful(): Finding[] {
    const out: Finding[] = [];
    const named = new Set(this.input.project.volumes);
    const writers = new Map<string, Set<string>>();
    for (const s of this.input.project.services) {
      for (const v of s.volumes)
        if (v.type === "volume" && v.source !== undefined && !v.readOnly && named.has(v.source))
          writers.set(v.source, new Set([...(writers.get(v.source) ?? []), s.name]));
    }
    const rel = (at: { readonly file: string; readonly line: number } | undefined, what: string) =>
      at ? `${relative(this.input.project.projectDir, at.file)}:${at.line} ${what}` : what;
    for (const s of this.input.project.services) {
      const mounts = s.volumes.filter((v) => v.type === "volume" && v.source !== undefined && !v.readOnly && named.has(v.source));
      const own = mounts.filter((m) => (writers.get(m.source ?? "")?.size ?? 0) === 1);
      const stateful = s.xEcs.stateful === true || (s.xEcs.stateful !== false && own.length > 0);
      const d = this.deployments.get(s.name);
      if (stateful && s.updateOrder === "start-first")
        this.notes.push(`${s.name}: update_config.order start-first asks for overlapping tasks on its volume; the one-task promise is not checked`);
      else if (stateful) {
        const subject = (own.length > 0 ? own : mounts).map((m) => m.source).join(", ") || "x-ecs.stateful";
        const sources = (own.length > 0 ? own : mounts).map((m) => rel(m.at, "volumes"));
        out.push(
          this.finding({
            kind: "stateful-one-task",
            service: s.name,
            subject,
            sources,
            ...(d === undefined ? { status: "broken" as const, detail: `${s.name} is not deployed` } : this.oneTask(s, d)),
          }),
        );
      }
      for (const m of mounts) {
        const subject = `${m.source ?? ""} -> ${m.target}`;
        out.push(
          this.finding({
            kind: "stateful-on-efs",
            service: s.name,
            subject,
            sources: [rel(m.at, "volumes")],
            ...(d === undefined ? { status: "broken" as const, detail: `${s.name} is not deployed` } : this.onEfs(s, d, m.target)),
          }),
        );
      }
    }
    return out;
  }

  private oneTask(s: ServiceSpec, d: Deployment): { status: Status; detail: string } {
    const body = d.service.body;
    const controller = blockList(body.deployment_controller)[0]?.type;
    if (controller !== undefined && controller !== "ECS")
      return { status: "unknown", detail: `deployment controller ${String(controller)}: the verifier does not model it` };
    if (body.scheduling_strategy === "DAEMON")
      return { status: "broken", detail: `${d.service.address} runs as a DAEMON: one task per container instance, all on the same volume` };
    const asked = s.replicas ?? 1;
    const problems: string[] = [];
    const max = numberOf(body.deployment_maximum_percent, 200);
    const desired = numberOf(body.desired_count, 0);
    if (max > 100) problems.push(`deployment_maximum_percent ${max} lets ECS start the new task before the old one stops (stop-first needs <= 100)`);
    if (asked <= 1 && desired > 1) problems.push(`desired_count ${desired} runs ${desired} tasks on the volume at once`);
    if (asked <= 1) {
      const serviceName = this.tf.literal(d.service.stack, body.name);
      for (const target of this.tf.allResources("aws_appautoscaling_target")) {
        const resourceId = String(target.body.resource_id ?? "");
        const refersToService = resourceId.includes(`${d.service.address}.`) || (serviceName !== undefined && resourceId.endsWith(`/${serviceName}`));
        const maxCapacity = numberOf(target.body.max_capacity, 0);
        if (refersToService && maxCapacity > 1) problems.push(`autoscaling (${target.address}) may run up to ${maxCapacity} tasks`);
      }
    }
    if (problems.length > 0) return { status: "broken", detail: `${problems.join("; ")}` };
    return { status: "hold", detail: `maximum ${max} %, ${desired} task(s): never two tasks on the volume` };
  }

  private onEfs(s: ServiceSpec, d: Deployment, target: string): { status: Status; detail: string } {
    const mount = d.container.mountPoints.find((m) => m.containerPath === target);
    if (mount === undefined)
      return {
        status: "broken",
        detail: `nothing is mounted at ${target} in ${s.name}'s container: the data lives in the task's writable layer and is lost with it`,
      };
    const volume = blockList(d.taskDefinition.body.volume).find((v) => v.name === mount.sourceVolume);
    if (volume === undefined) return { status: "broken", detail: `the task definition has no volume ${mount.sourceVolume}` };
    if (blockList(volume.efs_volume_configuration).length > 0) return { status: "hold", detail: `${target} is on EFS (task volume ${mount.sourceVolume})` };
    return {
      status: "broken",
      detail: `${target} is task volume ${mount.sourceVolume} without efs_volume_configuration: task storage, lost when the task stops`,
    };
  }
}

/** ALB path-pattern matching: case-sensitive, `*` any characters, `?` one. */
export function albPathMatches(pattern: string, path: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return re.test(path);
}

function stripQuery(path: string): string {
  return path.split("?")[0] ?? path;
}

/** Paths the compose healthcheck fetches on the container's own port (and x-ecs.healthCheckPath). */
export function healthCheckPaths(s: ServiceSpec, port: number): string[] {
  const out = new Set<string>();
  const text = (s.healthcheck ?? []).join(" ");
  for (const m of text.matchAll(/(https?):\/\/(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s'"`)]*)?/g)) {
    const p = m[3] !== undefined ? Number(m[3]) : m[1] === "https" ? 443 : 80;
    if (p === port) out.add(m[4] ?? "/");
  }
  if (typeof s.xEcs.healthCheckPath === "string") out.add(s.xEcs.healthCheckPath);
  return [...out];
}

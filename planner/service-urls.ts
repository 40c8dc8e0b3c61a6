import { SEARCH_DOMAIN_SIDECAR } from "./containers";
import { EgressPlan, Plan, ServicePlan } from "./plan";

/**
 * Where each service is reached once deployed, read from the plan: its URL on the application
 * load balancer, its TCP listener on the network load balancer, or its internal name and port
 * (sibling services only). `check` prints it; DNS names are not known before apply, so they are
 * given as placeholders.
 */

export interface ServiceEndpoint {
  /** Compose service. */
  readonly service: string;
  readonly kind: "http" | "tcp" | "internal";
  /** A URL (`https://<load balancer>/api/`), `tcp://<network load balancer>:5432`, or `db:5432`. */
  readonly address: string;
  /** Container port. */
  readonly port: number;
  /** The path prefix the app receives unchanged, for an HTTP route below `/`. */
  readonly prefix?: string;
}

export interface NetworkAccessSummary {
  readonly network: string;
  /** Services reached on every port by the network's members. */
  readonly open: readonly string[];
  /** Services reached on their declared ports only. */
  readonly declaredPorts: readonly string[];
}

export interface ConnectivitySummary {
  readonly endpoints: readonly ServiceEndpoint[];
  readonly networks: readonly NetworkAccessSummary[];
  /** Egress beyond HTTPS and the VPC, by ECS service. */
  readonly egress: readonly { readonly service: string; readonly rules: readonly EgressPlan[] }[];
}

export interface EndpointPlaceholders {
  /** Stands for the application load balancer's DNS name. */
  readonly loadBalancer: string;
  /** Stands for the network load balancer's DNS name. */
  readonly networkLoadBalancer: string;
  /** Stands for a branch's listener port when its slot is not allocated yet (check). @default the planned port */
  readonly branchPort?: string;
}

export const DEFAULT_PLACEHOLDERS: EndpointPlaceholders = { loadBalancer: "<load balancer>", networkLoadBalancer: "<network load balancer>" };

function httpEndpoints(plan: Plan, service: ServicePlan, placeholders: EndpointPlaceholders): ServiceEndpoint[] {
  const listener = plan.app.listener;
  const scheme = listener.kind === "shared" && listener.protocol === "HTTPS" ? "https" : "http";
  const port = listener.kind === "own" ? `:${placeholders.branchPort ?? String(listener.port)}` : "";
  return service.routes.map((r) => {
    const host = r.hosts[0] ?? placeholders.loadBalancer;
    const root = r.paths.length === 1 && r.paths[0] === "/*";
    const prefix = root ? undefined : (r.paths[0] ?? "").replace(/\/\*$/, "");
    return {
      service: r.service,
      kind: "http",
      address: `${scheme}://${host}${port}${prefix ?? ""}/`,
      port: r.containerPort,
      ...(prefix !== undefined ? { prefix } : {}),
    };
  });
}

export function connectivitySummary(plan: Plan, placeholders: EndpointPlaceholders = DEFAULT_PLACEHOLDERS): ConnectivitySummary {
  const endpoints: ServiceEndpoint[] = [];
  for (const s of plan.app.services) {
    const http = httpEndpoints(plan, s, placeholders);
    const tcp: ServiceEndpoint[] = s.networkTargets.map((t) => ({
      service: t.service,
      kind: "tcp",
      address: `tcp://${placeholders.networkLoadBalancer}:${t.listenerPort}`,
      port: t.containerPort,
    }));
    const published = new Set([...http, ...tcp].map((e) => `${e.service}/${e.port}`));
    const internal: ServiceEndpoint[] = [];
    for (const c of s.containers) {
      if (c.name === SEARCH_DOMAIN_SIDECAR.name) continue;
      for (const m of c.portMappings) {
        if (published.has(`${c.name}/${m.containerPort}`)) continue;
        // One task shares one network namespace: its containers reach each other on localhost.
        const host = s.composeServices.length > 1 ? "localhost" : (s.names.discovery ?? c.name);
        internal.push({ service: c.name, kind: "internal", address: `${host}:${m.containerPort}${m.protocol === "udp" ? "/udp" : ""}`, port: m.containerPort });
      }
    }
    endpoints.push(...http, ...tcp, ...internal);
  }
  endpoints.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.port - b.port));
  const networks = plan.app.networks.map((n) => {
    const on = plan.app.services.filter((s) => s.networks.includes(n.name));
    return {
      network: n.name,
      open: on.filter((s) => s.access === "compose").map((s) => s.id),
      declaredPorts: on.filter((s) => s.access === "declared-ports").map((s) => s.id),
    };
  });
  const egress = plan.app.services.filter((s) => s.egress.length > 0).map((s) => ({ service: s.id, rules: s.egress }));
  return { endpoints, networks, egress };
}

const KIND_ORDER: Readonly<Record<ServiceEndpoint["kind"], number>> = { http: 0, tcp: 1, internal: 2 };

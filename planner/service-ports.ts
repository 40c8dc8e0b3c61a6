import { coversPort } from "../compose/ports";
import { Diagnostic, PortMapping, ServiceModel, ServiceOverride, SourceLocation } from "../compose/model";
import { PortProtocol, PortRef, isHttp, portProtocol, settingForPort } from "./protocols";

/**
 * Which of a service's ports the load balancers publish. Every `ports` entry is published by
 * docker compose (`"3000"` and `- target: 3000` on a random host port), so each is a candidate;
 * `expose` entries are not. The application load balancer routes one HTTP port: `x-ecs` `port`,
 * else the first HTTP port (planner/protocols.ts) that is not bound to the host's loopback (a
 * `127.0.0.1:` binding means "this machine only": on ECS, only siblings reach it). TCP ports go
 * on the environment's network load balancer when `x-ecs` `loadBalancer` asks, else stay
 * internal: siblings reach them, nothing else does, and `check` says how to publish them.
 */

type Diagnose = (severity: Diagnostic["severity"], path: string, message: string, location?: SourceLocation) => void;

/** Where an override key was set (the environment's `services.<name>` or the compose file's `x-ecs`). */
export type OverrideOrigin = (key: keyof ServiceOverride) => { readonly path: string; readonly location?: SourceLocation };

export interface RoutedPort {
  readonly port: number;
  readonly protocol: "HTTP" | "HTTPS";
}

export interface NetworkPortRequest {
  readonly containerPort: number;
  /** The port compose published it on (the host port), else the container port: the production listener port. */
  readonly publishedPort: number;
}

export interface ServicePorts {
  readonly routed?: RoutedPort;
  readonly network: readonly NetworkPortRequest[];
}

export interface ServicePortsOptions {
  /** The environment has a network load balancer. */
  readonly networkLoadBalancer: boolean;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

export function isLoopbackBinding(port: Pick<PortMapping, "hostIp">): boolean {
  return port.hostIp !== undefined && LOOPBACK.test(port.hostIp);
}

interface Candidate {
  readonly port: PortMapping;
  readonly protocol: PortProtocol;
  readonly loopback: boolean;
  readonly network: boolean;
}

export function servicePorts(
  service: ServiceModel,
  override: ServiceOverride,
  options: ServicePortsOptions,
  origin: OverrideOrigin,
  diagnose: Diagnose,
): ServicePorts {
  const portsPath = `services.${service.name}.ports`;
  const unique = new Map<string, PortMapping>();
  for (const p of service.ports) if (!unique.has(`${p.target}/${p.protocol}`)) unique.set(`${p.target}/${p.protocol}`, p);
  const ports = [...unique.values()];
  checkPerPortKeys(service, override, origin, diagnose);

  const candidates: Candidate[] = ports.map((port) => {
    const protocol = portProtocol(service, override, port);
    const setting = settingForPort(override.loadBalancer, port.target);
    // `loadBalancer: network` publishes the TCP ports; a mapping names exactly the ports it means.
    const wanted = setting === "network" && (typeof override.loadBalancer !== "string" || !isHttp(protocol));
    return { port, protocol, loopback: isLoopbackBinding(port), network: wanted };
  });

  const network: NetworkPortRequest[] = [];
  for (const c of candidates.filter((x) => x.network)) {
    const at = origin("loadBalancer");
    if (c.protocol.kind === "udp") {
      diagnose(
        "warning",
        at.path,
        `udp port ${c.port.target}: compose2ecs puts only TCP ports on the network load balancer; it stays reachable from sibling services only`,
        at.location,
      );
    } else if (!options.networkLoadBalancer) {
      diagnose(
        "warning",
        at.path,
        `port ${c.port.target} asks for the network load balancer, but the environment has none: add networkLoadBalancer: {allowedCidrs: [...]} to the environment file; until then only sibling services reach it`,
        at.location,
      );
    } else {
      network.push({ containerPort: c.port.target, publishedPort: c.port.published ?? c.port.target });
    }
  }
  const onNetwork = new Set(network.map((n) => n.containerPort));

  const routed = routedPort(service, override, candidates, onNetwork, origin, diagnose);

  for (const c of candidates) {
    if (onNetwork.has(c.port.target) || c.network || isHttp(c.protocol) || c.loopback) continue;
    const hint = options.networkLoadBalancer
      ? "set x-ecs loadBalancer: network"
      : "set x-ecs loadBalancer: network and add networkLoadBalancer to the environment";
    diagnose(
      "warning",
      portsPath,
      `port ${c.port.target} is not HTTP (${c.protocol.reason}), so the application load balancer does not route it: on ECS only sibling services reach it (${service.name}:${c.port.target}); to publish it, ${hint}`,
      service.location,
    );
  }
  for (const c of candidates) {
    if (!c.loopback || !isHttp(c.protocol) || routed?.port === c.port.target) continue;
    diagnose(
      "info",
      portsPath,
      `port ${c.port.target} is bound to ${c.port.hostIp ?? ""} (this machine only), so the load balancer does not route it: on ECS only sibling services reach it; set x-ecs public: true to serve it`,
      service.location,
    );
  }
  return { ...(routed !== undefined ? { routed } : {}), network };
}

function routedPort(
  service: ServiceModel,
  override: ServiceOverride,
  candidates: readonly Candidate[],
  onNetwork: ReadonlySet<number>,
  origin: OverrideOrigin,
  diagnose: Diagnose,
): RoutedPort | undefined {
  if (override.public === false) return undefined;
  if (override.port !== undefined) {
    const port = override.port;
    const at = origin("port");
    // A port inside a declared range counts: the range's protocol settings are the port's.
    const entry = [...service.ports, ...service.expose].find((p) => coversPort(p, port));
    const declared: PortRef | undefined =
      entry === undefined
        ? undefined
        : (service.ports.find((p) => p.target === port && p.targetEnd === undefined) ?? { ...entry, target: port, protocol: entry.protocol });
    if (declared === undefined) {
      diagnose("error", at.path, `port ${port} is not one of the service's ports or expose entries`, at.location);
      return undefined;
    }
    const protocol = portProtocol(service, override, declared);
    if (!isHttp(protocol)) {
      diagnose(
        "error",
        at.path,
        `port ${port} is not HTTP (${protocol.reason}); the application load balancer routes HTTP only: set x-ecs protocol: {${port}: http} if it serves HTTP, or loadBalancer: network`,
        at.location,
      );
      return undefined;
    }
    if (onNetwork.has(port)) {
      diagnose("error", at.path, `port ${port} is also on the network load balancer (loadBalancer); a port is published by one load balancer`, at.location);
      return undefined;
    }
    return { port, protocol: protocol.kind === "https" ? "HTTPS" : "HTTP" };
  }
  const routable = candidates.filter((c) => isHttp(c.protocol) && !c.network && (!c.loopback || override.public === true));
  const first = routable[0];
  if (first === undefined) {
    if (override.public === true) {
      const at = origin("public");
      diagnose("error", at.path, "public: true needs an HTTP port in ports, or x-ecs port", at.location);
    }
    return undefined;
  }
  return { port: first.port.target, protocol: first.protocol.kind === "https" ? "HTTPS" : "HTTP" };
}

/** Per-port settings must name ports the service has. */
function checkPerPortKeys(service: ServiceModel, override: ServiceOverride, origin: OverrideOrigin, diagnose: Diagnose): void {
  const known = new Set([...service.ports.map((p) => p.target), ...service.expose]);
  for (const key of ["protocol", "loadBalancer"] as const) {
    const setting = override[key];
    if (setting === undefined || typeof setting === "string") continue;
    const unknown = Object.keys(setting)
      .map(Number)
      .filter((p) => !known.has(p));
    if (unknown.length === 0) continue;
    const at = origin(key);
    diagnose(
      "error",
      at.path,
      `${unknown.join(", ")} ${unknown.length === 1 ? "is not one of the service's ports" : "are not ports of the service"} (ports or expose)`,
      at.location,
    );
  }
}

import { PerPortSetting, PortMapping, ServiceModel, ServiceOverride } from "../compose/model";
import { NON_HTTP_PORTS, knownImage } from "../compose/well-known";

/**
 * What each port of a service speaks, decided once: only HTTP and HTTPS ports can be targets of
 * the application load balancer; a TCP or UDP server behind an HTTP target group fails its
 * health check for ever. In order: a UDP port is UDP; compose's own `app_protocol`; `x-ecs`
 * `protocol`; compose-cli's `x-aws-protocol`; the well-known table (compose/well-known.ts: the
 * image's ports, then protocols such as PostgreSQL or SMTP by port number); else HTTP, so an
 * unmarked port of an unknown image stays an HTTP target (as before: most published ports of
 * application images are web servers).
 *
 * gRPC is not an HTTP target here: the ALB forwards gRPC only from an HTTPS listener and routes
 * it by method path (`/package.Service/Method`), which per-service path prefixes cannot match;
 * it is treated as TCP (internal, or a network load balancer listener).
 */

export type PortProtocolKind = "http" | "https" | "tcp" | "udp";

export interface PortProtocol {
  readonly kind: PortProtocolKind;
  /** Why, for messages: `app_protocol: grpc`, `x-ecs.protocol`, `the PostgreSQL image`, `port 25 (SMTP)`. */
  readonly reason: string;
  /** False when nothing said so and HTTP was assumed. */
  readonly decided: boolean;
}

/** The port as the planner needs it: a container port and its transport (a `ports` entry or an `expose` one). */
export type PortRef = Pick<PortMapping, "target" | "protocol"> & Partial<Pick<PortMapping, "appProtocol" | "awsProtocol">>;

/** compose `app_protocol` and `x-aws-protocol` values: the URL-scheme-like names compose documents. */
function fromName(name: string, transport: PortRef["protocol"]): PortProtocolKind {
  const p = name.toLowerCase();
  if (["http", "http2", "h2c", "ws"].includes(p)) return "http";
  if (["https", "h2", "wss"].includes(p)) return "https";
  return transport === "udp" ? "udp" : "tcp";
}

/** The setting for `port` of a per-port `x-ecs` value (one value for every port, or a mapping by port). */
export function settingForPort<T extends string>(setting: PerPortSetting<T> | undefined, port: number): T | undefined {
  if (setting === undefined) return undefined;
  if (typeof setting === "string") return setting;
  return (setting as { readonly [port: number]: T })[port];
}

export function portProtocol(service: Pick<ServiceModel, "image">, override: Pick<ServiceOverride, "protocol">, port: PortRef): PortProtocol {
  if (port.protocol === "udp") return { kind: "udp", reason: "a udp port", decided: true };
  if (port.appProtocol !== undefined) {
    const kind = fromName(port.appProtocol, port.protocol);
    const grpc = port.appProtocol.toLowerCase() === "grpc" ? " (gRPC is not routed by the application load balancer)" : "";
    return { kind, reason: `app_protocol: ${port.appProtocol}${grpc}`, decided: true };
  }
  const setting = settingForPort(override.protocol, port.target);
  if (setting !== undefined) return { kind: setting, reason: `x-ecs protocol: ${setting}`, decided: true };
  if (port.awsProtocol !== undefined) return { kind: fromName(port.awsProtocol, port.protocol), reason: `x-aws-protocol: ${port.awsProtocol}`, decided: true };
  const image = knownImage(service.image);
  const known = image?.ports.find((p) => p.port === port.target);
  if (image !== undefined && known !== undefined) {
    const kind = known.protocol === "grpc" ? "tcp" : known.protocol;
    return {
      kind,
      reason: `the ${image.label} image speaks ${known.protocol === "grpc" ? "gRPC" : known.protocol.toUpperCase()} on ${port.target}`,
      decided: true,
    };
  }
  const protocolName = NON_HTTP_PORTS[port.target];
  if (protocolName !== undefined) return { kind: "tcp", reason: `port ${port.target} is ${protocolName}`, decided: true };
  return { kind: "http", reason: "an unmarked port of an image compose2ecs does not know is taken as HTTP", decided: false };
}

export function isHttp(protocol: PortProtocol): boolean {
  return protocol.kind === "http" || protocol.kind === "https";
}

import { EnvironmentConfig } from "../config/environment-model";
import { Plan } from "../planner/plan";
import { LISTENER_PORT_BASE } from "../planner/slots";
import { ConnectivitySummary, DEFAULT_PLACEHOLDERS, connectivitySummary } from "../planner/service-urls";

/**
 * `check`'s connectivity section: the project is planned for an environment (the built-in one,
 * or `--env`) so `check` shows what `synth` would decide: where each service is reached, which
 * compose networks admit what, and the planner's warnings (blocked references, ports not
 * published, nothing at `/`), and fails wherever planning fails.
 */

/** Where each service of a planned project is reached; a branch's own listener port is shown as a formula (check allocates no slot). */
export function connectivityOf(plan: Plan): ConnectivitySummary {
  return connectivitySummary(plan, { ...DEFAULT_PLACEHOLDERS, ...(plan.branch !== undefined ? { branchPort: `<${LISTENER_PORT_BASE} + slot>` } : {}) });
}

/** The section for people, one line per endpoint, then the networks and egress. */
export function renderConnectivity(summary: ConnectivitySummary, envName: string): string[] {
  const lines = [`Connectivity (environment ${envName}; DNS names are known after apply)`];
  const width = Math.max(8, ...summary.endpoints.map((e) => e.service.length));
  const addressWidth = Math.max(10, ...summary.endpoints.map((e) => e.address.length));
  for (const e of summary.endpoints) {
    const what =
      e.kind === "http"
        ? e.prefix === undefined
          ? `HTTP, container port ${e.port}, served at /`
          : `HTTP, container port ${e.port}; the app receives ${e.prefix}/... unchanged`
        : e.kind === "tcp"
          ? `TCP, container port ${e.port}, on the network load balancer`
          : "sibling services only";
    lines.push(`  ${e.service.padEnd(width)}  ${e.address.padEnd(addressWidth)}  ${what}`);
  }
  if (summary.endpoints.some((e) => e.prefix !== undefined)) {
    lines.push("  The load balancer passes paths on unchanged: an app routed below / must serve under its prefix.");
  }
  for (const n of summary.networks) {
    // A lone open member next to declared-ports ones is, in effect, reached on declared ports only too.
    const lone = n.open.length === 1 && n.declaredPorts.length > 0;
    const strict = lone ? [...n.open, ...n.declaredPorts].sort() : n.declaredPorts;
    const open =
      n.open.length > 1 ? `${n.open.join(", ")} reach each other on every port` : n.open.length === 1 && !lone ? `${n.open[0] ?? ""} (alone on it)` : "";
    const declared = strict.length > 0 ? `${strict.join(", ")} ${strict.length === 1 ? "is" : "are"} reached on declared ports only` : "";
    lines.push(`  network ${n.network}: ${[open, declared].filter((t) => t !== "").join("; ")}`);
  }
  const egress = summary.egress.map((e) => `${e.service}: ${e.rules.map((r) => `${r.protocol}/${r.port} to ${r.cidr}`).join(", ")}`);
  lines.push(`  outbound: HTTPS (443) anywhere and the VPC${egress.length > 0 ? `; also ${egress.join("; ")}` : ""}`);
  return lines;
}

/** How the section names the environment it planned for. */
export function environmentLabel(env: EnvironmentConfig | undefined): string {
  if (env === undefined) return "built-in, with an internal load balancer; --env NAME plans for yours";
  return env.file !== undefined ? `${env.name}, ${env.file}` : env.name;
}

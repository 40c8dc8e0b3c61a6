import { ComposeProject, Diagnostic, ServiceModel, ServiceOverride, SourceLocation } from "../compose/model";
import { BranchContext, EnvironmentConfig } from "../config/environment-model";
import * as names from "../naming/names";
import { targetHealthCheck } from "./health-check";
import { listenerPorts } from "./network-load-balancer";
import { NetworkTargetPlan, RoutePlan } from "./plan";
import { isHttp, portProtocol } from "./protocols";
import { RootDecision, chooseRoot, noRootMessage } from "./root-route";
import { assignPriorities, routeConditions } from "./routes";
import { NetworkPortRequest, OverrideOrigin, RoutedPort, servicePorts } from "./service-ports";

/**
 * A stack's load-balancer routes, decided together because they are stack-wide decisions:
 * which port of each service each load balancer publishes (planner/service-ports.ts), which
 * service is at `/` (planner/root-route.ts), listener-rule priorities (planner/routes.ts) and
 * network load balancer listener ports (planner/network-load-balancer.ts).
 */

type Diagnose = (severity: Diagnostic["severity"], path: string, message: string, location?: SourceLocation) => void;

export interface RoutesInput {
  readonly project: ComposeProject;
  readonly env: EnvironmentConfig;
  readonly scope: names.NameScope;
  readonly branch?: BranchContext;
  readonly overrideOf: (service: ServiceModel) => ServiceOverride;
}

export interface AppRoutes {
  /** The application load balancer route of each routed service. */
  readonly routes: ReadonlyMap<string, RoutePlan>;
  /** Network load balancer listeners by service. */
  readonly networkTargets: ReadonlyMap<string, readonly NetworkTargetPlan[]>;
  readonly root: RootDecision;
}

/** Where an override key was set: the environment's `services.<name>` wins over the compose file's `x-ecs`. */
export function overrideOrigin(env: EnvironmentConfig, service: ServiceModel, at: (key: string) => SourceLocation | undefined): OverrideOrigin {
  return (key) => {
    if (env.services[service.name]?.[key] !== undefined) {
      const location = at(`services.${service.name}.${key}`);
      return { path: `services.${service.name}.${key}`, ...(location ? { location } : {}) };
    }
    return { path: `services.${service.name}.x-ecs.${key}`, ...(service.location ? { location: service.location } : {}) };
  };
}

/** Whether the service publishes container or host port 80 or 443 on an HTTP port. */
function publishesWebPort(service: ServiceModel, override: ServiceOverride): boolean {
  return service.ports.some((p) => [p.target, p.published].some((n) => n === 80 || n === 443) && isHttp(portProtocol(service, override, p)));
}

export function planRoutes(input: RoutesInput, at: (key: string) => SourceLocation | undefined, diagnose: Diagnose): AppRoutes | undefined {
  const { project, env, scope, branch } = input;
  const domain = env.loadBalancer.domain;
  const slot = branch?.slot ?? 0;
  const branchHost = branch && domain ? `${branch.slug}.${domain}` : undefined;

  const decided: { service: ServiceModel; override: ServiceOverride; routed?: RoutedPort; network: readonly NetworkPortRequest[]; host?: string }[] = [];
  for (const service of project.services) {
    const override = input.overrideOf(service);
    const ports = servicePorts(service, override, { networkLoadBalancer: env.networkLoadBalancer !== undefined }, overrideOrigin(env, service, at), diagnose);
    // A branch's own listener is reached by the ALB's DNS name: a production host header would never match.
    const host = branch && domain === undefined ? undefined : override.host;
    decided.push({ service, override, network: ports.network, ...(ports.routed ? { routed: ports.routed } : {}), ...(host !== undefined ? { host } : {}) });
  }

  const routed = decided.filter((d) => d.routed !== undefined);
  const root = chooseRoot(
    routed.map((d) => ({
      service: d.service.name,
      ...(d.override.path !== undefined ? { path: d.override.path } : {}),
      byHost: branchHost === undefined && (d.host !== undefined || domain !== undefined),
      webPort: publishesWebPort(d.service, d.override),
    })),
  );
  const rootMessage = noRootMessage(root);
  if (rootMessage !== undefined) diagnose("warning", "services", rootMessage);

  const candidates = routed.map((d) => {
    const path = d.override.path ?? (root.kind !== "none" && root.service === d.service.name ? "/" : undefined);
    const conditions = routeConditions(
      { service: d.service.name, ...(path !== undefined ? { path } : {}), ...(d.host !== undefined ? { host: d.host } : {}) },
      { ...(branchHost ? { branchHost } : {}), ...(!branch && domain ? { domain } : {}) },
    );
    return {
      service: d.service.name,
      ...conditions,
      port: d.routed?.port ?? 0,
      protocol: d.routed?.protocol ?? "HTTP",
      model: d.service,
      override: d.override,
    };
  });
  const assigned = assignPriorities(candidates, slot);
  if (!assigned.ok) {
    diagnose("error", "services", assigned.message);
    return undefined;
  }
  const routes = new Map<string, RoutePlan>(
    assigned.routes.map((r) => [
      r.service,
      {
        service: r.service,
        containerName: r.service,
        containerPort: r.port,
        protocol: r.protocol,
        targetGroupName: names.targetGroupName(scope, r.service, r.port),
        priority: r.priority,
        hosts: r.hosts,
        paths: r.paths,
        healthCheck: targetHealthCheck(r.model.healthcheck, r.port, r.override.healthCheckPath),
        deregistrationDelaySeconds: env.deregistrationDelaySeconds,
      },
    ]),
  );

  const requests = decided.flatMap((d) => d.network.map((n) => ({ service: d.service.name, ...n })));
  const listeners = listenerPorts(requests, slot);
  if (!listeners.ok) {
    diagnose("error", "services", listeners.message);
    return undefined;
  }
  const networkTargets = new Map<string, NetworkTargetPlan[]>();
  requests.forEach((r, i) => {
    const list = networkTargets.get(r.service) ?? [];
    list.push({
      service: r.service,
      containerName: r.service,
      containerPort: r.containerPort,
      listenerPort: listeners.ports[i] ?? r.publishedPort,
      targetGroupName: names.networkTargetGroupName(scope, r.service, r.containerPort),
      deregistrationDelaySeconds: env.deregistrationDelaySeconds,
    });
    networkTargets.set(r.service, list);
  });
  return { routes, networkTargets, root };
}

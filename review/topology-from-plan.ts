import { ComposeProject } from "../compose/model";
import { ContainerPlan, Plan, ServicePlan } from "../planner/plan";
import { Topology, TopologyListener, TopologyService } from "./topology";

/** The diagram's view of a Plan: routes, task sizes, dependencies; compose depends_on/links from the project. */

function imageText(container: ContainerPlan): string {
  return container.image.kind === "image" ? container.image.image : `ECR ${container.image.service}:${container.image.tag}`;
}

function dependencies(service: ServicePlan, project: ComposeProject, ownerOf: ReadonlyMap<string, string>): string[] {
  const names = project.services
    .filter((s) => service.composeServices.includes(s.name))
    .flatMap((s) => [...s.dependsOn.map((d) => d.service), ...s.links.map((l) => l.split(":")[0] ?? l)]);
  const owners = names.map((n) => ownerOf.get(n)).filter((id): id is string => id !== undefined && id !== service.id);
  return [...new Set(owners)].sort();
}

function topologyService(service: ServicePlan, project: ComposeProject, ownerOf: ReadonlyMap<string, string>): TopologyService {
  const appContainers = service.containers.filter((c) => service.composeServices.includes(c.name));
  return {
    id: service.id,
    composeServices: service.composeServices,
    cpu: service.size.cpu,
    memory: service.size.memory,
    replicas: service.desiredCount,
    ...(service.autoscaling ? { autoscaling: { min: service.autoscaling.minCapacity, max: service.autoscaling.maxCapacity } } : {}),
    images: appContainers.map(imageText),
    ...(service.names.discovery !== undefined ? { discoveryName: service.names.discovery } : {}),
    dependsOn: dependencies(service, project, ownerOf),
    volumes: [...service.efsVolumes].sort(),
    secrets: [...service.secrets].sort(),
  };
}

function listenerOf(plan: Plan): TopologyListener {
  const { listener } = plan.app;
  const rules = plan.app.services
    .flatMap((s) =>
      s.routes.map((r) => ({
        priority: r.priority,
        hosts: r.hosts,
        paths: r.paths,
        targetGroup: r.targetGroupName,
        service: s.id,
        containerPort: r.containerPort,
      })),
    )
    .sort((a, b) => a.priority - b.priority);
  return {
    protocol: listener.kind === "shared" ? listener.protocol : "HTTP",
    port: listener.port,
    shared: listener.kind === "shared",
    rules,
    defaultAction: "fixed 404",
  };
}

export function topologyFromPlan(plan: Plan, project: ComposeProject): Topology {
  const ownerOf = new Map(plan.app.services.flatMap((s) => s.composeServices.map((c) => [c, s.id] as const)));
  const where = plan.branch ? `branch ${plan.branch.branch}` : plan.app.stackName;
  return {
    title: `${plan.project} · ${plan.env.name} · ${where}`,
    loadBalancer: { name: plan.base.loadBalancer.name, internal: plan.base.loadBalancer.internal, allowedCidrs: plan.base.loadBalancer.allowedCidrs },
    listeners: plan.app.services.some((s) => s.routes.length > 0) ? [listenerOf(plan)] : [],
    services: plan.app.services.map((s) => topologyService(s, project, ownerOf)),
    ...(plan.app.discovery ? { discoveryNamespace: plan.app.namespace } : {}),
    volumes: plan.app.volumes.map((v) => v.name).sort(),
    secrets: plan.app.secrets.map((s) => s.name).sort(),
  };
}

import { ComposeProject, Dependency, DependencyCondition, ServiceModel } from "../compose/model";
import { RULES, fitName } from "../naming/names";
import { containerPortMappings } from "./container-ports";
import { containerHealthCheck } from "./health-check";
import { ContainerDependencyCondition, ContainerPlan, ImageRef, TaskVolumePlan } from "./plan";

/** The init container docker compose's ECS integration used so bare service names resolve. */
export const SEARCH_DOMAIN_SIDECAR = { name: "searchdomain-sidecar", image: "docker/ecs-searchdomain-sidecar:1.0" } as const;

/** Ulimit names ECS accepts (ECS API, `Ulimit.name`). */
const ECS_ULIMITS = new Set([
  "core",
  "cpu",
  "data",
  "fsize",
  "locks",
  "memlock",
  "msgqueue",
  "nice",
  "nofile",
  "nproc",
  "rss",
  "rtprio",
  "rttime",
  "sigpending",
  "stack",
]);

/** Fargate stops a container at most 120 s after SIGTERM. */
const MAX_STOP_TIMEOUT = 120;

/** Task volume name for a mount: the compose volume, or a scratch volume named after its path. */
export function taskVolumeFor(project: ComposeProject, mount: ServiceModel["volumes"][number]): TaskVolumePlan | undefined {
  if (mount.type === "volume" && mount.source !== undefined) {
    const named = project.volumes.find((v) => v.name === mount.source);
    if (named === undefined || named.external) return undefined;
    return { kind: "efs", name: fitName(mount.source, RULES.ecs), volume: mount.source };
  }
  if ((mount.type === "volume" && mount.source === undefined) || mount.type === "tmpfs") {
    // Anonymous volumes and tmpfs are task-local scratch space: the task's ephemeral storage.
    return { kind: "scratch", name: fitName(`scratch${mount.target.replace(/\//g, "-")}`, RULES.ecs) };
  }
  return undefined;
}

function imageOf(service: ServiceModel, imageTag: string): ImageRef | undefined {
  if (service.build !== undefined) return { kind: "ecr", service: service.name, tag: imageTag };
  if (service.image !== undefined) return { kind: "image", image: service.image };
  return undefined;
}

const CONDITIONS: Readonly<Record<DependencyCondition, ContainerDependencyCondition>> = {
  service_started: "START",
  service_healthy: "HEALTHY",
  service_completed_successfully: "SUCCESS",
};

/** Container dependencies inside one task (single-task placement): compose conditions to ECS ones. */
export function containerDependencies(
  dependsOn: readonly Dependency[],
  inTask: ReadonlyMap<string, ServiceModel>,
): { containerName: string; condition: ContainerDependencyCondition }[] {
  return dependsOn
    .filter((d) => inTask.has(d.service))
    .map((d) => {
      const target = inTask.get(d.service);
      // ECS rejects HEALTHY on a container without a health check; wait for it to start instead.
      const healthy = target !== undefined && containerHealthCheck(target.healthcheck) !== undefined;
      const condition = CONDITIONS[d.condition] === "HEALTHY" && !healthy ? "START" : CONDITIONS[d.condition];
      return { containerName: d.service, condition };
    })
    .sort((a, b) => (a.containerName < b.containerName ? -1 : 1));
}

export interface ContainerOptions {
  readonly imageTag: string;
  readonly essential: boolean;
  /** The container port the load balancer targets: split out of a port range that holds it. */
  readonly routedPort?: number;
  readonly dependsOn: readonly { containerName: string; condition: ContainerDependencyCondition }[];
}

/** The app container of a compose service: every setting the model carries that ECS can hold. */
export function appContainer(project: ComposeProject, service: ServiceModel, options: ContainerOptions): ContainerPlan | undefined {
  const image = imageOf(service, options.imageTag);
  if (image === undefined) return undefined;
  const mountPoints = service.volumes
    .map((m) => ({ mount: m, volume: taskVolumeFor(project, m) }))
    .filter((x): x is { mount: typeof x.mount; volume: TaskVolumePlan } => x.volume !== undefined)
    .map((x) => ({ volume: x.volume.name, containerPath: x.mount.target, readOnly: x.mount.readOnly }));
  const health = containerHealthCheck(service.healthcheck);
  return {
    name: service.name,
    image,
    essential: options.essential,
    ...(service.command !== undefined ? { command: service.command } : {}),
    ...(service.entrypoint !== undefined ? { entryPoint: service.entrypoint } : {}),
    environment: Object.keys(service.environment)
      .sort()
      .map((name) => ({ name, value: service.environment[name] ?? "" })),
    // Compose secrets are files under /run/secrets, written by an init container (planner/secrets.ts), never variables.
    secrets: [],
    portMappings: containerPortMappings(service.ports, service.expose, options.routedPort),
    ...(health !== undefined ? { healthCheck: health } : {}),
    dependsOn: options.dependsOn,
    ulimits: service.ulimits
      .filter((u) => ECS_ULIMITS.has(u.name))
      .map((u) => ({ name: u.name, softLimit: u.soft, hardLimit: u.hard }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    ...(service.user !== undefined ? { user: service.user } : {}),
    ...(service.workingDir !== undefined ? { workingDirectory: service.workingDir } : {}),
    dockerLabels: service.labels,
    mountPoints,
    readonlyRootFilesystem: service.readOnly,
    ...(service.stopGracePeriodSeconds !== undefined
      ? { stopTimeout: Math.min(MAX_STOP_TIMEOUT, Math.max(0, Math.round(service.stopGracePeriodSeconds))) }
      : {}),
    logStreamPrefix: service.name,
  };
}

/** The search-domain init container: sets the task's DNS search domain to the stack's namespace, then exits. */
export function searchDomainContainer(namespace: string): ContainerPlan {
  return {
    name: SEARCH_DOMAIN_SIDECAR.name,
    image: { kind: "image", image: SEARCH_DOMAIN_SIDECAR.image },
    essential: false,
    command: [namespace],
    environment: [],
    secrets: [],
    portMappings: [],
    dependsOn: [],
    ulimits: [],
    dockerLabels: {},
    mountPoints: [],
    readonlyRootFilesystem: false,
    logStreamPrefix: SEARCH_DOMAIN_SIDECAR.name,
  };
}

import { ComposeProject, Diagnostic, ServiceModel, ServiceOverride, SourceLocation } from "../compose/model";
import { mergeOverrides } from "../compose/x-ecs";
import { DEFAULT_EC2_CAPACITY } from "../config/defaults";
import { BranchContext, EnvironmentConfig } from "../config/environment-model";
import { environmentLocation } from "../config/locations";
import * as names from "../naming/names";
import { planRoutes } from "./app-routes";
import { appContainer, containerDependencies, searchDomainContainer, taskVolumeFor } from "./containers";
import { deploymentPercentages } from "./deployment";
import { checkLimits } from "./limits";
import { subnetLayout } from "./network";
import { NetworkAccessPlan, accessMember, loadBalancerIngress, memberships, networkIngress, planNetworkAccess, unionEgress } from "./network-access";
import { networkLoadBalancerPlan } from "./network-load-balancer";
import {
  AppPlan,
  BasePlan,
  ContainerPlan,
  EfsVolumePlan,
  ListenerPlan,
  NetworkPlan,
  NetworkTargetPlan,
  Plan,
  PoolAlbPlan,
  RoutePlan,
  SecretPlan,
  ServicePlan,
  TaskSize,
  TaskVolumePlan,
} from "./plan";
import { listenerPort, MAX_SLOT } from "./slots";
import { secretPlan } from "./secrets";
import { scheduleApp } from "./sleep-schedule";
import { completeApp, completeService } from "./service-details";
import { LARGEST_FARGATE_SIZE, SMALLEST_FARGATE_SIZE, bytesToMiB, cpusToUnits, nearestFargateSize } from "./task-size";

export interface PlanInput {
  readonly project: ComposeProject;
  readonly env: EnvironmentConfig;
  /** Set for a branch environment's application stack. */
  readonly branch?: BranchContext;
  /** Synthesize without the data protection of volumes (`synth --allow-data-loss`). @default false */
  readonly allowDataLoss?: boolean;
}

export interface PlanResult {
  /** Present when there were no errors. */
  readonly plan?: Plan;
  readonly diagnostics: readonly Diagnostic[];
}

/** ECS allows 10 containers per task definition. */
export const MAX_CONTAINERS_PER_TASK = 10;
/** Default quota of security groups per network interface; one is the service's own. */
const MAX_SECURITY_GROUPS = 5;

type Diagnose = (severity: Diagnostic["severity"], path: string, message: string, location?: SourceLocation) => void;

/** Every ECS decision for one (project, environment, branch), or the errors that prevent it. */
export function planProject(input: PlanInput): PlanResult {
  const diagnostics: Diagnostic[] = [];
  const diagnose: Diagnose = (severity, path, message, location) => diagnostics.push({ severity, path, message, ...(location ? { location } : {}) });
  const { project, env } = input;
  // Problems with an environment key point at that key; the location names the file.
  const envKey = (key: string) => environmentLocation(env, key);

  if (env.branches && input.branch === undefined) {
    diagnose("error", "branches", `environment "${env.name}" makes one stack per branch: give --branch NAME (or set BRANCH)`, envKey("branches"));
  }
  if (!env.branches && input.branch !== undefined) {
    diagnose("error", "branches", `environment "${env.name}" has no branch stacks (branches: false); drop --branch`, envKey("branches"));
  }
  if (!env.loadBalancer.internal && env.loadBalancer.allowedCidrs.length === 0) {
    diagnose(
      "error",
      "loadBalancer.allowedCidrs",
      `the load balancer is internet-facing but no CIDR may reach it: list the allowed CIDRs (e.g. ["203.0.113.0/24"], or ["0.0.0.0/0"] for the whole internet) or set loadBalancer.internal: true` +
        (env.file === undefined
          ? ` (in environments/${env.name}.yml; synth without --env uses the built-in "${env.name}" environment, so pick one with --env)`
          : ""),
      envKey("loadBalancer.allowedCidrs"),
    );
  }
  if (project.services.length === 0) diagnose("error", "services", "the project has no services to deploy");
  for (const name of Object.keys(env.services).sort()) {
    if (!project.services.some((s) => s.name === name)) {
      diagnose("warning", `services.${name}`, `no compose service "${name}"; the override is ignored`, envKey(`services.${name}`));
    }
  }

  const branch = env.branches ? input.branch : undefined;
  if (branch !== undefined && (branch.alb ?? 1) > env.loadBalancer.pool) {
    diagnose(
      "error",
      "loadBalancer.pool",
      `branch "${branch.branch}" is placed on load balancer ${branch.alb ?? 1} of the pool, but loadBalancer.pool is ${env.loadBalancer.pool}: ` +
        `a branch keeps its load balancer, so destroy it (compose2ecs down --env ${env.name} --branch ${branch.branch}) before shrinking the pool, or raise loadBalancer.pool to ${branch.alb ?? 1} again`,
      envKey("loadBalancer.pool"),
    );
  }
  const scope: names.NameScope = { project: project.name, env: env.name, ...(branch ? { slug: branch.slug } : {}) };
  const baseScope: names.NameScope = { project: project.name, env: env.name };
  const base = planBase(baseScope, env, diagnose);
  const laidOut = planApp(project, env, scope, branch, diagnose);
  const completed =
    laidOut && completeApp(laidOut, { project, env, scope, diagnose, branchStack: branch !== undefined, allowDataLoss: input.allowDataLoss === true });
  // Only branch stacks sleep: production stacks run around the clock.
  const app = completed && branch !== undefined && env.sleepSchedule !== undefined ? scheduleApp(completed, env.sleepSchedule) : completed;
  if (base !== undefined && app !== undefined) {
    const locations = new Map(project.services.map((s) => [s.name, s.location]));
    const cidrsAt = envKey("loadBalancer.allowedCidrs");
    diagnostics.push(
      ...checkLimits(base, app, {
        service: (s) => locations.get(s.id),
        allowedCidrsPath: "loadBalancer.allowedCidrs",
        ...(cidrsAt ? { environment: cidrsAt } : {}),
      }),
    );
  }
  if (diagnostics.some((d) => d.severity === "error") || base === undefined || app === undefined) return { diagnostics };
  return {
    plan: {
      project: project.name,
      env,
      ...(branch ? { branch: { branch: branch.branch, slug: branch.slug, slot: branch.slot, alb: branch.alb ?? 1 } } : {}),
      base,
      app,
    },
    diagnostics,
  };
}

function planBase(scope: names.NameScope, env: EnvironmentConfig, diagnose: Diagnose): BasePlan | undefined {
  const network = planNetwork(scope, env, diagnose);
  if (network === undefined) return undefined;
  const lb = env.loadBalancer;
  const ec2 = env.capacity.kind === "ec2" ? { ...DEFAULT_EC2_CAPACITY, ...env.capacity.ec2 } : undefined;
  const nlb = networkLoadBalancerPlan(scope, env);
  if (nlb !== undefined && !nlb.internal && nlb.allowedCidrs.length === 0) {
    diagnose(
      "error",
      "networkLoadBalancer.allowedCidrs",
      "the network load balancer is internet-facing but no CIDR may reach it: list the allowed CIDRs or set networkLoadBalancer.internal: true",
      environmentLocation(env, "networkLoadBalancer"),
    );
  }
  return {
    stackName: names.baseStackName(env.name),
    scope,
    network,
    cluster: {
      name: names.clusterName(scope),
      containerInsights: env.capacity.containerInsights,
      kind: env.capacity.kind,
      ...(ec2
        ? {
            ec2: {
              ...ec2,
              capacityProviderName: names.capacityProviderName(scope),
              launchTemplateName: names.launchTemplateName(scope),
              autoScalingGroupName: names.autoScalingGroupName(scope),
              instanceRoleName: names.instanceRoleName(scope),
              instanceProfileName: names.instanceProfileName(scope),
              securityGroupName: names.instanceSecurityGroupName(scope),
            },
          }
        : {}),
    },
    loadBalancer: {
      name: names.loadBalancerName(scope),
      securityGroupName: names.loadBalancerSecurityGroupName(scope),
      internal: lb.internal,
      allowedCidrs: [...lb.allowedCidrs].sort(),
      ...(lb.certificateArn ? { certificateArn: lb.certificateArn } : {}),
      sslPolicy: lb.sslPolicy,
      idleTimeoutSeconds: lb.idleTimeoutSeconds,
      ...(lb.accessLogsBucket ? { accessLogsBucket: lb.accessLogsBucket } : {}),
      deletionProtection: lb.deletionProtection,
      ...(lb.wafAclArn ? { wafAclArn: lb.wafAclArn } : {}),
      ...(env.branches && lb.domain === undefined ? { branchPortRange: { from: listenerPort(1), to: listenerPort(MAX_SLOT) } } : {}),
      pool: albPool(scope, env),
    },
    ...(nlb !== undefined ? { networkLoadBalancer: nlb } : {}),
  };
}

/** The base's ALBs: one, or loadBalancer.pool of them in a branch environment. */
function albPool(scope: names.NameScope, env: EnvironmentConfig): PoolAlbPlan[] {
  const size = env.branches ? env.loadBalancer.pool : 1;
  return Array.from({ length: size }, (_, i) => ({ index: i + 1, name: names.loadBalancerName(scope, i + 1) }));
}

function planNetwork(scope: names.NameScope, env: EnvironmentConfig, diagnose: Diagnose): NetworkPlan | undefined {
  const net = env.network;
  if (net.kind === "existing") {
    return { kind: "existing", vpcId: net.vpcId, publicSubnetIds: [...net.publicSubnetIds], privateSubnetIds: [...net.privateSubnetIds] };
  }
  const layout = subnetLayout(net.cidr, net.azs);
  if (layout === undefined || net.azs.length < 2 || net.azs.length > 3) {
    diagnose(
      "error",
      "network",
      `cannot lay out subnets for ${net.azs.length} AZs in ${net.cidr}: use 2-3 AZs and a VPC of /16 to /24`,
      environmentLocation(env, "network"),
    );
    return undefined;
  }
  const subnets = (tier: "public" | "private", cidrs: readonly string[]) =>
    net.azs.map((az, i) => ({ name: names.subnetName(scope, tier, az), az, cidr: cidrs[i] ?? "" }));
  return {
    kind: "new",
    vpcName: names.vpcName(scope),
    cidr: net.cidr,
    publicSubnets: subnets("public", layout.public),
    privateSubnets: subnets("private", layout.private),
    nat: net.nat,
    ...(net.flowLogs ? { flowLogs: { logGroupName: names.flowLogGroupName(scope), roleName: names.flowLogRoleName(scope) } } : {}),
  };
}

/** Requested CPU units and MiB: the override, else compose limits, else reservations, else the smallest task. */
function requestedSize(service: ServiceModel, override: ServiceOverride): TaskSize {
  const { limits, reservations } = service.deploy;
  const cpus = limits.cpus ?? reservations.cpus;
  const bytes = limits.memoryBytes ?? reservations.memoryBytes;
  return {
    cpu: override.cpu ?? (cpus !== undefined ? cpusToUnits(cpus) : SMALLEST_FARGATE_SIZE.cpu),
    memory: override.memory ?? (bytes !== undefined ? bytesToMiB(bytes) : SMALLEST_FARGATE_SIZE.memory),
  };
}

function sizeFor(requested: TaskSize, path: string, subject: string, diagnose: Diagnose, location?: SourceLocation): TaskSize | undefined {
  const size = nearestFargateSize(requested.cpu, requested.memory);
  if (size === undefined) {
    diagnose(
      "error",
      path,
      `${subject} needs ${requested.cpu / 1024} vCPU and ${requested.memory} MiB; the largest Fargate task is ${LARGEST_FARGATE_SIZE.cpu / 1024} vCPU with ${LARGEST_FARGATE_SIZE.memory} MiB`,
      location,
    );
  }
  return size;
}

function planApp(
  project: ComposeProject,
  env: EnvironmentConfig,
  scope: names.NameScope,
  branch: BranchContext | undefined,
  diagnose: Diagnose,
): Omit<AppPlan, "secretVariables" | "dataProtection"> | undefined {
  const domain = env.loadBalancer.domain;
  const slot = branch?.slot ?? 0;
  const branchHost = branch && domain ? `${branch.slug}.${domain}` : undefined;
  const listener: ListenerPlan =
    branch && domain === undefined
      ? { kind: "own", port: listenerPort(slot) }
      : env.loadBalancer.certificateArn
        ? { kind: "shared", port: 443, protocol: "HTTPS" }
        : { kind: "shared", port: 80, protocol: "HTTP" };
  const albIndex = branch?.alb ?? 1;
  const alb: PoolAlbPlan = { index: albIndex, name: names.loadBalancerName({ project: scope.project, env: scope.env }, albIndex) };
  const namespace = names.namespaceName(scope);
  const overrides = new Map(project.services.map((s) => [s.name, mergeOverrides(s.ecs, env.services[s.name])]));
  const overrideOf = (s: ServiceModel): ServiceOverride => overrides.get(s.name) ?? {};

  // Routes first: priorities are a stack-wide decision.
  const planned = planRoutes({ project, env, scope, ...(branch ? { branch } : {}), overrideOf }, (key) => environmentLocation(env, key), diagnose);
  if (planned === undefined) return undefined;
  const { routes, networkTargets } = planned;

  // Network access is stack-wide too: which groups each compose network needs.
  const access: ServiceAccess = { ...planNetworkAccess(project, env, scope, overrideOf, diagnose), networkTargets };

  const services =
    env.placement === "single-task"
      ? planSingleTask(project, env, scope, routes, access, diagnose)
      : project.services.map((s) => planService(project, env, scope, s, overrideOf(s), routes.get(s.name), access, namespace, diagnose));
  if (services.some((s) => s === undefined)) return undefined;
  const plans = services as ServicePlan[];

  const usedSecrets = [...new Set(plans.flatMap((s) => s.secrets))].sort();
  const secrets: SecretPlan[] = [];
  for (const name of usedSecrets) {
    const declared = project.secrets.find((s) => s.name === name);
    if (declared === undefined) {
      diagnose("error", `secrets.${name}`, `secret "${name}" is used by a service but not declared at the top level`);
      continue;
    }
    secrets.push(secretPlan(declared, scope));
  }

  const volumes: EfsVolumePlan[] = [];
  for (const volume of project.volumes) {
    const users = plans.filter((p) => p.efsVolumes.includes(volume.name));
    if (users.length === 0) continue;
    const owner = users
      .flatMap((p) => p.containers)
      .filter((c) => c.mountPoints.some((m) => m.volume === names.fitName(volume.name, names.RULES.ecs)))
      .map((c) => numericUser(c.user))
      .find((u) => u !== undefined);
    volumes.push({
      name: volume.name,
      fileSystemName: names.efsName(scope, volume.name),
      creationToken: names.efsCreationToken(scope, volume.name),
      securityGroupName: names.efsSecurityGroupName(scope, volume.name),
      mountedBy: users.map((p) => p.id),
      owner: owner ?? { uid: 0, gid: 0 },
    });
  }
  // An external volume is not mounted: the conversion report says so at its entry (planner/report.ts).

  return {
    stackName: names.appStackName(env.name, branch?.slug),
    stateName: names.appStateName(branch?.slug),
    scope,
    slot,
    namespace,
    listener,
    alb,
    ...(branchHost ? { host: branchHost } : {}),
    ...(branchHost && env.loadBalancer.hostedZoneId !== undefined ? { dnsRecord: { zoneId: env.loadBalancer.hostedZoneId, name: branchHost } } : {}),
    services: plans,
    networks: access.groups,
    secrets,
    volumes,
    repositories: project.services.filter((s) => s.build !== undefined).map((s) => ({ service: s.name, name: names.ecrRepositoryName(scope, s.name) })),
    logRetentionDays: env.logRetentionDays,
    discovery: env.placement !== "single-task",
  };
}

function numericUser(user: string | undefined): { uid: number; gid: number } | undefined {
  const match = user === undefined ? null : /^(\d+)(?::(\d+))?$/.exec(user);
  if (match === null) return undefined;
  const uid = Number(match[1]);
  return { uid, gid: match[2] === undefined ? uid : Number(match[2]) };
}

function taskVolumes(project: ComposeProject, services: readonly ServiceModel[]): TaskVolumePlan[] {
  const byName = new Map<string, TaskVolumePlan>();
  for (const s of services) {
    for (const m of s.volumes) {
      const v = taskVolumeFor(project, m);
      if (v !== undefined && !byName.has(v.name)) byName.set(v.name, v);
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** What network access needs from the stack to plan one ECS service. */
interface ServiceAccess extends NetworkAccessPlan {
  readonly networkTargets: ReadonlyMap<string, readonly NetworkTargetPlan[]>;
}

function checkNetworks(id: string, networks: readonly string[], diagnose: Diagnose, location?: SourceLocation): void {
  if (networks.length > MAX_SECURITY_GROUPS - 1) {
    diagnose(
      "error",
      `services.${id}.networks`,
      `joins ${networks.length} networks; ECS tasks take at most ${MAX_SECURITY_GROUPS} security groups (one per network plus the service's own)`,
      location,
    );
  }
}

function planService(
  project: ComposeProject,
  env: EnvironmentConfig,
  scope: names.NameScope,
  service: ServiceModel,
  override: ServiceOverride,
  route: RoutePlan | undefined,
  access: ServiceAccess,
  namespace: string,
  diagnose: Diagnose,
): ServicePlan | undefined {
  const path = `services.${service.name}`;
  const size = sizeFor(requestedSize(service, override), `${path}.deploy.resources`, `service "${service.name}"`, diagnose, service.location);
  const sidecar = searchDomainContainer(namespace);
  const container = appContainer(project, service, {
    imageTag: env.imageTag,
    essential: true,
    ...(route ? { routedPort: route.containerPort } : {}),
    dependsOn: [{ containerName: sidecar.name, condition: "SUCCESS" }],
  });
  if (container === undefined) {
    diagnose("error", path, "needs an image or a build section", service.location);
    return undefined;
  }
  checkNetworks(service.name, service.networks, diagnose, service.location);
  if (size === undefined) return undefined;

  const mode = service.deploy.mode;
  const daemon = (mode === "global" || mode === "global-job") && env.capacity.kind === "ec2";
  // global and job modes are already reported by the loader (compose/report.ts), at their line.
  const autoscaling = override.autoscaling;
  const requestedCount = override.replicas ?? service.deploy.replicas ?? 1;
  const desiredCount = autoscaling ? Math.min(autoscaling.maxCapacity, Math.max(autoscaling.minCapacity, requestedCount)) : requestedCount;
  const volumes = taskVolumes(project, [service]);
  const routes = route ? [route] : [];
  const networkTargets = access.networkTargets.get(service.name) ?? [];
  const member = access.members.get(service.name) ?? accessMember(service, "compose");
  const startPeriod = container.healthCheck?.startPeriod ?? 0;
  return completeService(
    {
      id: service.name,
      composeServices: [service.name],
      names: {
        ecsService: names.ecsServiceName(scope, service.name),
        family: names.taskFamily(scope, service.name),
        logGroup: names.logGroupName(scope, service.name),
        executionRole: names.executionRoleName(scope, service.name),
        taskRole: names.taskRoleName(scope, service.name),
        securityGroup: names.serviceSecurityGroupName(scope, service.name),
        discovery: names.discoveryServiceName(service.name),
      },
      size,
      desiredCount: daemon ? 0 : desiredCount,
      schedulingStrategy: daemon ? "DAEMON" : "REPLICA",
      deployment: daemon ? { maximumPercent: 100, minimumHealthyPercent: 0 } : deploymentPercentages(service.deploy, desiredCount),
      containers: [sidecar, container],
      volumes,
      routes,
      networkTargets,
      ingress: [...loadBalancerIngress(routes, networkTargets), ...networkIngress(member, access.groups)],
      egress: access.egress(service),
      networks: [...service.networks].sort(),
      access: member.access,
      memberships: memberships(member, access.groups),
      ...(autoscaling && !daemon ? { autoscaling } : {}),
      secrets: [...new Set(service.secrets.map((s) => s.source))].sort(),
      repositories: service.build !== undefined ? [service.name] : [],
      efsVolumes: volumes.flatMap((v) => (v.kind === "efs" ? [v.volume] : [])),
      ...(route || networkTargets.length > 0 ? { healthCheckGracePeriodSeconds: Math.max(30, startPeriod) } : {}),
      tags: { "compose2ecs:service": service.name },
    },
    [service],
    { project, env, scope, diagnose },
  );
}

/** `single-task` placement: the whole project in one task definition, as ecs-cli did. */
function planSingleTask(
  project: ComposeProject,
  env: EnvironmentConfig,
  scope: names.NameScope,
  routes: ReadonlyMap<string, RoutePlan>,
  access: ServiceAccess,
  diagnose: Diagnose,
): (ServicePlan | undefined)[] {
  const services = project.services;
  if (services.length > MAX_CONTAINERS_PER_TASK) {
    diagnose(
      "error",
      "services",
      `single-task placement puts every service in one task definition, and ECS allows at most ${MAX_CONTAINERS_PER_TASK} containers per task; this project has ${services.length} (${services.map((s) => s.name).join(", ")}). Use placement: per-service, or a --profile that selects fewer services`,
    );
    return [undefined];
  }
  const inTask = new Map(services.map((s) => [s.name, s]));
  // Containers that others wait on to complete are jobs: they may exit without stopping the task.
  const jobs = new Set(services.flatMap((s) => s.dependsOn.filter((d) => d.condition === "service_completed_successfully").map((d) => d.service)));
  const containers: ContainerPlan[] = [];
  let cpu = 0;
  let memory = 0;
  for (const s of services) {
    const routed = routes.get(s.name)?.containerPort;
    const c = appContainer(project, s, {
      imageTag: env.imageTag,
      essential: !jobs.has(s.name),
      dependsOn: containerDependencies(s.dependsOn, inTask),
      ...(routed !== undefined ? { routedPort: routed } : {}),
    });
    if (c === undefined) {
      diagnose("error", `services.${s.name}`, "needs an image or a build section", s.location);
      continue;
    }
    containers.push(c);
    const requested = requestedSize(s, mergeOverrides(s.ecs, env.services[s.name]));
    cpu += requested.cpu;
    memory += requested.memory;
  }
  const id = "all";
  const size = sizeFor({ cpu, memory }, "services", "the single task (sum of all services)", diagnose);
  const networks = [...new Set(services.flatMap((s) => s.networks))].sort();
  checkNetworks(id, networks, diagnose);
  if (size === undefined || containers.length !== services.length) return [undefined];
  if (
    services.some((s) => s.dependsOn.length > 0 || s.links.length > 0 || Object.values(s.environment).some((v) => services.some((o) => v.includes(o.name))))
  ) {
    diagnose(
      "info",
      "services",
      "single-task placement: all containers share one network namespace, so services reach each other on localhost:<port> rather than by service name",
    );
  }
  const routeList = services.flatMap((s) => {
    const r = routes.get(s.name);
    return r ? [r] : [];
  });
  const networkTargets = services.flatMap((s) => access.networkTargets.get(s.name) ?? []);
  const volumes = taskVolumes(project, services);
  return [
    completeService(
      {
        id,
        composeServices: services.map((s) => s.name),
        names: {
          ecsService: names.singleTaskName(scope),
          family: names.singleTaskName(scope),
          logGroup: names.logGroupName(scope, id),
          executionRole: names.executionRoleName(scope, id),
          taskRole: names.taskRoleName(scope, id),
          securityGroup: names.serviceSecurityGroupName(scope, id),
        },
        size,
        desiredCount: 1,
        schedulingStrategy: "REPLICA",
        // One task: start the new one before stopping the old, so QA never goes dark mid-deploy.
        deployment: { maximumPercent: 200, minimumHealthyPercent: 100 },
        containers,
        volumes,
        routes: routeList,
        networkTargets,
        // Containers of one task talk over localhost: only the load balancers need a way in.
        ingress: loadBalancerIngress(routeList, networkTargets),
        egress: unionEgress(services.flatMap((s) => access.egress(s))),
        networks: [],
        access: "compose",
        memberships: [],
        secrets: [...new Set(services.flatMap((s) => s.secrets.map((x) => x.source)))].sort(),
        repositories: services.filter((s) => s.build !== undefined).map((s) => s.name),
        efsVolumes: volumes.flatMap((v) => (v.kind === "efs" ? [v.volume] : [])),
        ...(routeList.length > 0 || networkTargets.length > 0
          ? { healthCheckGracePeriodSeconds: Math.max(30, ...containers.map((c) => c.healthCheck?.startPeriod ?? 0)) }
          : {}),
        tags: { "compose2ecs:service": id },
      },
      services,
      { project, env, scope, diagnose },
    ),
  ];
}

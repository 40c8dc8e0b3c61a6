import { AutoscalingConfig, ComposeProject, Diagnostic, ServiceModel, ServiceOverride, SourceLocation } from "../compose/model";
import { mergeOverrides } from "../compose/x-ecs";
import { EnvironmentConfig } from "../config/environment-model";
import { environmentLocation } from "../config/locations";
import * as names from "../naming/names";
import { containerSettings, fitToTask, taskArchitecture } from "./container-settings";
import { SEARCH_DOMAIN_SIDECAR } from "./containers";
import { AppPlan, ContainerPlan, ServicePlan, TaskVolumePlan } from "./plan";
import { secretFiles, secretVariables, withoutPlainValues } from "./secrets";
import { SettingOrigin, dataProtection, statefulDeployment, statefulReasons } from "./stateful";
import { taskPermissions } from "./task-permissions";

/**
 * The decisions about one task that follow from its services' settings once plan-project.ts
 * has laid out the service (names, size, routes, network): container settings and
 * architecture, secrets (variables and files), AWS permissions, the Docker ECS integration's
 * autoscaling and deployment percentages, and stateful services' deployments. Kept apart so
 * each is one pure step with its own tests.
 */

type Diagnose = (severity: Diagnostic["severity"], path: string, message: string, location?: SourceLocation) => void;

/** What plan-project.ts lays out; this step adds the rest of a ServicePlan. */
export type ServiceLayout = Omit<ServicePlan, "secretVariables" | "cpuArchitecture" | "taskRole" | "pull" | "stateful">;

export interface DetailContext {
  readonly project: ComposeProject;
  readonly env: EnvironmentConfig;
  readonly scope: names.NameScope;
  readonly diagnose: Diagnose;
}

const overrideOf =
  (env: EnvironmentConfig) =>
  (service: ServiceModel): ServiceOverride =>
    mergeOverrides(service.ecs, env.services[service.name]);

/** The Docker ECS integration's `deploy.x-aws-autoscaling` as ECS target tracking. */
export function awsAutoscaling(service: ServiceModel): AutoscalingConfig | undefined {
  const a = service.aws.autoscaling;
  if (a === undefined) return undefined;
  return {
    minCapacity: a.min,
    maxCapacity: a.max,
    ...(a.cpu !== undefined ? { targetCpuPercent: a.cpu } : {}),
    ...(a.memory !== undefined ? { targetMemoryPercent: a.memory } : {}),
  };
}

/** Where a service's autoscaling maximum is set: the environment, x-ecs, or x-aws-autoscaling. */
function autoscalingOrigin(service: ServiceModel, ctx: DetailContext): SettingOrigin {
  const envKey = `services.${service.name}.autoscaling`;
  if (ctx.env.services[service.name]?.autoscaling !== undefined) {
    const location = environmentLocation(ctx.env, `${envKey}.max`) ?? environmentLocation(ctx.env, envKey);
    return { path: `${envKey}.max (environment ${ctx.env.name})`, ...(location ? { location } : {}) };
  }
  const composeKey =
    service.ecs.autoscaling !== undefined ? `services.${service.name}.x-ecs.autoscaling.max` : `services.${service.name}.deploy.x-aws-autoscaling`;
  const location = ctx.project.locations[composeKey] ?? service.location;
  return { path: composeKey, ...(location ? { location } : {}) };
}

/** Where a service's task count is set: the environment, x-ecs, deploy.replicas or scale. */
function replicasOrigin(service: ServiceModel, ctx: DetailContext): SettingOrigin {
  if (ctx.env.services[service.name]?.replicas !== undefined) {
    const location = environmentLocation(ctx.env, `services.${service.name}.replicas`);
    return { path: `services.${service.name}.replicas (environment ${ctx.env.name})`, ...(location ? { location } : {}) };
  }
  const key =
    [`x-ecs.replicas`, "deploy.replicas", "scale"].find((k) => ctx.project.locations[`services.${service.name}.${k}`] !== undefined) ?? "deploy.replicas";
  const location = ctx.project.locations[`services.${service.name}.${key}`] ?? service.location;
  return { path: `services.${service.name}.${key}`, ...(location ? { location } : {}) };
}

/** Completes a service's plan (one compose service, or every service of a single task). */
export function completeService(layout: ServiceLayout, services: readonly ServiceModel[], ctx: DetailContext): ServicePlan {
  const { env, project, scope, diagnose } = ctx;
  const override = overrideOf(env);
  const byName = new Map(services.map((s) => [s.name, s]));

  // Container settings, secret variables and registry credentials, container by container.
  let containers: ContainerPlan[] = layout.containers.map((c) => {
    const service = byName.get(c.name);
    if (service === undefined) return c;
    const variables = secretVariables(service, override(service), scope);
    const withSettings: ContainerPlan = {
      ...c,
      ...containerSettings(service, env.capacity.kind),
      secrets: [...c.secrets, ...variables.secrets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      ...(service.aws.pullCredentials !== undefined ? { repositoryCredentials: service.aws.pullCredentials } : {}),
    };
    return withoutPlainValues(
      withSettings,
      variables.plans.map((p) => p.variable),
    );
  });
  containers = fitToTask(containers, layout.size);

  const files = secretFiles(project, services, containers, diagnose);
  // Init containers first: the search-domain one, then the secrets writer, then the app's.
  const sidecars = files.containers.filter((c) => c.name === SEARCH_DOMAIN_SIDECAR.name);
  const ordered = [...sidecars, ...(files.init !== undefined ? [files.init] : []), ...files.containers.filter((c) => c.name !== SEARCH_DOMAIN_SIDECAR.name)];
  const volumes: TaskVolumePlan[] = [...layout.volumes, ...files.volumes].sort((a, b) => (a.name < b.name ? -1 : 1));

  const cpuArchitecture = taskArchitecture(services, env, (s) => project.locations[`services.${s.name}.platform`] ?? s.location, diagnose);
  const permissions = taskPermissions(services.map((s) => ({ service: s, override: override(s) })));
  const secretVariableIds = services.flatMap((s) => secretVariables(s, override(s), scope).plans.map((p) => p.id)).sort();

  // One compose service per ECS service: its autoscaling and deployment settings apply.
  const single = services.length === 1 ? services[0] : undefined;
  let autoscaling = layout.autoscaling;
  let desiredCount = layout.desiredCount;
  let deployment = layout.deployment;
  if (single !== undefined && layout.schedulingStrategy === "REPLICA") {
    const fromAws = override(single).autoscaling === undefined ? awsAutoscaling(single) : undefined;
    if (fromAws !== undefined) {
      autoscaling = fromAws;
      const requested = override(single).replicas ?? single.deploy.replicas ?? 1;
      desiredCount = Math.min(fromAws.maxCapacity, Math.max(fromAws.minCapacity, requested));
    }
    const { minPercent, maxPercent } = single.aws;
    if (minPercent !== undefined || maxPercent !== undefined) {
      deployment = { maximumPercent: maxPercent ?? deployment.maximumPercent, minimumHealthyPercent: minPercent ?? deployment.minimumHealthyPercent };
    }
  }

  const reasons = statefulReasons(project, override);
  const stateful = services.filter((s) => reasons.has(s.name));
  let statefulReason: string | undefined;
  if (stateful.length > 0 && layout.schedulingStrategy === "REPLICA") {
    const s = stateful[0] as ServiceModel;
    statefulReason = single !== undefined ? (reasons.get(s.name) ?? "") : stateful.map((x) => `${x.name}: ${reasons.get(x.name) ?? ""}`).join("; ");
    deployment = statefulDeployment(
      {
        service: s,
        reason: reasons.get(s.name) ?? "",
        desiredCount,
        replicasOrigin: replicasOrigin(s, ctx),
        ...(autoscaling !== undefined && single !== undefined ? { autoscalingMax: { max: autoscaling.maxCapacity, origin: autoscalingOrigin(s, ctx) } } : {}),
        deployment,
        explicitPercents: single !== undefined && (single.aws.minPercent !== undefined || single.aws.maxPercent !== undefined),
        locations: project.locations,
      },
      diagnose,
    );
  }

  return {
    ...layout,
    containers: ordered,
    volumes,
    desiredCount,
    deployment,
    ...(autoscaling !== undefined ? { autoscaling } : {}),
    secretVariables: secretVariableIds,
    cpuArchitecture,
    taskRole: permissions.taskRole,
    pull: permissions.pull,
    ...(statefulReason !== undefined ? { stateful: statefulReason } : {}),
  };
}

/** The smallest CloudWatch Logs retention at least `days` long. */
const RETENTIONS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
export function logRetention(days: number): number {
  return RETENTIONS.find((r) => r >= days) ?? 3653;
}

/** What the app plan gains from the services' details: secret variables, data protection, log retention. */
export function completeApp(
  app: Omit<AppPlan, "secretVariables" | "dataProtection">,
  ctx: DetailContext & { readonly branchStack: boolean; readonly allowDataLoss: boolean },
): AppPlan {
  const { env, project, scope } = ctx;
  const override = overrideOf(env);
  const inTasks = new Set(app.services.flatMap((s) => s.composeServices));
  const variables = project.services.filter((s) => inTasks.has(s.name)).flatMap((s) => secretVariables(s, override(s), scope).plans);
  const protection = dataProtection(
    ctx.branchStack,
    ctx.allowDataLoss,
    app.volumes.map((v) => v.name),
  );
  const volumes = app.volumes.map((v) => ({
    ...v,
    ...(protection.mode !== "ephemeral" ? { backup: true } : {}),
    ...(protection.mode === "protected" ? { preventDestroy: true } : {}),
  }));
  // The environment's own setting wins; the Docker ECS integration's x-aws-logs_retention fills in for the default.
  const envSetsRetention = env.locations?.["logRetentionDays"] !== undefined;
  const fromAws = project.aws.logsRetention;
  return {
    ...app,
    volumes,
    secretVariables: variables.sort((a, b) => (a.id < b.id ? -1 : 1)),
    dataProtection: protection,
    logRetentionDays: !envSetsRetention && fromAws !== undefined ? logRetention(fromAws) : app.logRetentionDays,
  };
}

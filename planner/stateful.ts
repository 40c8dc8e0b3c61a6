import { ComposeProject, Diagnostic, ServiceModel, ServiceOverride, SourceLocation } from "../compose/model";
import { DataProtectionPlan } from "./plan";

/**
 * Services that keep data: docker compose runs one container per service, so a database on a
 * named volume never has two writers; an ECS rolling update would start the new task before
 * stopping the old one, and both would write the same data directory.
 */

type Diagnose = (severity: Diagnostic["severity"], path: string, message: string, location?: SourceLocation) => void;

/**
 * Why each stateful service is stateful: `x-ecs.stateful: true`, or a named volume that it
 * alone mounts read-write (volumes several services write are shared storage, meant for
 * concurrent writers). `stateful: false` opts a service out.
 */
export function statefulReasons(project: ComposeProject, overrideOf: (service: ServiceModel) => ServiceOverride): Map<string, string> {
  const writers = new Map<string, Set<string>>();
  for (const service of project.services) {
    for (const mount of service.volumes) {
      if (mount.type !== "volume" || mount.source === undefined || mount.readOnly) continue;
      const volume = project.volumes.find((v) => v.name === mount.source);
      if (volume === undefined || volume.external) continue;
      const set = writers.get(volume.name) ?? new Set<string>();
      set.add(service.name);
      writers.set(volume.name, set);
    }
  }
  const reasons = new Map<string, string>();
  for (const service of project.services) {
    const explicit = overrideOf(service).stateful;
    if (explicit === false) continue;
    const own = [...writers.entries()]
      .filter(([, set]) => set.size === 1 && set.has(service.name))
      .map(([volume]) => volume)
      .sort();
    if (own.length > 0) reasons.set(service.name, `it alone writes the named volume${own.length > 1 ? "s" : ""} ${own.map((v) => `"${v}"`).join(", ")}`);
    else if (explicit === true) reasons.set(service.name, "x-ecs stateful: true");
  }
  return reasons;
}

/** Where an autoscaling setting came from, for messages naming it. */
export interface SettingOrigin {
  readonly path: string;
  readonly location?: SourceLocation;
}

export interface StatefulDeploymentInput {
  readonly service: ServiceModel;
  /** Why the service is stateful. */
  readonly reason: string;
  readonly desiredCount: number;
  /** Where the task count is set (environment, x-ecs, deploy.replicas or scale). */
  readonly replicasOrigin: SettingOrigin;
  /** The autoscaling maximum and where it is set, when the service autoscales. */
  readonly autoscalingMax?: { readonly max: number; readonly origin: SettingOrigin };
  /** Deployment percentages decided so far (compose update_config, x-aws percents). */
  readonly deployment: { readonly maximumPercent: number; readonly minimumHealthyPercent: number };
  /** The percentages were set explicitly (x-aws-min_percent / x-aws-max_percent). */
  readonly explicitPercents: boolean;
  readonly locations: Readonly<Record<string, SourceLocation>>;
}

/**
 * A stateful service deploys stop-first (maximum 100 %, minimum 0 %: the old task stops before
 * the new one starts), unless `update_config.order: start-first` or explicit percentages say
 * otherwise, which is a warning. More than one task is a warning; autoscaling above one task
 * is an error naming both settings.
 */
export function statefulDeployment(input: StatefulDeploymentInput, diagnose: Diagnose): { maximumPercent: number; minimumHealthyPercent: number } {
  const { service, reason } = input;
  const at = (key: string): SourceLocation | undefined => input.locations[`services.${service.name}.${key}`] ?? service.location;
  const startFirst = service.deploy.updateConfig?.order === "start-first";
  if (input.autoscalingMax !== undefined && input.autoscalingMax.max > 1) {
    diagnose(
      "error",
      input.autoscalingMax.origin.path,
      `service "${service.name}" is stateful (${reason}), so it runs one task at a time, but ${input.autoscalingMax.origin.path} lets autoscaling start ${input.autoscalingMax.max}: set its max to 1, or x-ecs stateful: false if the service may run several tasks on the same data`,
      input.autoscalingMax.origin.location ?? service.location,
    );
  }
  if (input.desiredCount > 1) {
    diagnose(
      "warning",
      input.replicasOrigin.path,
      `service "${service.name}" is stateful (${reason}) and runs ${input.desiredCount} tasks: they all write the same data at once (docker compose's scale would too); use 1, or x-ecs stateful: false if the software is made for it`,
      input.replicasOrigin.location ?? service.location,
    );
  }
  if (startFirst) {
    diagnose(
      "warning",
      `services.${service.name}.deploy.update_config.order`,
      `service "${service.name}" is stateful (${reason}), and start-first starts the new task before the old one stops: during every deploy two tasks write the same data; drop it to deploy stop-first`,
      at("deploy.update_config.order"),
    );
    return input.deployment;
  }
  if (input.explicitPercents) {
    if (input.deployment.maximumPercent > 100 && input.deployment.minimumHealthyPercent > 0) {
      diagnose(
        "warning",
        `services.${service.name}.deploy.update_config.x-aws-max_percent`,
        `service "${service.name}" is stateful (${reason}), and x-aws-max_percent ${input.deployment.maximumPercent} with x-aws-min_percent ${input.deployment.minimumHealthyPercent} starts a new task before the old one stops: two tasks write the same data during a deploy`,
        at("deploy.update_config.x-aws-max_percent"),
      );
    }
    return input.deployment;
  }
  return { maximumPercent: 100, minimumHealthyPercent: 0 };
}

/**
 * How the data of named volumes is protected: backups and `prevent_destroy` in an environment
 * without branches, released (backups only) when synth is asked for `--allow-data-loss`, and
 * nothing for branch stacks, whose volumes die with the branch.
 */
export function dataProtection(branchStack: boolean, allowDataLoss: boolean, volumes: readonly string[]): DataProtectionPlan {
  const mode = branchStack ? "ephemeral" : allowDataLoss ? "released" : "protected";
  return { mode, volumes: [...volumes].sort() };
}

import { sortedRecord } from "../compose/key-value";
import { ContainerPlan, SecretSource } from "../planner/plan";

/**
 * ECS `containerDefinitions` built from a typed object and JSON.stringify'd once: the JSON is
 * what ECS stores, so keys are written only when set and always in the same order.
 */

/** The subset of the ECS ContainerDefinition API compose2ecs writes. */
export interface EcsContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  readonly secrets?: readonly { readonly name: string; readonly valueFrom: string }[];
  /** One port (`containerPort`) or a range (`containerPortRange` "from-to"; awsvpc sets the host side). */
  readonly portMappings: readonly (
    { readonly containerPort: number; readonly protocol: string; readonly name?: string } | { readonly containerPortRange: string; readonly protocol: string }
  )[];
  readonly healthCheck?: {
    readonly command: readonly string[];
    readonly interval: number;
    readonly timeout: number;
    readonly retries: number;
    readonly startPeriod: number;
  };
  readonly dependsOn?: readonly { readonly containerName: string; readonly condition: string }[];
  readonly ulimits?: readonly { readonly name: string; readonly softLimit: number; readonly hardLimit: number }[];
  readonly user?: string;
  readonly workingDirectory?: string;
  readonly dockerLabels?: Readonly<Record<string, string>>;
  readonly mountPoints: readonly { readonly sourceVolume: string; readonly containerPath: string; readonly readOnly: boolean }[];
  readonly readonlyRootFilesystem: boolean;
  readonly privileged: false;
  readonly stopTimeout?: number;
  readonly cpu?: number;
  readonly memoryReservation?: number;
  readonly pseudoTerminal?: boolean;
  readonly interactive?: boolean;
  readonly linuxParameters?: {
    readonly capabilities?: { readonly add: readonly string[]; readonly drop: readonly string[] };
    readonly initProcessEnabled?: boolean;
  };
  readonly systemControls?: readonly { readonly namespace: string; readonly value: string }[];
  readonly repositoryCredentials?: { readonly credentialsParameter: string };
  readonly logConfiguration: { readonly logDriver: "awslogs"; readonly options: Readonly<Record<string, string>> };
}

/** What the rendering needs to resolve: image URIs of ECR repositories, secret and parameter ARNs, the log group. */
export interface ContainerRefs {
  readonly repositoryUrl: (service: string) => string;
  readonly secretArn: (source: SecretSource) => string;
  readonly logGroupName: string;
  readonly region: string;
}

export function containerDefinition(plan: ContainerPlan, refs: ContainerRefs): EcsContainerDefinition {
  const image = plan.image.kind === "ecr" ? `${refs.repositoryUrl(plan.image.service)}:${plan.image.tag}` : plan.image.image;
  return {
    name: plan.name,
    image,
    essential: plan.essential,
    ...(plan.command !== undefined ? { command: plan.command } : {}),
    ...(plan.entryPoint !== undefined ? { entryPoint: plan.entryPoint } : {}),
    environment: plan.environment,
    ...(plan.secrets.length > 0 ? { secrets: plan.secrets.map((s) => ({ name: s.name, valueFrom: refs.secretArn(s.source) })) } : {}),
    portMappings: plan.portMappings.map((p) =>
      p.containerPortEnd !== undefined
        ? { containerPortRange: `${p.containerPort}-${p.containerPortEnd}`, protocol: p.protocol }
        : { containerPort: p.containerPort, protocol: p.protocol, ...(p.name ? { name: p.name } : {}) },
    ),
    ...(plan.healthCheck !== undefined ? { healthCheck: plan.healthCheck } : {}),
    ...(plan.dependsOn.length > 0 ? { dependsOn: plan.dependsOn } : {}),
    ...(plan.ulimits.length > 0 ? { ulimits: plan.ulimits } : {}),
    ...(plan.user !== undefined ? { user: plan.user } : {}),
    ...(plan.workingDirectory !== undefined ? { workingDirectory: plan.workingDirectory } : {}),
    ...(Object.keys(plan.dockerLabels).length > 0 ? { dockerLabels: sortedRecord(plan.dockerLabels) } : {}),
    mountPoints: plan.mountPoints.map((m) => ({ sourceVolume: m.volume, containerPath: m.containerPath, readOnly: m.readOnly })),
    readonlyRootFilesystem: plan.readonlyRootFilesystem,
    // Never privileged: Fargate refuses it, and compose's `privileged` is reported as dropped.
    privileged: false,
    ...(plan.stopTimeout !== undefined ? { stopTimeout: plan.stopTimeout } : {}),
    ...(plan.cpu !== undefined ? { cpu: plan.cpu } : {}),
    ...(plan.memoryReservation !== undefined ? { memoryReservation: plan.memoryReservation } : {}),
    ...(plan.pseudoTerminal === true ? { pseudoTerminal: true } : {}),
    ...(plan.interactive === true ? { interactive: true } : {}),
    ...(plan.linuxParameters !== undefined ? { linuxParameters: plan.linuxParameters } : {}),
    ...(plan.systemControls !== undefined && plan.systemControls.length > 0 ? { systemControls: plan.systemControls } : {}),
    ...(plan.repositoryCredentials !== undefined ? { repositoryCredentials: { credentialsParameter: plan.repositoryCredentials } } : {}),
    logConfiguration: {
      logDriver: "awslogs",
      // No awslogs-create-group: the group is managed here, with retention.
      options: { "awslogs-group": refs.logGroupName, "awslogs-region": refs.region, "awslogs-stream-prefix": plan.logStreamPrefix },
    },
  };
}

/** The plan's text arrives already literal for Terraform (stacks/terraform-literal.ts). */
export function renderContainerDefinitions(plans: readonly ContainerPlan[], refs: ContainerRefs): string {
  return JSON.stringify(plans.map((p) => containerDefinition(p, refs)));
}

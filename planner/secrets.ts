import { ComposeProject, Diagnostic, ServiceModel, ServiceOverride, SourceLocation, TopLevelSecret } from "../compose/model";
import * as names from "../naming/names";
import { ContainerPlan, SecretPlan, SecretVariablePlan, TaskVolumePlan } from "./plan";

/**
 * Secrets on ECS: compose `secrets:` as files under /run/secrets (written by an init container
 * from Secrets Manager), and an environment's `secretEnvironment` variables served from
 * Secrets Manager or SSM Parameter Store instead of plain task-definition environment. No
 * value ever passes through Terraform: managed secrets are created empty.
 */

type Diagnose = (severity: Diagnostic["severity"], path: string, message: string, location?: SourceLocation) => void;

/**
 * The init container that writes compose secrets as files: busybox 1.36.1 from the Docker
 * official image mirror on Amazon ECR Public (no Docker Hub pull limits), pinned to the
 * multi-architecture index digest that public repositories pin for busybox:1.36.1 (x86_64 and
 * arm64 alike), so what runs never changes under the same tag.
 */
export const SECRETS_INIT = {
  name: "secrets-init",
  image: "public.ecr.aws/docker/library/busybox@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662",
} as const;

/** Where compose mounts secrets in a container. */
export const SECRETS_DIR = "/run/secrets";

/** compose's default mode for secret files (Compose spec: 0444). */
const DEFAULT_MODE = 0o444;

/** A relative secret target that is safe as a path and in a shell word. */
const TARGET = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** The task volume holding one container's secret files. */
export function secretsVolumeName(container: string): string {
  return names.fitName(`run-secrets-${container}`, names.RULES.ecs);
}

/** A compose secret's file inside /run/secrets, or why it cannot be one. */
export function secretFile(target: string): { file: string } | { problem: string } {
  const relative = target.startsWith(`${SECRETS_DIR}/`) ? target.slice(SECRETS_DIR.length + 1) : target;
  if (relative.startsWith("/")) return { problem: `target ${target} is outside ${SECRETS_DIR}: only ${SECRETS_DIR}/ is mounted from the secrets volume` };
  if (!TARGET.test(relative) || relative.split("/").some((p) => p === "." || p === "..")) {
    return { problem: `target ${JSON.stringify(target)} is not a file name (letters, digits, . _ - and /)` };
  }
  return { file: relative };
}

/** Compose secret declarations to Secrets Manager: created empty, or existing (by `name:`, or `x-ecs.arn`). */
export function secretPlan(declared: TopLevelSecret, scope: names.NameScope): SecretPlan {
  if (declared.externalArn) return { name: declared.name, kind: "arn", ref: declared.externalArn };
  if (declared.external) {
    const real = declared.externalName ?? declared.name;
    return real.startsWith("arn:") ? { name: declared.name, kind: "arn", ref: real } : { name: declared.name, kind: "lookup", ref: real };
  }
  return { name: declared.name, kind: "managed", ref: names.secretName(scope, declared.name) };
}

/**
 * The `secretEnvironment` variables of one service: a secret or parameter each, the ECS
 * `secrets` entries of its container, and the plain variables they replace.
 */
export function secretVariables(
  service: ServiceModel,
  override: ServiceOverride,
  scope: names.NameScope,
): { plans: SecretVariablePlan[]; secrets: ContainerPlan["secrets"] } {
  const plans: SecretVariablePlan[] = [];
  for (const [variable, source] of Object.entries(override.secretEnvironment ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const id = `${service.name}/${variable}`;
    const ref = source.name;
    const kind = ref === undefined ? "managed" : ref.startsWith("arn:") ? "arn" : "lookup";
    plans.push({ id, service: service.name, variable, store: source.from, kind, ref: ref ?? names.secretVariableName(scope, service.name, variable) });
  }
  return { plans, secrets: plans.map((p) => ({ name: p.variable, source: { kind: "variable", id: p.id } })) };
}

/** Drops the variables served from secrets from a container's plain environment. */
export function withoutPlainValues(container: ContainerPlan, variables: readonly string[]): ContainerPlan {
  if (variables.length === 0) return container;
  const secret = new Set(variables);
  return { ...container, environment: container.environment.filter((e) => !secret.has(e.name)) };
}

export interface SecretFiles {
  /** The init container, when any container of the task has secrets. */
  readonly init?: ContainerPlan;
  /** App containers with the secrets volume mounted at /run/secrets and waiting for the init container. */
  readonly containers: readonly ContainerPlan[];
  readonly volumes: readonly TaskVolumePlan[];
}

/**
 * Compose secrets as files: each container with secrets gets a task volume mounted read-only at
 * /run/secrets; a non-essential init container receives the secrets through ECS `secrets`
 * (from Secrets Manager, never the task definition), writes each to its file with compose's
 * mode and owner, and exits; the app container starts once it succeeded. ECS injects secrets
 * only as variables, and official images read `*_FILE` paths, so the files are the contract.
 */
export function secretFiles(project: ComposeProject, services: readonly ServiceModel[], containers: readonly ContainerPlan[], diagnose: Diagnose): SecretFiles {
  const lines: string[] = [];
  const initSecrets: { name: string; source: { kind: "compose"; secret: string } }[] = [];
  const initMounts: ContainerPlan["mountPoints"][number][] = [];
  const volumes: TaskVolumePlan[] = [];
  const out: ContainerPlan[] = [];
  for (const container of containers) {
    const service = services.find((s) => s.name === container.name);
    const refs = service?.secrets ?? [];
    if (service === undefined || refs.length === 0) {
      out.push(container);
      continue;
    }
    const volume = secretsVolumeName(container.name);
    const dir = `/secrets/${volume}`;
    let written = 0;
    refs.forEach((ref, i) => {
      const file = secretFile(ref.target);
      if ("problem" in file) {
        const path = `services.${service.name}.secrets[${i}]`;
        diagnose("warning", path, `${file.problem}; the secret is not written as a file`, project.locations[path] ?? service.location);
        return;
      }
      const variable = `COMPOSE2ECS_SECRET_${initSecrets.length + 1}`;
      initSecrets.push({ name: variable, source: { kind: "compose", secret: ref.source } });
      const path = `${dir}/${file.file}`;
      if (file.file.includes("/")) lines.push(`mkdir -p ${path.slice(0, path.lastIndexOf("/"))}`);
      lines.push(`printf '%s' "$${variable}" > ${path}`);
      lines.push(`chmod ${(ref.mode ?? DEFAULT_MODE).toString(8).padStart(4, "0")} ${path}`);
      if (ref.uid !== undefined || ref.gid !== undefined) lines.push(`chown ${ref.uid ?? 0}:${ref.gid ?? 0} ${path}`);
      written++;
    });
    if (written === 0) {
      out.push(container);
      continue;
    }
    volumes.push({ kind: "scratch", name: volume });
    initMounts.push({ volume, containerPath: dir, readOnly: false });
    out.push({
      ...container,
      mountPoints: [...container.mountPoints, { volume, containerPath: SECRETS_DIR, readOnly: true }],
      dependsOn: [...container.dependsOn, { containerName: SECRETS_INIT.name, condition: "SUCCESS" as const }].sort((a, b) =>
        a.containerName < b.containerName ? -1 : 1,
      ),
    });
  }
  if (initSecrets.length === 0) return { containers: out, volumes: [] };
  const init: ContainerPlan = {
    name: SECRETS_INIT.name,
    image: { kind: "image", image: SECRETS_INIT.image },
    essential: false,
    entryPoint: ["sh", "-c"],
    command: [["set -e", ...lines].join("\n")],
    environment: [],
    secrets: initSecrets,
    portMappings: [],
    dependsOn: [],
    ulimits: [],
    dockerLabels: {},
    mountPoints: initMounts,
    readonlyRootFilesystem: true,
    logStreamPrefix: SECRETS_INIT.name,
  };
  return { init, containers: out, volumes };
}

import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { displayPath, hasErrors } from "../compose/diagnostics";
import { load } from "../compose/load";
import { ComposeProject, Diagnostic } from "../compose/model";
import { defaultEnvironment } from "../config/defaults";
import { BranchContext, EnvironmentConfig } from "../config/environment-model";
import { environmentNameFrom, IMAGE_TAG, loadEnvironment } from "../config/load-environment";
import { environmentLocation } from "../config/locations";
import { Plan } from "../planner/plan";
import { planProject } from "../planner/plan-project";
import { ConversionEntry, conversionReport, reportDiagnostics } from "../planner/report";
import { slotLimit } from "../planner/slots";
import { branchSlug } from "../naming/branch-slug";
import { albLimits, albLoads, albShare, chooseAlb, noAlbFits, overQuota, placedAlbFull, usageOf } from "../state/alb-capacity";
import { listSlots, lookupSlot, SlotRecord } from "../state/priority-slots";
import { slotRegistryFor } from "../state/slot-registry";
import { BranchSource, resolveBranchName } from "./branch-name";

/**
 * The one load -> plan use case: environment -> compose project -> branch -> plan. `synth`,
 * `diagram`, `main.ts` (npx cdktf synth) and `branches gc --destroy` all start here, so they
 * share defaults and variables. It reads (environment file, compose files, git, the slot
 * registry) and never writes: a branch's slot is allocated only by synth, afterwards
 * (`claimBranchSlot` in ./claim-slot.ts). Nothing here loads cdktf.
 */

export interface PipelineRequest {
  /** Project directory: compose files, `environments/`, local state. */
  readonly projectDir: string;
  /** Compose files (`-f`), relative to the project directory. @default the environment's `compose` list, else compose discovery */
  readonly files?: readonly string[];
  /** Compose profiles (`--profile`). @default the environment's profiles */
  readonly profiles?: readonly string[];
  /** Environment name (`--env`). @default COMPOSE2ECS_ENV, else the built-in "default" environment (no file) */
  readonly envName?: string;
  /** Branch name (`--branch`) for a branch environment. @default BRANCH, else the checked-out git branch */
  readonly branch?: string;
  /**
   * A branch whose slug and slot the caller already knows (`branches gc` destroying a deployed
   * branch): no name resolution, no registry lookup. @default undefined
   */
  readonly knownBranch?: BranchContext;
  /**
   * Plan for the base stack only (`up --base`, `down --base`): in a branch environment no branch
   * is resolved, looked up or allocated, and the application stack is planned for a stand-in
   * branch that must not be written or deployed. @default false
   */
  readonly baseOnly?: boolean;
  /**
   * Plan a branch only to destroy it (`down`): its ALB's quotas are not checked, since destroying
   * the branch is what a full ALB's error asks for. @default false
   */
  readonly forDestroy?: boolean;
  /** Tag of images built from source (`--image-tag`). @default COMPOSE2ECS_IMAGE_TAG, else the environment's imageTag */
  readonly imageTag?: string;
  /** `--allow-data-loss`: plan volumes without their protection from destroy (backups stay). @default false */
  readonly allowDataLoss?: boolean;
  /**
   * Variables: compose interpolation, BRANCH, COMPOSE2ECS_ENV, COMPOSE2ECS_IMAGE_TAG,
   * COMPOSE2ECS_AWS_ENDPOINT. The pipeline reads no other process state (callers pass process.env).
   */
  readonly envVars: NodeJS.ProcessEnv;
}

/** How a branch's slot was found. */
export type SlotStatus =
  /** The registry holds this slot for the branch. */
  | "held"
  /** The branch holds no slot yet: the lowest free one now, not reserved; synth allocates before writing. */
  | "provisional"
  /** Given by the caller (`knownBranch`). */
  | "given";

export interface PlannedBranch extends BranchContext {
  /** Where the name came from (`knownBranch`: "registry"; `baseOnly`: "stand-in"); branch problems carry it as their path. */
  readonly source: BranchSource | "registry" | "stand-in";
  readonly slotStatus: SlotStatus;
}

/** Everything loaded before planning; planning it again (with another slot) needs nothing else. */
export interface LoadedRequest {
  readonly request: PipelineRequest;
  readonly env: EnvironmentConfig;
  readonly project: ComposeProject;
  readonly branch?: PlannedBranch;
  /** One AWS endpoint for every service: the environment's aws.endpoint, else COMPOSE2ECS_AWS_ENDPOINT. */
  readonly endpoint?: string;
  /** Problems found while loading (warnings only, or it would not be loaded). */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The environment's slot records as loaded (a branch being planned for deployment: held or
   * provisional): the other branches' ALBs and usage, for placing and quota-checking this one.
   * @default undefined: no quota check (a given or stand-in branch, a non-branch environment)
   */
  readonly registryRecords?: readonly SlotRecord[];
}

export interface PlannedRequest {
  /** Present when the environment, the compose project and the branch loaded without errors. */
  readonly loaded?: LoadedRequest;
  /** Present when there were no errors at all. */
  readonly plan?: Plan;
  readonly report: readonly ConversionEntry[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Loads and plans; read-only. */
export async function planRequest(request: PipelineRequest): Promise<PlannedRequest> {
  const loaded = await loadRequest(request);
  return loaded.loaded === undefined ? { report: [], diagnostics: loaded.diagnostics } : planLoaded(loaded.loaded);
}

/**
 * Plans what was loaded (pure: the same input gives the same plan); re-planning with another
 * slot is `planLoaded({ ...loaded, branch })`. A branch with registry records is placed on (or
 * checked against) the pool's ALBs: a provisional one goes on the ALB allocation would choose
 * now, a held one must still fit the ALB its record names.
 */
export function planLoaded(loaded: LoadedRequest): PlannedRequest {
  const planned = planOnce(loaded);
  const branch = loaded.branch;
  const records = loaded.registryRecords;
  if (planned.plan === undefined || branch === undefined || records === undefined || planned.plan.branch === undefined) return planned;
  const env = loaded.env;
  const usage = usageOf(planned.plan.app);
  const limits = albLimits(env);
  const loads = albLoads(records, branch.slug, usage);
  const error = (message: string): PlannedRequest => {
    const location = environmentLocation(env, "loadBalancer.pool");
    const diagnostic: Diagnostic = { severity: "error", path: "loadBalancer.pool", message, ...(location ? { location } : {}) };
    return { loaded, report: planned.report, diagnostics: [...planned.diagnostics, diagnostic] };
  };
  if (branch.slotStatus === "held") {
    const alb = branch.alb ?? 1;
    if (overQuota(loads.get(alb), usage, limits).length === 0) return planned;
    return error(placedAlbFull(env.name, branch.branch, alb, loads.get(alb), usage, limits, loads, env.loadBalancer.pool));
  }
  const alb = chooseAlb(loads, usage, limits, env.loadBalancer.pool);
  if (alb === undefined) return error(noAlbFits(env.name, branch.branch, usage, limits, env.loadBalancer.pool));
  return alb === (branch.alb ?? 1) ? planned : planOnce({ ...loaded, branch: { ...branch, alb } });
}

function planOnce(loaded: LoadedRequest): PlannedRequest {
  const branch = loaded.branch;
  const planned = planProject({
    project: loaded.project,
    env: loaded.env,
    ...(branch ? { branch: { branch: branch.branch, slug: branch.slug, slot: branch.slot, ...(branch.alb !== undefined ? { alb: branch.alb } : {}) } } : {}),
    ...(loaded.request.allowDataLoss === true ? { allowDataLoss: true } : {}),
  });
  // What each compose key became, read from the plan itself (planner/report.ts).
  const report = planned.plan !== undefined ? conversionReport(loaded.project, planned.plan) : [];
  const diagnostics = [...loaded.diagnostics, ...planned.diagnostics, ...reportDiagnostics(report)];
  // A branch that alone takes a large share of the shared ALB's limits gets a warning.
  if (planned.plan?.branch !== undefined) diagnostics.push(...albShare(planned.plan.app).diagnostics);
  return { loaded, ...(planned.plan && !hasErrors(diagnostics) ? { plan: planned.plan } : {}), report, diagnostics };
}

async function loadRequest(request: PipelineRequest): Promise<{ loaded?: LoadedRequest; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const projectDir = resolve(request.projectDir);
  const env = environment(request, projectDir, diagnostics);
  if (env === undefined || hasErrors(diagnostics)) return { diagnostics };

  const fromFlags = request.files !== undefined && request.files.length > 0;
  const files = (fromFlags ? (request.files ?? []) : env.composeFiles).map((f) => (isAbsolute(f) ? f : resolve(projectDir, f)));
  if (!fromFlags) diagnostics.push(...missingComposeFiles(env, projectDir));
  if (hasErrors(diagnostics)) return { diagnostics };
  const compose = load({
    files,
    workingDir: projectDir,
    profiles: request.profiles !== undefined && request.profiles.length > 0 ? request.profiles : env.profiles,
    environment: request.envVars,
    ...(env.project !== undefined ? { projectName: env.project } : {}),
  });
  diagnostics.push(...compose.diagnostics);
  if (compose.project === undefined || hasErrors(diagnostics)) return { diagnostics };
  if (compose.project.nameFrom === "folder") diagnostics.push(unpinnedProjectName(env, compose.project));

  const found = await branchOf(request, env, projectDir, diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics };
  const branch = found?.branch;
  const records = found?.records;
  const endpoint = env.aws.endpoint ?? nonEmpty(request.envVars.COMPOSE2ECS_AWS_ENDPOINT);
  return {
    loaded: {
      request,
      env,
      project: compose.project,
      ...(branch ? { branch } : {}),
      ...(endpoint ? { endpoint } : {}),
      diagnostics,
      ...(records ? { registryRecords: records } : {}),
    },
    diagnostics,
  };
}

/**
 * The environment's `compose:` files that do not exist, reported at the key that names them: a
 * path there is relative to the project directory, which the loader's own "file not found"
 * would not say.
 */
function missingComposeFiles(env: EnvironmentConfig, projectDir: string): Diagnostic[] {
  return env.composeFiles.flatMap((file, i) => {
    const path = isAbsolute(file) ? file : resolve(projectDir, file);
    if (existsSync(path)) return [];
    const key = env.composeFiles.length === 1 ? "compose" : `compose[${i}]`;
    const location = environmentLocation(env, key);
    return [
      {
        severity: "error" as const,
        path: key,
        message:
          `compose file ${file} not found in the project directory ${displayPath(projectDir)} (${displayPath(path)}): ` +
          `it comes from compose: in ${env.file ?? `environments/${env.name}.yml`}, whose paths are relative to the project directory; ` +
          "run compose2ecs in the project folder (or give it with -C DIR), or correct compose:",
        ...(location ? { location } : {}),
      },
    ];
  });
}

/**
 * A project named after its folder: every AWS name and state key is made from the project name,
 * so the same project synthesized from a folder of another name (a fresh clone, a CI checkout)
 * replaces every resource. Said once per run, at the environment file (where `project:` pins it).
 */
function unpinnedProjectName(env: EnvironmentConfig, project: ComposeProject): Diagnostic {
  const location =
    env.file !== undefined ? environmentLocation(env, "project") : project.files[0] !== undefined ? { file: project.files[0], line: 1, col: 1 } : undefined;
  return {
    severity: "warning",
    path: env.file !== undefined ? "project" : "name",
    message:
      `project name "${project.name}" comes from the folder's name (no name: in the compose file, no project: in the environment): ` +
      "from a folder of another name (a fresh clone, a CI checkout) every AWS name and state key changes, so Terraform replaces every resource and EFS data is lost; " +
      `pin it with project: ${project.name} in the environment file (compose2ecs init writes it) or name: ${project.name} in the compose file`,
    ...(location ? { location } : {}),
  };
}

/** The environment, with the image tag of this build applied. */
function environment(request: PipelineRequest, projectDir: string, diagnostics: Diagnostic[]): EnvironmentConfig | undefined {
  const name = environmentNameFrom(request.envName, request.envVars);
  let env: EnvironmentConfig | undefined;
  if (name === undefined) {
    env = defaultEnvironment("default");
  } else {
    const loaded = loadEnvironment(name, projectDir);
    diagnostics.push(...loaded.diagnostics);
    env = loaded.env;
  }
  if (env === undefined) return undefined;
  // ECR repositories are immutable, so CI passes a tag per build (e.g. "<branch>-<sha>") rather
  // than re-pushing the environment's default.
  const imageTag = request.imageTag ?? nonEmpty(request.envVars.COMPOSE2ECS_IMAGE_TAG);
  if (imageTag === undefined) return env;
  if (!IMAGE_TAG.test(imageTag)) {
    diagnostics.push({
      severity: "error",
      path: request.imageTag !== undefined ? "--image-tag" : "COMPOSE2ECS_IMAGE_TAG",
      message: `not a Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128 characters): ${JSON.stringify(imageTag)}`,
    });
    return undefined;
  }
  return { ...env, imageTag };
}

/**
 * The branch and the slot to plan it with: the one it holds, else a provisional one (read-only);
 * with the registry's records when the branch is planned for deployment (quota check).
 */
async function branchOf(
  request: PipelineRequest,
  env: EnvironmentConfig,
  projectDir: string,
  diagnostics: Diagnostic[],
): Promise<{ branch: PlannedBranch; records?: readonly SlotRecord[] } | undefined> {
  if (!env.branches) {
    if (request.branch !== undefined || request.knownBranch !== undefined) {
      diagnostics.push({
        severity: "error",
        path: "--branch",
        message: `environment "${env.name}" has no branch stacks (branches: false in environments/${env.name}.yml)`,
      });
    }
    return undefined;
  }
  if (request.knownBranch !== undefined) return { branch: { ...request.knownBranch, source: "registry", slotStatus: "given" } };
  if (request.baseOnly === true)
    return { branch: { branch: BASE_ONLY_BRANCH, slug: branchSlug(BASE_ONLY_BRANCH), slot: 1, source: "stand-in", slotStatus: "given" } };
  const named = resolveBranchName({ ...(request.branch !== undefined ? { flag: request.branch } : {}), projectDir, envVars: request.envVars });
  diagnostics.push(...named.diagnostics);
  const name = named.name;
  if (name === undefined) return undefined;
  const { registry, diagnostics: registryProblems } = slotRegistryFor(env, projectDir, request.envVars);
  diagnostics.push(...registryProblems);
  if (registry === undefined) return undefined;
  const found = await lookupSlot(registry.store, { envName: env.name, branch: name.branch, slug: name.slug, limit: slotLimit(env), path: name.source });
  diagnostics.push(...found.diagnostics);
  const base = { branch: name.branch, slug: name.slug, source: name.source };
  if (found.record === undefined && found.provisional === undefined) return undefined;
  const records = request.forDestroy === true ? undefined : await listSlots(registry.store);
  const withRecords = records !== undefined ? { records } : {};
  if (found.record !== undefined) return { branch: { ...base, slot: found.record.slot, alb: found.record.alb ?? 1, slotStatus: "held" }, ...withRecords };
  return { branch: { ...base, slot: found.provisional ?? 1, slotStatus: "provisional" }, ...withRecords };
}

/** The branch a base-only plan is made with: the base stack does not depend on it. */
const BASE_ONLY_BRANCH = "compose2ecs-base-only";

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

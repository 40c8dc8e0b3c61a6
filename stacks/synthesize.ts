import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { ComposeProject, Diagnostic } from "../compose/model";
import { defaultEnvironment } from "../config/defaults";
import { BranchContext, EnvironmentConfig } from "../config/environment-model";
import { Plan } from "../planner/plan";
import { planProject } from "../planner/plan-project";
import { ConversionEntry, conversionReport, reportDiagnostics } from "../planner/report";
import { albShare } from "../state/alb-capacity";

/**
 * Synth as a function: environment -> compose project -> plan -> cdktf stacks, written to a
 * temporary folder next to the output and renamed into place only when complete, so a failed
 * run never leaves partial output. Problems come back as diagnostics; nothing here exits.
 */

export interface SynthRequest {
  /** Compose files (`-f`); empty means the environment's `compose` list, else compose discovery. */
  readonly files: readonly string[];
  /** Project directory: compose files, `environments/`, local state. */
  readonly projectDir: string;
  /** `--profile`; empty means the environment's profiles. */
  readonly profiles: readonly string[];
  /** Environment name; undefined means the built-in "default" environment. */
  readonly envName?: string;
  /** `--branch` (else BRANCH or git, for branch environments). */
  readonly branch?: string;
  /** A branch context decided by the caller (no slot allocation), e.g. for `branches gc`. */
  readonly branchContext?: BranchContext;
  /** Output folder. */
  readonly outDir: string;
  /** Write `cdk.tf` (HCL) instead of `cdk.tf.json`. */
  readonly hcl: boolean;
  /** Process environment (COMPOSE2ECS_AWS_ENDPOINT, COMPOSE2ECS_IMAGE_TAG, BRANCH, interpolation variables). */
  readonly envVars: NodeJS.ProcessEnv;
  /** `--image-tag`: the tag of images built from source, overriding the environment's `imageTag`. */
  readonly imageTag?: string;
  /** `--allow-data-loss`: synthesize without the data protection of volumes (backups stay). @default false */
  readonly allowDataLoss?: boolean;
}

export interface SynthResult {
  /** Stacks written, when synth succeeded. */
  readonly stacks?: readonly string[];
  readonly plan?: Plan;
  readonly project?: ComposeProject;
  readonly diagnostics: readonly Diagnostic[];
  readonly report: readonly ConversionEntry[];
}

const hasErrors = (ds: readonly Diagnostic[]) => ds.some((d) => d.severity === "error");

/** Loads the environment, the compose project and the branch, then plans. Does not write. */
export async function planRequest(request: SynthRequest): Promise<{ plan?: Plan; project?: ComposeProject; diagnostics: Diagnostic[]; report: readonly ConversionEntry[] }> {
  const diagnostics: Diagnostic[] = [];
  const projectDir = resolve(request.projectDir);
  let env: EnvironmentConfig | undefined;
  if (request.envName === undefined) {
    env = defaultEnvironment("default");
  } else {
    const { loadEnvironment } = await import("../config/load-environment");
    const loaded = loadEnvironment(request.envName, projectDir);
    diagnostics.push(...loaded.diagnostics);
    env = loaded.env;
  }
  if (env === undefined || hasErrors(diagnostics)) return { diagnostics, report: [] };
  // ECR repositories are immutable, so CI passes a tag per build (e.g. "<branch>-<sha>") rather
  // than re-pushing the environment's default.
  const imageTag = request.imageTag ?? nonEmpty(request.envVars.COMPOSE2ECS_IMAGE_TAG);
  if (imageTag !== undefined) {
    const { IMAGE_TAG } = await import("../config/load-environment");
    if (!IMAGE_TAG.test(imageTag)) {
      diagnostics.push({ severity: "error", path: request.imageTag !== undefined ? "--image-tag" : "COMPOSE2ECS_IMAGE_TAG", message: `not a Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128 characters): ${JSON.stringify(imageTag)}` });
      return { diagnostics, report: [] };
    }
    env = { ...env, imageTag };
  }

  const files = (request.files.length > 0 ? request.files : env.composeFiles).map((f) => (isAbsolute(f) ? f : resolve(projectDir, f)));
  const { load } = await import("../compose/load");
  const loaded = load({
    files,
    workingDir: projectDir,
    profiles: request.profiles.length > 0 ? request.profiles : env.profiles,
    environment: request.envVars,
  });
  diagnostics.push(...loaded.diagnostics);
  if (loaded.project === undefined || hasErrors(diagnostics)) return { diagnostics, report: [] };

  let branch = request.branchContext;
  if (branch === undefined && env.branches) {
    const { resolveBranchAsync } = await import("../config/branch-context");
    const resolved = await resolveBranchAsync(env, { ...(request.branch !== undefined ? { branch: request.branch } : {}), projectDir, envVars: request.envVars });
    diagnostics.push(...resolved.diagnostics);
    branch = resolved.branch;
    if (hasErrors(diagnostics)) return { diagnostics, report: [] };
  } else if (!env.branches && request.branch !== undefined) {
    diagnostics.push({ severity: "error", path: "--branch", message: `environment "${env.name}" has no branch stacks (branches: false in environments/${env.name}.yml)` });
    return { diagnostics, report: [] };
  }

  const planned = planProject({ project: loaded.project, env, ...(branch ? { branch } : {}), ...(request.allowDataLoss === true ? { allowDataLoss: true } : {}) });
  diagnostics.push(...planned.diagnostics);
  // What each compose key became, from the plan itself (planner/report.ts).
  const report = planned.plan !== undefined ? conversionReport(loaded.project, planned.plan) : [];
  diagnostics.push(...reportDiagnostics(report));
  // A branch that alone takes a large share of the shared ALB's limits gets a warning (state/alb-capacity.ts).
  if (planned.plan?.branch !== undefined) diagnostics.push(...albShare(planned.plan.app).diagnostics);
  return { ...(planned.plan ? { plan: planned.plan } : {}), project: loaded.project, diagnostics, report };
}

/** Plans and writes the stacks; the output folder is replaced only when everything succeeded. */
export async function synthesize(request: SynthRequest): Promise<SynthResult> {
  const planned = await planRequest(request);
  if (planned.plan === undefined || hasErrors(planned.diagnostics)) return { diagnostics: planned.diagnostics, report: planned.report };
  const plan = planned.plan;
  const projectDir = resolve(request.projectDir);
  const outDir = resolve(request.outDir);
  const endpoint = plan.env.aws.endpoint ?? nonEmpty(request.envVars.COMPOSE2ECS_AWS_ENDPOINT);
  const stacks = await writeStacks(plan, { outDir, projectDir, hcl: request.hcl, ...(endpoint ? { endpoint } : {}) });
  return { stacks, plan, ...(planned.project ? { project: planned.project } : {}), diagnostics: planned.diagnostics, report: planned.report };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

export interface WriteOptions {
  readonly outDir: string;
  readonly projectDir: string;
  readonly hcl: boolean;
  readonly endpoint?: string;
}

/** Synthesizes into a sibling temporary folder, then swaps it into `outDir`. */
export async function writeStacks(plan: Plan, options: WriteOptions): Promise<string[]> {
  const parent = dirname(options.outDir);
  mkdirSync(parent, { recursive: true });
  const temp = mkdtempSync(join(parent, `.${basename(options.outDir)}.tmp-`));
  try {
    // Loaded here so that planning errors never pay for cdktf and the provider classes.
    const { buildApp, withoutTokenStackTraces } = await import("./build-app");
    const { constructForHcl, finishHclOutput } = await import("../review/hcl");
    const { app, stacks } = constructForHcl(options.hcl, () =>
      buildApp(plan, {
        writeDir: temp,
        hcl: options.hcl,
        outDir: options.outDir,
        projectDir: options.projectDir,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      }),
    );
    withoutTokenStackTraces(() => app.synth());
    // cdktf 0.21 leaves quotes unescaped in strings with references (IAM policies): repair them,
    // then terraform fmt (cdktf writes HCL unindented), so ops get valid, canonical files.
    if (options.hcl) await finishHclOutput(temp);
    replaceDir(temp, options.outDir);
    return stacks;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Puts `from` at `to`; an existing `to` is moved aside first and removed after. */
function replaceDir(from: string, to: string): void {
  if (!existsSync(to)) {
    renameSync(from, to);
    return;
  }
  const old = `${from}.old`;
  renameSync(to, old);
  try {
    renameSync(from, to);
  } catch (error) {
    renameSync(old, to);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * `branches gc --destroy` support (state/branch-destroy.ts's SynthBranchStack): synthesizes a
 * given branch's stacks without allocating a slot, and returns its application stack folder.
 */
export async function synthBranchStack(request: {
  readonly env: EnvironmentConfig;
  readonly projectDir: string;
  readonly branch: BranchContext;
  readonly outDir: string;
}): Promise<{ stackDir?: string; diagnostics: readonly Diagnostic[] }> {
  const projectDir = resolve(request.projectDir);
  const files = request.env.composeFiles.map((f) => (isAbsolute(f) ? f : resolve(projectDir, f)));
  const { load } = await import("../compose/load");
  const loaded = load({ files, workingDir: projectDir, profiles: request.env.profiles, environment: process.env });
  if (loaded.project === undefined || hasErrors(loaded.diagnostics)) return { diagnostics: loaded.diagnostics };
  const planned = planProject({ project: loaded.project, env: request.env, branch: request.branch });
  if (planned.plan === undefined) return { diagnostics: planned.diagnostics };
  const endpoint = request.env.aws.endpoint ?? nonEmpty(process.env.COMPOSE2ECS_AWS_ENDPOINT);
  const outDir = resolve(request.outDir);
  await writeStacks(planned.plan, { outDir, projectDir, hcl: false, ...(endpoint ? { endpoint } : {}) });
  return { stackDir: join(outDir, "stacks", planned.plan.app.stackName), diagnostics: planned.diagnostics };
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { formatDiagnostic, sortDiagnostics } from "../compose/diagnostics";
import { Diagnostic } from "../compose/model";
import { EnvironmentConfig } from "../config/environment-model";
import { PipelineRequest } from "../pipeline/plan-request";
import { Plan } from "../planner/plan";
import { findTerraform, terraformSetup } from "../terraform/cli-config";
import { hasCloudCredentials, tokenVariable } from "./cloud-credentials";
import { Console, DeployError, StackRun } from "./stack-terraform";

/**
 * What `up` and `down` share: the request, the console with elapsed times, terraform with the
 * user's own configuration (a provider mirror only when asked), and the checks made before
 * anything is synthesized or run.
 */

export interface DeployRequest extends PipelineRequest {
  /** `--base`: the environment's base stack only. */
  readonly base: boolean;
  /** Output folder the stacks are written to (new, empty or an earlier synth's). */
  readonly outDir: string;
  /** `--provider-mirror DIR`. @default COMPOSE2ECS_PROVIDER_MIRROR, else the user's terraform configuration */
  readonly providerMirror?: string;
  /** Where lines for the user go. */
  readonly print: (line: string) => void;
}

export interface Session {
  readonly console: Console;
  readonly run: StackRun;
  /** Removes the session's temporary folder (a mirror CLI config, when one was asked for). */
  close(): void;
}

/** A console whose lines start with the time since `started`. */
export function timedConsole(print: (line: string) => void, started = Date.now()): Console {
  return { say: (line) => print(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`) };
}

export async function openSession(request: DeployRequest): Promise<Session> {
  findTerraform(request.envVars);
  const work = mkdtempSync(join(tmpdir(), "compose2ecs-deploy-"));
  try {
    const setup = await terraformSetup({
      envVars: request.envVars,
      workDir: work,
      ...(request.providerMirror !== undefined ? { providerMirror: request.providerMirror } : {}),
    });
    const console = timedConsole(request.print);
    if (setup.note !== undefined) request.print(`note: ${setup.note}`);
    return { console, run: { tfEnv: setup.env, console }, close: () => rmSync(work, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/** Errors end the command (DeployError); warnings are printed and it goes on. */
export function reportDiagnostics(diagnostics: readonly Diagnostic[], print: (line: string) => void): void {
  const sorted = sortDiagnostics(diagnostics);
  const errors = sorted.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new DeployError(sorted.map(formatDiagnostic));
  for (const d of sorted) print(formatDiagnostic(d));
}

/** HCP Terraform state needs a login terraform can find: said before anything runs. */
export function checkCloudLogin(env: EnvironmentConfig, envVars: NodeJS.ProcessEnv, command: string): void {
  const state = env.state;
  if (state.kind !== "cloud" || hasCloudCredentials(state.hostname, envVars)) return;
  throw new DeployError([
    `compose2ecs ${command}: environment ${env.name} keeps its state in HCP Terraform (state.backend: cloud, ${state.hostname}, organization ${state.organization}), ` +
      `and terraform has no credentials for ${state.hostname}: run \`terraform login ${state.hostname}\` or set ${tokenVariable(state.hostname)}, then run ${command} again. Nothing was changed.`,
  ]);
}

/** The folder of one stack in the output folder. */
export function stackDir(request: DeployRequest, stack: string): string {
  return join(resolve(request.outDir), "stacks", stack);
}

/** The stack file terraform reads (up and down write JSON). */
export function stackFile(request: DeployRequest, stack: string): string {
  return join(stackDir(request, stack), "cdk.tf.json");
}

/** What to call the environment's application stack in messages: the branch, or the app. */
export function describeApp(plan: Plan): string {
  return plan.branch !== undefined ? `branch ${JSON.stringify(plan.branch.branch)} (${plan.app.stackName})` : plan.app.stackName;
}

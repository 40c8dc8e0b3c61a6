import { resolve } from "node:path";
import { formatDiagnostic } from "../compose/diagnostics";
import { EnvironmentConfig } from "../config/environment-model";
import { planBranchDestroy } from "./branch-destroy";
import { planRequest } from "../pipeline/plan-request";
import { Plan } from "../planner/plan";
import { OutputFolderError, inspectOutputFolder } from "../stacks/output-folder";
import { branchBookkeeping, BranchEnvironment, collectGarbage, listBranchEnvironments, StateInventory } from "../state/branches";
import { DestroyResult } from "../state/branch-destroy";
import { slotInState } from "../state/state-slot";
import { terraform } from "../terraform/run";
import { deletionProtectedLoadBalancers, protectedResources } from "./data-protection";
import { checkCloudLogin, DeployRequest, openSession, reportDiagnostics, Session, stackDir, stackFile } from "./session";
import { applyStack, DeployError, failureLines, initStack } from "./stack-terraform";

/**
 * `compose2ecs down`: destroy what `up` made, with terraform, and forget it.
 * - a branch environment: the branch's stack, planned with the slot its state was deployed with
 *   (as `branches gc --destroy` does), then its state record is removed and its slot freed;
 * - an environment without branches: the application stack, then its state record;
 * - `--base`: the base stack, only when no application or branch stack of the environment still
 *   has resources in its state (they are named otherwise).
 * A stack that protects data (`lifecycle.prevent_destroy` in its Terraform) is destroyed only
 * with `--allow-data-loss`.
 */

/** The base stack's state name (stacks/base-stack.ts, state/backend.ts). */
const BASE_STATE = "base";

export interface DownRequest extends DeployRequest {
  /** Destroy resources that protect data (`lifecycle.prevent_destroy`). @default false */
  readonly allowDataLoss: boolean;
}

export interface DownResult {
  /** The stack destroyed (or found empty). */
  readonly stack: string;
  /** What happened, one sentence. */
  readonly detail: string;
}

/** The command line that repeats this one, with one more flag. */
function sameCommandWith(request: DownRequest, env: EnvironmentConfig, flag: string, branch?: string): string {
  return [
    "compose2ecs down",
    `--env ${env.name}`,
    ...(branch !== undefined ? [`--branch ${JSON.stringify(branch)}`] : []),
    ...(request.base ? ["--base"] : []),
    flag,
  ].join(" ");
}

async function loadPlan(request: DownRequest, baseOnly: boolean): Promise<{ plan: Plan; env: EnvironmentConfig; endpoint?: string }> {
  const inspected = inspectOutputFolder(request.outDir);
  if ("refused" in inspected) throw new DeployError([formatDiagnostic(inspected.refused)]);
  const planned = await planRequest({ ...request, baseOnly });
  reportDiagnostics(planned.diagnostics, request.print);
  const loaded = planned.loaded;
  if (planned.plan === undefined || loaded === undefined) throw new DeployError(["compose2ecs down: the stack could not be planned"]);
  checkCloudLogin(loaded.env, request.envVars, "down");
  return { plan: planned.plan, env: loaded.env, ...(loaded.endpoint ? { endpoint: loaded.endpoint } : {}) };
}

async function write(request: DownRequest, plan: Plan, endpoint: string | undefined, baseOnly: boolean): Promise<void> {
  const { writeStacks } = await import("../stacks/synthesize");
  await writeStacks(plan, {
    outDir: resolve(request.outDir),
    projectDir: resolve(request.projectDir),
    hcl: false,
    ...(endpoint ? { endpoint } : {}),
    ...(baseOnly ? { baseOnly: true } : {}),
  }).catch((error: unknown) => {
    if (error instanceof OutputFolderError) throw new DeployError(error.diagnostics.map(formatDiagnostic));
    throw error;
  });
}

/**
 * Undefined when the stack may be destroyed; else why not (naming --allow-data-loss). With the
 * flag the stack was planned and written without `prevent_destroy` (the pipeline's allowDataLoss,
 * as `synth --allow-data-loss` does), so the written JSON guards nothing; `released` names the
 * volumes whose data goes with it.
 */
function dataProtection(request: DownRequest, env: EnvironmentConfig, stack: string, branch?: string, released: readonly string[] = []): string | undefined {
  if (request.allowDataLoss && released.length > 0) {
    request.print(
      `--allow-data-loss: destroying the EFS file systems of ${released.join(", ")} with ${stack}; their data is lost (AWS Backup recovery points stay).`,
    );
  }
  const guarded = protectedResources(stackFile(request, stack));
  if (guarded.length === 0) return undefined;
  return (
    `${stack} protects data from destruction: ${guarded.join(", ")} (lifecycle.prevent_destroy); destroying ${guarded.length === 1 ? "it deletes its" : "them deletes their"} data for good. ` +
    `Run \`${sameCommandWith(request, env, "--allow-data-loss", branch)}\` to destroy it anyway. Nothing was destroyed.`
  );
}

async function destroyStack(session: Session, dir: string, stack: string): Promise<DestroyResult> {
  await initStack(dir, session.run);
  const outcome = await applyStack(dir, stack, session.run, "destroy");
  if (!outcome.ok) return { ok: false, detail: failureLines(`terraform destroy of ${stack} failed:`, outcome).join("\n") };
  return { ok: true, detail: `${stack} destroyed` };
}

/** Whether a stack's state (by state name) manages anything now; undefined when it cannot be read here (HCP Terraform). */
async function hasResources(inventory: StateInventory | undefined, stateName: string): Promise<boolean | undefined> {
  if (inventory === undefined) return undefined;
  const text = await inventory.read(stateName);
  if (text === undefined) return false;
  return slotInState(text).kind !== "empty";
}

function inventoryOf(env: EnvironmentConfig, request: DownRequest): StateInventory | undefined {
  if (env.state.kind === "cloud") return undefined;
  const { bookkeeping } = branchBookkeeping(env, resolve(request.projectDir), request.envVars);
  return bookkeeping?.inventory;
}

async function downBranch(request: DownRequest, session: Session): Promise<DownResult> {
  const planned = await planRequest({ ...request, forDestroy: true });
  reportDiagnostics(planned.diagnostics, request.print);
  const loaded = planned.loaded;
  const branch = loaded?.branch;
  if (loaded === undefined || branch === undefined) throw new DeployError(["compose2ecs down: the branch could not be resolved"]);
  const env = loaded.env;
  const projectDir = resolve(request.projectDir);
  const { bookkeeping, diagnostics } = branchBookkeeping(env, projectDir, request.envVars);
  if (bookkeeping === undefined) throw new DeployError(diagnostics.map(formatDiagnostic));
  const { registry, inventory } = bookkeeping;
  const entry = (await listBranchEnvironments(registry, inventory)).find((b) => b.slug === branch.slug);
  const stack = planned.plan?.app.stackName ?? branch.slug;
  if (entry === undefined)
    return { stack, detail: `branch ${JSON.stringify(branch.branch)} has no stack in ${env.name} (no state, no slot): nothing to destroy` };
  const [outcome] = await collectGarbage([entry], registry, inventory, {
    destroy: true,
    destroyStack: async (stale: BranchEnvironment) => {
      const destroyPlan = await planBranchDestroy({ env, projectDir, branch: stale, inventory, envVars: request.envVars });
      if ("result" in destroyPlan) return destroyPlan.result;
      await write(request, destroyPlan.plan, destroyPlan.endpoint, false);
      const name = destroyPlan.plan.app.stackName;
      const refused = dataProtection(request, env, name, branch.branch);
      if (refused !== undefined) return { ok: false, detail: refused };
      const result = await destroyStack(session, stackDir(request, name), name);
      return destroyPlan.note !== undefined ? { ...result, detail: `${result.detail} (${destroyPlan.note})` } : result;
    },
  });
  if (outcome === undefined) throw new DeployError(["compose2ecs down: nothing was done"]);
  const slot = entry.slot !== undefined ? `; slot ${entry.slot} is free` : "";
  switch (outcome.action) {
    case "destroyed":
      return { stack, detail: `${outcome.detail}; its state record is removed${slot}` };
    case "released":
      return { stack, detail: `branch ${JSON.stringify(branch.branch)} was never deployed${slot}` };
    default:
      throw new DeployError([`compose2ecs down: ${outcome.detail}`]);
  }
}

async function downApp(request: DownRequest, session: Session): Promise<DownResult> {
  const { plan, env, endpoint } = await loadPlan(request, false);
  const stack = plan.app.stackName;
  const inventory = inventoryOf(env, request);
  if ((await hasResources(inventory, plan.app.stateName)) === false) {
    await inventory?.remove(plan.app.stateName);
    return { stack, detail: `${stack} has no resources in its state: nothing to destroy` };
  }
  await write(request, plan, endpoint, false);
  const released = plan.app.dataProtection.mode === "released" ? plan.app.dataProtection.volumes : [];
  const refused = dataProtection(request, env, stack, undefined, released);
  if (refused !== undefined) throw new DeployError([`compose2ecs down: ${refused}`]);
  const result = await destroyStack(session, stackDir(request, stack), stack);
  if (!result.ok) throw new DeployError([`compose2ecs down: ${result.detail}`]);
  if (inventory === undefined) return { stack, detail: `${stack} destroyed (its empty workspace stays in HCP Terraform)` };
  await inventory.remove(plan.app.stateName);
  return { stack, detail: `${stack} destroyed; its state record is removed` };
}

/** The stacks that still depend on the base: branch stacks (or the app stack) whose state manages resources. */
async function dependents(request: DownRequest, env: EnvironmentConfig, plan: Plan, session: Session): Promise<string[]> {
  if (env.branches) {
    const { bookkeeping, diagnostics } = branchBookkeeping(env, resolve(request.projectDir), request.envVars);
    if (bookkeeping === undefined) throw new DeployError(diagnostics.map(formatDiagnostic));
    const found: string[] = [];
    for (const b of await listBranchEnvironments(bookkeeping.registry, bookkeeping.inventory)) {
      if (b.state === undefined || !(await hasResources(bookkeeping.inventory, b.slug))) continue;
      found.push(
        `${b.branch !== undefined ? JSON.stringify(b.branch) : "(unknown branch)"} (${env.name}-${b.slug}${b.slot !== undefined ? `, slot ${b.slot}` : ""})`,
      );
    }
    return found;
  }
  const deployed = await hasResources(inventoryOf(env, request), plan.app.stateName);
  if (deployed !== undefined) return deployed ? [plan.app.stackName] : [];
  // HCP Terraform: the app stack's workspace is asked through terraform itself.
  const dir = stackDir(request, plan.app.stackName);
  await initStack(dir, session.run);
  const listed = await terraform(["state", "list"], { cwd: dir, env: session.run.tfEnv });
  if (listed.code !== 0) throw new DeployError([`compose2ecs down: cannot read the state of ${plan.app.stackName}: ${listed.stderr.trim()}`]);
  return listed.stdout.trim() === "" ? [] : [plan.app.stackName];
}

async function downBase(request: DownRequest, session: Session): Promise<DownResult> {
  const { plan, env, endpoint } = await loadPlan(request, true);
  const stack = plan.base.stackName;
  // The application stack is written too (non-branch environments) so its state can be asked about.
  await write(request, plan, endpoint, env.branches);
  const left = await dependents(request, env, plan, session);
  if (left.length > 0) {
    const how = env.branches
      ? `\`compose2ecs down --env ${env.name} --branch NAME\` for each (or \`compose2ecs branches gc --env ${env.name} --live FILE --destroy\`)`
      : `\`compose2ecs down --env ${env.name}\``;
    throw new DeployError([`compose2ecs down: ${stack} is still used by ${left.join(", ")}: run ${how} first. Nothing was destroyed.`]);
  }
  const inventory = inventoryOf(env, request);
  if ((await hasResources(inventory, BASE_STATE)) === false) {
    await inventory?.remove(BASE_STATE);
    return { stack, detail: `${stack} has no resources in its state: nothing to destroy` };
  }
  const file = stackFile(request, stack);
  const guardedLbs = deletionProtectedLoadBalancers(file);
  if (guardedLbs.length > 0) {
    throw new DeployError([
      `compose2ecs down: the load balancer of ${stack} has deletion protection (loadBalancer.deletionProtection: true in ${env.file ?? env.name}), so AWS refuses to delete it. ` +
        `Set loadBalancer.deletionProtection: false, run \`compose2ecs up --env ${env.name} --base\`, then \`compose2ecs down --env ${env.name} --base\` again. Nothing was destroyed.`,
    ]);
  }
  const refused = dataProtection(request, env, stack);
  if (refused !== undefined) throw new DeployError([`compose2ecs down: ${refused}`]);
  const result = await destroyStack(session, stackDir(request, stack), stack);
  if (!result.ok) throw new DeployError([`compose2ecs down: ${result.detail}`]);
  if (inventory === undefined) return { stack, detail: `${stack} destroyed (its empty workspace stays in HCP Terraform)` };
  await inventory.remove(BASE_STATE);
  return { stack, detail: `${stack} destroyed; its state record is removed` };
}

export async function down(request: DownRequest): Promise<DownResult> {
  // terraform and its configuration are checked first: a refusal there leaves nothing behind.
  const session = await openSession(request);
  try {
    if (request.base) return await downBase(request, session);
    // Which kind of environment: the plan says (a branch environment resolves the branch).
    const probe = await planRequest({ ...request, baseOnly: true });
    const env = probe.loaded?.env;
    if (env === undefined) {
      reportDiagnostics(probe.diagnostics, request.print);
      throw new DeployError(["compose2ecs down: the environment did not load"]);
    }
    return env.branches ? await downBranch(request, session) : await downApp(request, session);
  } finally {
    session.close();
  }
}

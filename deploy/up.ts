import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { formatDiagnostic } from "../compose/diagnostics";
import { remainingPlaceholders } from "../config/placeholders";
import { claimBranchSlot } from "../pipeline/claim-slot";
import { planRequest } from "../pipeline/plan-request";
import { Plan } from "../planner/plan";
import { inspectOutputFolder, OutputFolderError } from "../stacks/output-folder";
import { recordDeployment } from "../state/priority-slots";
import { slotRegistryFor } from "../state/slot-registry";
import { waitForServices } from "./service-stability";
import { checkCloudLogin, DeployRequest, describeApp, openSession, reportDiagnostics, Session, stackDir, stackFile } from "./session";
import { applyStack, DeployError, ecsServices, failureLines, initStack, stackOutputs, stateResources } from "./stack-terraform";
import { readableAddress } from "./terraform-json";
import { nextSleep, wakeBranch } from "./wake-branch";

/**
 * `compose2ecs up`: synthesize (the one pipeline: plan, claim the branch's slot, write the
 * stacks), then apply with terraform and wait until the ECS services run.
 * - `--base`: the environment's base stack (network, cluster, load balancer).
 * - a branch environment: the branch's stack; its base is found by lookup, as the stack itself
 *   finds it, and a missing base is said as "run up --base first". A branch its sleep schedule
 *   has scaled to 0 is woken (deploy/wake-branch.ts) until the schedule's next sleep.
 * - an environment without branches: the base, then the application stack.
 */

export interface UpRequest extends DeployRequest {
  /** Wait for the ECS services to be stable. @default true */
  readonly wait: boolean;
  /** How long to wait for them. */
  readonly waitTimeoutMs: number;
  /** Poll interval of the wait. @default 10_000 */
  readonly pollMs?: number;
  /** The clock a branch's `lastDeployedAt` is read from. @default the system clock */
  readonly now?: () => Date;
}

export interface UpResult {
  readonly stacks: readonly string[];
  /** The application stack's `url` output, when one was applied. */
  readonly url?: string;
}

/** Plans, refuses placeholders, claims the branch's slot and writes the stacks; returns the plan. */
async function synthesizeForUp(request: UpRequest): Promise<{ plan: Plan; endpoint?: string }> {
  const inspected = inspectOutputFolder(request.outDir);
  if ("refused" in inspected) throw new DeployError([formatDiagnostic(inspected.refused)]);
  const planned = await planRequest({ ...request, baseOnly: request.base });
  reportDiagnostics(planned.diagnostics, request.print);
  const loaded = planned.loaded;
  if (planned.plan === undefined || loaded === undefined) throw new DeployError(["compose2ecs up: nothing to deploy (the plan failed)"]);
  const placeholders = remainingPlaceholders(loaded.env);
  if (placeholders.length > 0) {
    throw new DeployError([
      ...placeholders.map(formatDiagnostic),
      `compose2ecs up: ${placeholders.length} placeholder${placeholders.length === 1 ? "" : "s"} left in ${loaded.env.file ?? loaded.env.name}; replace ${placeholders.length === 1 ? "it" : "them"} before deploying (synth and diff work with placeholders). Nothing was changed.`,
    ]);
  }
  checkCloudLogin(loaded.env, request.envVars, "up");
  // Only now, with a plan that succeeded and nothing left to refuse, does a branch take a slot.
  const claimed = request.base ? planned : await claimBranchSlot(planned);
  reportDiagnostics(
    claimed.diagnostics.filter((d) => d.severity === "error"),
    request.print,
  );
  if (claimed.plan === undefined) throw new DeployError(["compose2ecs up: the branch's slot could not be claimed"]);
  const { writeStacks } = await import("../stacks/synthesize");
  const written = await writeStacks(claimed.plan, {
    outDir: resolve(request.outDir),
    projectDir: resolve(request.projectDir),
    hcl: false,
    ...(loaded.endpoint ? { endpoint: loaded.endpoint } : {}),
    ...(request.base ? { baseOnly: true } : {}),
  }).catch((error: unknown) => {
    if (error instanceof OutputFolderError) throw new DeployError(error.diagnostics.map(formatDiagnostic));
    throw error;
  });
  request.print(`Synthesized ${written.join(", ")} into ${request.outDir}.`);
  return { plan: claimed.plan, ...(loaded.endpoint ? { endpoint: loaded.endpoint } : {}) };
}

/** The data sources by which an application stack finds its base (the `base` lookups), by address. */
function baseLookups(file: string, stack: string): Set<string> {
  const json = JSON.parse(readFileSync(file, "utf8")) as { data?: Record<string, Record<string, { "//"?: { metadata?: { path?: string } } }>> };
  const found = new Set<string>();
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      if (body["//"]?.metadata?.path?.startsWith(`${stack}/base/`)) found.add(`data.${type}.${name}`);
    }
  }
  return found;
}

async function applyBase(request: UpRequest, session: Session, plan: Plan): Promise<void> {
  const dir = stackDir(request, plan.base.stackName);
  await initStack(dir, session.run);
  const outcome = await applyStack(dir, plan.base.stackName, session.run, "apply");
  if (!outcome.ok) throw new DeployError(failureLines(`compose2ecs up: terraform apply of ${plan.base.stackName} failed:`, outcome));
  const outputs = await stackOutputs(dir, session.run);
  const dns = typeof outputs.load_balancer_dns_name === "string" ? ` (load balancer ${outputs.load_balancer_dns_name})` : "";
  session.console.say(`Base ${plan.base.stackName} is up${dns}.`);
}

/**
 * After a branch's stack was applied: its slot record's `lastDeployedAt`, from which
 * `branches gc --expired` counts the branch's age. Written before waiting for the services: the
 * resources exist (and cost) from here on, whether or not they come up. A record that cannot be
 * written fails `up`, since gc would otherwise count the branch's age from an older deploy.
 */
async function noteDeployment(request: UpRequest, session: Session, plan: Plan): Promise<void> {
  const branch = plan.branch;
  if (branch === undefined) return;
  const { registry } = slotRegistryFor(plan.env, resolve(request.projectDir), request.envVars);
  // Branch environments always have a registry (the loader refuses branches with a cloud backend).
  if (registry === undefined) return;
  const now = (request.now ?? (() => new Date()))();
  const problem = await recordDeployment(registry.store, { branch: branch.branch, slug: branch.slug, slot: branch.slot }, now);
  if (problem !== undefined) {
    throw new DeployError([
      `compose2ecs up: ${plan.app.stackName} was applied, but ${problem}.`,
      `Its deploy time is not recorded, so \`branches gc --expired\` would count its age from an older one; run up again (it claims a slot and records the deploy).`,
    ]);
  }
  const ttl = plan.env.branchTtlHours;
  if (ttl !== undefined) {
    const expires = new Date(now.getTime() + ttl * 3_600_000).toISOString();
    session.console.say(
      `Recorded the deploy of ${branch.branch}: \`branches gc --expired\` destroys it after ${expires} unless it is deployed again (branchTtl ${ttl} h).`,
    );
  }
}

async function applyApp(request: UpRequest, session: Session, plan: Plan, endpoint: string | undefined): Promise<string | undefined> {
  const stack = plan.app.stackName;
  const dir = stackDir(request, stack);
  await initStack(dir, session.run);
  const outcome = await applyStack(dir, stack, session.run, "apply");
  if (!outcome.ok) {
    const lookups = baseLookups(stackFile(request, stack), stack);
    const missing = outcome.errors.filter((e) => e.address !== undefined && lookups.has(e.address));
    if (missing.length > 0) {
      throw new DeployError([
        `compose2ecs up: the base of environment ${plan.env.name} (${plan.base.stackName}) was not found: ${[...new Set(missing.map((e) => `${readableAddress(e.address ?? "")}: ${e.summary}`))].join("; ")}.`,
        `Run \`compose2ecs up --env ${plan.env.name} --base\` first. Nothing of ${stack} was created.`,
      ]);
    }
    throw new DeployError(failureLines(`compose2ecs up: terraform apply of ${stack} failed:`, outcome));
  }
  await noteDeployment(request, session, plan);
  const outputs = await stackOutputs(dir, session.run);
  const url = typeof outputs.url === "string" ? outputs.url : undefined;
  const scheduled = plan.app.services.some((s) => s.schedule !== undefined);
  if (!request.wait && !scheduled) return url;
  const services = ecsServices(await stateResources(dir, session.run));
  const woken = scheduled ? await wakeBranch(plan, services, { region: plan.env.aws.region, ...(endpoint ? { endpoint } : {}) }) : [];
  if (woken.length > 0) {
    session.console.say(
      `Woke ${woken.length} sleeping ECS service${woken.length === 1 ? "" : "s"} (${woken.map((s) => s.name).join(", ")}); the sleep schedule puts the branch to sleep again ${nextSleep(plan) ?? ""}.`,
    );
  }
  if (!request.wait) return url;
  const minutes = Math.round(request.waitTimeoutMs / 60_000);
  const timeout = minutes >= 1 ? `${minutes} min` : `${Math.round(request.waitTimeoutMs / 1000)} s`;
  session.console.say(`Waiting for ${services.length} ECS service${services.length === 1 ? "" : "s"} to run their desired tasks (up to ${timeout}) ...`);
  const waited = await waitForServices(services, {
    region: plan.env.aws.region,
    ...(endpoint ? { endpoint } : {}),
    timeoutMs: request.waitTimeoutMs,
    ...(request.pollMs !== undefined ? { pollMs: request.pollMs } : {}),
    onPoll: (waiting, elapsed) => session.console.say(`  still waiting for ${waiting.join(", ")} (${elapsed} s)`),
  });
  if (!waited.ok) {
    throw new DeployError([
      `compose2ecs up: ${describeApp(plan)} was applied, but its services are not running as desired:`,
      ...waited.report,
      ...(url !== undefined ? [`URL (not serving yet): ${url}`] : []),
      "Fix the cause (image, command, health check, task size) and run up again; `compose2ecs down` removes it.",
    ]);
  }
  session.console.say(`All ${services.length} ECS service${services.length === 1 ? " is" : "s are"} stable.`);
  return url;
}

export async function up(request: UpRequest): Promise<UpResult> {
  // terraform and its configuration are checked first: a refusal there leaves nothing behind.
  const session = await openSession(request);
  try {
    const { plan, endpoint } = await synthesizeForUp(request);
    if (request.base) {
      await applyBase(request, session, plan);
      return { stacks: [plan.base.stackName] };
    }
    const stacks: string[] = [];
    if (plan.branch === undefined) {
      await applyBase(request, session, plan);
      stacks.push(plan.base.stackName);
    }
    const url = await applyApp(request, session, plan, endpoint);
    stacks.push(plan.app.stackName);
    session.console.say(`${describeApp(plan)} is up${url !== undefined ? `: ${url}` : ""}`);
    return { stacks, ...(url !== undefined ? { url } : {}) };
  } finally {
    session.close();
  }
}

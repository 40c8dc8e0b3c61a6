import { relative } from "node:path";
import { RunResult, terraform } from "../terraform/run";
import { ApplyProgress, describeDiagnostics, TerraformDiagnostic } from "./terraform-json";
import { ServiceRef } from "./service-stability";

/**
 * terraform in one synthesized stack folder, as `up` and `down` run it: `init`, then `apply -json`
 * or `destroy -json` with progress lines (resources done of total, what is still being worked on,
 * time since the command started), and what the state holds afterwards (outputs, ECS services).
 * Terraform runs with the environment `terraformSetup` gave (the user's own configuration).
 */

/** A step failed; `lines` say what and what to do (printed as they are, exit code 1). */
export class DeployError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
  }
}

export interface Console {
  /** Prints one progress line, prefixed with the time since the command started. */
  say(line: string): void;
}

export interface StackRun {
  readonly tfEnv: NodeJS.ProcessEnv;
  readonly console: Console;
  /** How often to say what is still being worked on. @default 15_000 */
  readonly tickMs?: number;
}

/** Apply and destroy on AWS can take many minutes (NAT gateways, load balancers, draining tasks). */
const APPLY_TIMEOUT_MS = 2 * 60 * 60 * 1000;
const SHORT_TIMEOUT_MS = 15 * 60 * 1000;

function shown(dir: string): string {
  return relative(process.cwd(), dir) || dir;
}

function lastLines(text: string, count = 15): string[] {
  return text
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-count)
    .map((l) => `  ${l}`);
}

/**
 * While terraform runs, Ctrl-C (which the terminal also sends to terraform) must not end this
 * process: terraform stops gracefully and releases its state lock; leaving it orphaned could not.
 */
async function withoutDyingOnSignals<T>(console: Console, work: () => Promise<T>): Promise<T> {
  let told = false;
  const onSignal = () => {
    if (told) return;
    told = true;
    console.say("Interrupted: waiting for terraform to stop cleanly (it saves the state and releases its lock) ...");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await work();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** `terraform init`; throws a DeployError with terraform's words when it fails. */
export async function initStack(dir: string, run: StackRun): Promise<void> {
  run.console.say(`terraform init in ${shown(dir)} ...`);
  const result = await withoutDyingOnSignals(run.console, () => terraform(["init", "-input=false"], { cwd: dir, env: run.tfEnv, timeoutMs: SHORT_TIMEOUT_MS }));
  if (result.code !== 0) throw new DeployError([`terraform init failed in ${shown(dir)}:`, ...lastLines(result.stderr || result.stdout)]);
}

export interface ApplyOutcome {
  readonly ok: boolean;
  readonly errors: readonly TerraformDiagnostic[];
  readonly result: RunResult;
}

/** `terraform apply -json` (or `destroy -json`), saying each resource as it completes. */
export async function applyStack(dir: string, stack: string, run: StackRun, mode: "apply" | "destroy"): Promise<ApplyOutcome> {
  const progress = new ApplyProgress();
  const say = (line: string) => run.console.say(`${stack}: ${line}`);
  let pending = "";
  const onOutput = (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const event = progress.feed(line);
      if (event?.kind === "planned") say(`planned: ${event.action}`);
      else if (event !== undefined) say(`${progress.count()} ${event.kind === "complete" ? event.action : "FAILED"} ${event.resource}`);
    }
  };
  const ticker = setInterval(() => {
    const working = progress.inFlight();
    if (working.length > 0)
      say(`${progress.count()}, still working on ${working.slice(0, 3).join(", ")}${working.length > 3 ? ` and ${working.length - 3} more` : ""}`);
  }, run.tickMs ?? 15_000);
  say(mode === "apply" ? "planning and applying ..." : "planning and destroying ...");
  try {
    const args = [mode, "-auto-approve", "-input=false", "-json"];
    const result = await withoutDyingOnSignals(run.console, () => terraform(args, { cwd: dir, env: run.tfEnv, timeoutMs: APPLY_TIMEOUT_MS, onOutput }));
    if (pending !== "") progress.feed(pending);
    if (result.code === 0) say(`${progress.count()} done (${mode === "apply" ? "applied" : "destroyed"})`);
    return { ok: result.code === 0, errors: progress.errors(), result };
  } finally {
    clearInterval(ticker);
  }
}

/** The lines that say why an apply or destroy failed: terraform's error diagnostics, else its stderr. */
export function failureLines(what: string, outcome: ApplyOutcome): string[] {
  const described = describeDiagnostics(outcome.errors);
  return [what, ...(described.length > 0 ? described : lastLines(outcome.result.stderr || outcome.result.stdout))];
}

/** `terraform output -json` as values. */
export async function stackOutputs(dir: string, run: StackRun): Promise<Record<string, unknown>> {
  const result = await terraform(["output", "-json"], { cwd: dir, env: run.tfEnv, timeoutMs: SHORT_TIMEOUT_MS });
  if (result.code !== 0) throw new DeployError([`terraform output failed in ${shown(dir)}:`, ...lastLines(result.stderr || result.stdout)]);
  const parsed = JSON.parse(result.stdout || "{}") as Record<string, { value?: unknown }>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
}

interface StateDocument {
  readonly resources?: readonly {
    readonly mode?: string;
    readonly type?: string;
    readonly instances?: readonly { readonly attributes?: Record<string, unknown> }[];
  }[];
}

/**
 * What the stack's state holds: its managed resources' types and attributes, from `terraform state
 * pull` (the raw state, which needs no provider schemas, unlike `terraform show -json`).
 */
export async function stateResources(dir: string, run: StackRun): Promise<{ readonly type: string; readonly values: Record<string, unknown> }[]> {
  const result = await terraform(["state", "pull"], { cwd: dir, env: run.tfEnv, timeoutMs: SHORT_TIMEOUT_MS });
  if (result.code !== 0) throw new DeployError([`terraform state pull failed in ${shown(dir)}:`, ...lastLines(result.stderr || result.stdout)]);
  const state = JSON.parse(result.stdout || "{}") as StateDocument;
  return (state.resources ?? [])
    .filter((r) => r.mode === "managed" && r.type !== undefined)
    .flatMap((r) => (r.instances ?? []).map((i) => ({ type: r.type ?? "", values: i.attributes ?? {} })));
}

/** The ECS services in a stack's state, to wait for. */
export function ecsServices(resources: readonly { readonly type: string; readonly values: Record<string, unknown> }[]): ServiceRef[] {
  return resources
    .filter((r) => r.type === "aws_ecs_service" && typeof r.values.name === "string" && typeof r.values.cluster === "string")
    .map((r) => ({ cluster: r.values.cluster as string, name: r.values.name as string }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

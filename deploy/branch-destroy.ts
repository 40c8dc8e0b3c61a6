import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDiagnostic } from "../compose/diagnostics";
import { EnvironmentConfig } from "../config/environment-model";
import { planRequest } from "../pipeline/plan-request";
import { Plan } from "../planner/plan";
import { destroyStackFolder, DestroyResult } from "../state/branch-destroy";
import { BranchEnvironment, StateInventory } from "../state/branches";
import { albNameInState, slotInState } from "../state/state-slot";

/**
 * `branches gc --destroy` for one branch: the pipeline plans the branch's application stack
 * with the slug and slot its state was built with, stacks/ writes it into a temporary folder
 * (its backend block points at the branch's existing state), then `terraform init` and
 * `terraform destroy -auto-approve` run there. Loaded only for `gc --destroy`, so `branches
 * list` never loads cdktf.
 */

export interface BranchPlanRequest {
  readonly env: EnvironmentConfig;
  readonly projectDir: string;
  readonly branch: BranchEnvironment;
  /** Reads the branch's state (the slot it was deployed with is in it). */
  readonly inventory: StateInventory;
  /** Variables for the pipeline (interpolation, COMPOSE2ECS_AWS_ENDPOINT). */
  readonly envVars: NodeJS.ProcessEnv;
}

export interface BranchDestroyRequest extends BranchPlanRequest {
  /** The environment terraform runs with (terraform/cli-config.ts terraformSetup: the user's own configuration). */
  readonly tfEnv: NodeJS.ProcessEnv;
}

/** What to do with a stale branch's state. */
export type DestroyDecision =
  | { readonly kind: "nothing"; readonly detail: string }
  | { readonly kind: "refuse"; readonly detail: string }
  | { readonly kind: "destroy"; readonly slot: number; readonly note?: string };

/**
 * The slot to build the destroy configuration with, so that it matches the state: the one the
 * state's listener port and rule priorities say, even when the slot record says otherwise or is
 * gone. In a state without such resources nothing depends on the slot (only the branch
 * listener and the rules do), so every slot renders the same configuration for what the state
 * holds: then the record's slot, else the lowest branch slot. An unreadable state is refused.
 */
export function destroyDecision(stateText: string, recordSlot: number | undefined): DestroyDecision {
  const found = slotInState(stateText);
  switch (found.kind) {
    case "empty":
      return { kind: "nothing", detail: "its state holds no resources; nothing to destroy" };
    case "unreadable":
      return { kind: "refuse", detail: `cannot tell from its state which slot it was deployed with (${found.reason}); destroy it by hand with terraform` };
    case "slot":
      return recordSlot !== undefined && recordSlot !== found.slot
        ? {
            kind: "destroy",
            slot: found.slot,
            note: `its state was deployed with slot ${found.slot}, its record says ${recordSlot}; destroyed with the state's`,
          }
        : { kind: "destroy", slot: found.slot };
    case "unshaped":
      return { kind: "destroy", slot: recordSlot ?? LOWEST_BRANCH_SLOT };
  }
}

/** Only for a state in which no resource depends on the slot (see destroyDecision). */
const LOWEST_BRANCH_SLOT = 1;

/** The plan to destroy a branch with (its state's slug and slot), or the result when terraform need not or must not run. */
export type DestroyPlan = { readonly result: DestroyResult } | { readonly plan: Plan; readonly endpoint?: string; readonly note?: string };

export async function planBranchDestroy(request: BranchPlanRequest): Promise<DestroyPlan> {
  const { env, branch } = request;
  const stateText = await request.inventory.read(branch.slug);
  // Gone since the listing: nothing left to destroy, and gc checks again before freeing the slot.
  if (stateText === undefined) return { result: { ok: true, detail: "its state is gone; nothing to destroy" } };
  const decision = destroyDecision(stateText, branch.slot);
  if (decision.kind === "nothing") return { result: { ok: true, detail: decision.detail } };
  if (decision.kind === "refuse") return { result: { ok: false, detail: decision.detail } };
  const plan = (alb: number | undefined) =>
    planRequest({
      projectDir: request.projectDir,
      envName: env.name,
      knownBranch: { branch: branch.branch ?? branch.slug, slug: branch.slug, slot: decision.slot, ...(alb !== undefined ? { alb } : {}) },
      envVars: request.envVars,
    });
  let planned = await plan(branch.alb);
  // The ALB the state looked up wins over the record's (or a missing record's ALB 1), as the slot does.
  const stateAlb = albNameInState(stateText);
  const member = planned.plan?.base.loadBalancer.pool.find((m) => m.name === stateAlb);
  if (member !== undefined && member.index !== planned.plan?.app.alb.index) planned = await plan(member.index);
  if (planned.plan === undefined) {
    return {
      result: {
        ok: false,
        detail: `synth failed: ${planned.diagnostics
          .filter((d) => d.severity === "error")
          .map(formatDiagnostic)
          .join("; ")}`,
      },
    };
  }
  const endpoint = planned.loaded?.endpoint;
  return { plan: planned.plan, ...(endpoint ? { endpoint } : {}), ...(decision.note ? { note: decision.note } : {}) };
}

export async function destroyBranchWithTerraform(request: BranchDestroyRequest): Promise<DestroyResult> {
  const planned = await planBranchDestroy(request);
  if ("result" in planned) return planned.result;
  const work = mkdtempSync(join(tmpdir(), `compose2ecs-gc-${request.branch.slug}-`));
  try {
    const { writeStacks } = await import("../stacks/synthesize");
    const outDir = join(work, "out");
    await writeStacks(planned.plan, { outDir, projectDir: request.projectDir, hcl: false, ...(planned.endpoint ? { endpoint: planned.endpoint } : {}) });
    const result = await destroyStackFolder(join(outDir, "stacks", planned.plan.app.stackName), request.tfEnv);
    return planned.note !== undefined ? { ...result, detail: `${result.detail} (${planned.note})` } : result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

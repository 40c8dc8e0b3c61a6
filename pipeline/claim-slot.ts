import { resolve } from "node:path";
import { environmentLocation } from "../config/locations";
import { slotLimit } from "../planner/slots";
import { albLimits, sameUsage, usageOf } from "../state/alb-capacity";
import { allocateSlot, updateRecord } from "../state/priority-slots";
import { slotRegistryFor } from "../state/slot-registry";
import { planLoaded, PlannedRequest } from "./plan-request";

/**
 * The one step that writes the slot registry: `synth` of a branch stack (and `npx cdktf synth`),
 * after its plan succeeded. A failed plan (a compose error, a planner error, a full registry,
 * a full pool) records nothing. The branch then keeps its slot and ALB across syntheses until
 * `branches gc` frees it. The plan is made again with the allocated slot and ALB, which differ
 * from the provisional ones when another branch took them in the meantime. A held record whose
 * usage differs from the branch's current one (its services changed, or a record from before
 * pools) is rewritten with the current usage, so other branches' quota checks count it right.
 */
export async function claimBranchSlot(planned: PlannedRequest, now: Date = new Date()): Promise<PlannedRequest> {
  const loaded = planned.loaded;
  const branch = loaded?.branch;
  if (loaded === undefined || branch === undefined || branch.slotStatus === "given" || planned.plan === undefined) return planned;
  const { registry, diagnostics } = slotRegistryFor(loaded.env, resolve(loaded.request.projectDir), loaded.request.envVars);
  if (registry === undefined) return { report: planned.report, diagnostics: [...planned.diagnostics, ...diagnostics] };
  const path = branch.source === "registry" || branch.source === "stand-in" ? "branch" : branch.source;
  const usage = usageOf(planned.plan.app);
  const location = environmentLocation(loaded.env, "loadBalancer.pool");
  const allocated = await allocateSlot(
    registry.store,
    {
      envName: loaded.env.name,
      branch: branch.branch,
      slug: branch.slug,
      limit: slotLimit(loaded.env),
      path,
      placement: { usage, poolSize: loaded.env.loadBalancer.pool, limits: albLimits(loaded.env) },
      ...(location ? { placementLocation: location } : {}),
    },
    now,
  );
  const record = allocated.record;
  if (record === undefined) return { report: planned.report, diagnostics: [...planned.diagnostics, ...allocated.diagnostics] };
  const replanned = planLoaded({ ...loaded, branch: { ...branch, slot: record.slot, alb: record.alb ?? 1, slotStatus: "held" } });
  if (replanned.plan !== undefined && !sameUsage(record.usage, usage)) await updateRecord(registry.store, { ...record, usage });
  return replanned;
}

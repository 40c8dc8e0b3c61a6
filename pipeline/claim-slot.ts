import { resolve } from "node:path";
import { slotLimit } from "../planner/slots";
import { allocateSlot } from "../state/priority-slots";
import { slotRegistryFor } from "../state/slot-registry";
import { planLoaded, PlannedRequest } from "./plan-request";

/**
 * The one step that writes the slot registry: `synth` of a branch stack (and `npx cdktf synth`),
 * after its plan succeeded. A failed plan (a compose error, a planner error, a full registry)
 * records nothing. The branch then keeps its slot across syntheses until `branches gc` frees it.
 * The plan is made again with the allocated slot, which differs from the provisional one when
 * another branch took that slot in the meantime.
 */
export async function claimBranchSlot(planned: PlannedRequest, now: Date = new Date()): Promise<PlannedRequest> {
  const loaded = planned.loaded;
  const branch = loaded?.branch;
  if (loaded === undefined || branch === undefined || branch.slotStatus === "given" || planned.plan === undefined) return planned;
  const { registry, diagnostics } = slotRegistryFor(loaded.env, resolve(loaded.request.projectDir), loaded.request.envVars);
  if (registry === undefined) return { report: planned.report, diagnostics: [...planned.diagnostics, ...diagnostics] };
  const path = branch.source === "registry" || branch.source === "stand-in" ? "branch" : branch.source;
  const allocated = await allocateSlot(registry.store, { envName: loaded.env.name, branch: branch.branch, slug: branch.slug, limit: slotLimit(loaded.env), path }, now);
  if (allocated.record === undefined) return { report: planned.report, diagnostics: [...planned.diagnostics, ...allocated.diagnostics] };
  return planLoaded({ ...loaded, branch: { ...branch, slot: allocated.record.slot, slotStatus: "held" } });
}

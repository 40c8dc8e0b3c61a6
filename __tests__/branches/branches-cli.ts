import { join } from "node:path";
import { runBranches } from "../../cli/commands/branches";
import { branchSlug } from "../../naming/branch-slug";
import { BranchEnvironment } from "../../state/branches";
import { LocalSlotStore } from "../../state/local-store";
import { allocateSlot, SlotRecord } from "../../state/priority-slots";
import { captureOutput } from "../helpers/run-cli";

/** Runs `compose2ecs branches ...` in-process (at `now` when given) and captures what it prints. */
export async function run(
  argv: readonly string[],
  destroy?: (b: BranchEnvironment) => Promise<{ ok: boolean; detail: string }>,
  now?: () => Date,
): Promise<{ code: number; out: string }> {
  const { result, stdout } = await captureOutput(() => runBranches(argv, destroy, now));
  return { code: result, out: stdout };
}

/** Allocates a slot the way synth does (at `at`), in the project's local registry of environment qa. */
export async function allocate(project: string, branch: string, at: Date = new Date()): Promise<SlotRecord> {
  const store = new LocalSlotStore(join(project, ".compose2ecs", "state", "qa"));
  const { record } = await allocateSlot(store, { envName: "qa", branch, slug: branchSlug(branch), limit: 48 }, at);
  if (record === undefined) throw new Error(`no slot for ${branch}`);
  return record;
}

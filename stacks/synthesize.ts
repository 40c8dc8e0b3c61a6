import { resolve } from "node:path";
import { ComposeProject, Diagnostic } from "../compose/model";
import { claimBranchSlot } from "../pipeline/claim-slot";
import { PipelineRequest, planRequest } from "../pipeline/plan-request";
import { Plan } from "../planner/plan";
import { ConversionEntry } from "../planner/report";

/**
 * Synth as a function: the pipeline's plan (pipeline/plan-request.ts), the branch's slot
 * claimed once that plan succeeded, then cdktf stacks written to a temporary folder next to
 * the output and renamed into place only when complete, so a failed run never leaves partial
 * output. Problems come back as diagnostics; nothing here exits.
 */

export interface SynthRequest extends PipelineRequest {
  /** Output folder. */
  readonly outDir: string;
  /** Write `cdk.tf` (HCL) instead of `cdk.tf.json`. */
  readonly hcl: boolean;
}

export interface SynthResult {
  /** Stacks written, when synth succeeded. */
  readonly stacks?: readonly string[];
  readonly plan?: Plan;
  readonly project?: ComposeProject;
  readonly diagnostics: readonly Diagnostic[];
  readonly report: readonly ConversionEntry[];
}

/** Plans, claims the branch's slot, and writes the stacks; the output folder is replaced only when everything succeeded. */
export async function synthesize(request: SynthRequest): Promise<SynthResult> {
  const planned = await claimBranchSlot(await planRequest(request));
  const { plan, loaded } = planned;
  if (plan === undefined || loaded === undefined) return { diagnostics: planned.diagnostics, report: planned.report };
  const stacks = await writeStacks(plan, {
    outDir: resolve(request.outDir),
    projectDir: resolve(request.projectDir),
    hcl: request.hcl,
    ...(loaded.endpoint ? { endpoint: loaded.endpoint } : {}),
    ...(request.baseOnly === true ? { baseOnly: true } : {}),
  });
  return { stacks, plan, project: loaded.project, diagnostics: planned.diagnostics, report: planned.report };
}

export interface WriteOptions {
  readonly outDir: string;
  readonly projectDir: string;
  readonly hcl: boolean;
  readonly endpoint?: string;
  /** Write only the base stack. @default false */
  readonly baseOnly?: boolean;
}

/**
 * Synthesizes into a sibling temporary folder, then swaps it into `outDir` (stacks/output-folder.ts):
 * `outDir` must be new, empty or an earlier synth's output (else OutputFolderError, nothing
 * written); the earlier synth's other stacks (other environments, other branches) are kept and
 * listed in the one manifest.
 */
export async function writeStacks(plan: Plan, options: WriteOptions): Promise<string[]> {
  const { replaceOutputFolder, listKeptStacks } = await import("./output-folder");
  const writing = options.baseOnly === true ? [plan.base.stackName] : [plan.base.stackName, plan.app.stackName];
  return replaceOutputFolder(options.outDir, writing, async (temp, kept) => {
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
        ...(options.baseOnly === true ? { baseOnly: true } : {}),
      }),
    );
    listKeptStacks(app.manifest.stacks, kept);
    withoutTokenStackTraces(() => app.synth());
    // cdktf 0.21 leaves quotes unescaped in strings with references (IAM policies): repair them,
    // then terraform fmt (cdktf writes HCL unindented), so ops get valid, canonical files.
    if (options.hcl) await finishHclOutput(temp);
    return stacks;
  });
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDiagnostic } from "../compose/diagnostics";
import { EnvironmentConfig } from "../config/environment-model";
import { planRequest } from "../pipeline/plan-request";
import { destroyStackFolder, DestroyResult } from "../state/branch-destroy";
import { BranchEnvironment } from "../state/branches";

/**
 * `branches gc --destroy` for one branch: the pipeline plans the branch's application stack
 * with its slug and slot, stacks/ writes it into a temporary folder (its backend block points
 * at the branch's existing state), then `terraform init` and `terraform destroy -auto-approve`
 * run there. Loaded only for `gc --destroy`, so `branches list` never loads cdktf.
 */

export interface BranchDestroyRequest {
  readonly env: EnvironmentConfig;
  readonly projectDir: string;
  readonly branch: BranchEnvironment;
  /** Variables for the pipeline (interpolation, COMPOSE2ECS_AWS_ENDPOINT) and terraform. */
  readonly envVars: NodeJS.ProcessEnv;
}

export async function destroyBranchWithTerraform(request: BranchDestroyRequest): Promise<DestroyResult> {
  const { env, branch } = request;
  // Moved as it was from state/branch-destroy.ts: a state without a slot record still names its slug.
  const planned = await planRequest({
    projectDir: request.projectDir,
    envName: env.name,
    knownBranch: { branch: branch.branch ?? branch.slug, slug: branch.slug, slot: branch.slot ?? 1 },
    envVars: request.envVars,
  });
  if (planned.plan === undefined) return { ok: false, detail: `synth failed: ${planned.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic).join("; ")}` };
  const work = mkdtempSync(join(tmpdir(), `compose2ecs-gc-${branch.slug}-`));
  try {
    const { writeStacks } = await import("../stacks/synthesize");
    const outDir = join(work, "out");
    const endpoint = planned.loaded?.endpoint;
    await writeStacks(planned.plan, { outDir, projectDir: request.projectDir, hcl: false, ...(endpoint ? { endpoint } : {}) });
    return await destroyStackFolder(join(outDir, "stacks", planned.plan.app.stackName), join(work, "terraform.rc"), request.envVars);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

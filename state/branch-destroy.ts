import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDiagnostic } from "../compose/diagnostics";
import { Diagnostic } from "../compose/model";
import { BranchContext, EnvironmentConfig } from "../config/environment-model";
import { writeCliConfig } from "../terraform/cli-config";
import { terraform } from "../terraform/run";
import { BranchEnvironment } from "./branches";

/**
 * `branches gc --destroy` for one branch: synthesize its application stack into a temporary
 * folder (the backend block points at the branch's existing state), then `terraform init` and
 * `terraform destroy -auto-approve` there, with a provider-mirror-only CLI config.
 */

export interface SynthBranchRequest {
  readonly env: EnvironmentConfig;
  readonly projectDir: string;
  /** Given as is: gc must not allocate a slot again for a branch it is removing. */
  readonly branch: BranchContext;
  readonly outDir: string;
}

/** Synthesizes one branch's application stack; resolves with the stack folder or why not. */
export type SynthBranchStack = (request: SynthBranchRequest) => Promise<{ readonly stackDir?: string; readonly diagnostics: readonly Diagnostic[] }>;

export interface DestroyResult {
  readonly ok: boolean;
  readonly detail: string;
}

export async function destroyBranchWithTerraform(
  env: EnvironmentConfig,
  projectDir: string,
  branch: BranchEnvironment,
  envVars: NodeJS.ProcessEnv,
  synth: SynthBranchStack = synthWithSynthCommand,
): Promise<DestroyResult> {
  const work = mkdtempSync(join(tmpdir(), `compose2ecs-gc-${branch.slug}-`));
  try {
    // A state without a slot record still names its slug; the slot only shapes listener ports
    // and priorities, which destroy takes from the state, not from the configuration.
    const context: BranchContext = { branch: branch.branch ?? branch.slug, slug: branch.slug, slot: branch.slot ?? 1 };
    const synthesized = await synth({ env, projectDir, branch: context, outDir: join(work, "out") });
    if (synthesized.stackDir === undefined) {
      return { ok: false, detail: `synth failed: ${synthesized.diagnostics.map(formatDiagnostic).join("; ")}` };
    }
    return await destroyStackFolder(synthesized.stackDir, join(work, "terraform.rc"), envVars);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `terraform init` + `terraform destroy -auto-approve` in a synthesized stack folder. */
export async function destroyStackFolder(stackDir: string, cliConfigFile: string, envVars: NodeJS.ProcessEnv): Promise<DestroyResult> {
  const tfEnv = writeCliConfig(cliConfigFile, envVars);
  const init = await terraform(["init", "-input=false"], { cwd: stackDir, env: tfEnv });
  if (init.code !== 0) return { ok: false, detail: `terraform init failed: ${lastLines(init.stderr || init.stdout)}` };
  const destroy = await terraform(["destroy", "-auto-approve", "-input=false"], { cwd: stackDir, env: tfEnv });
  if (destroy.code !== 0) return { ok: false, detail: `terraform destroy failed: ${lastLines(destroy.stderr || destroy.stdout)}` };
  const summary = /Destroy complete! Resources: (\d+) destroyed/.exec(destroy.stdout);
  return { ok: true, detail: summary ? `${summary[1]} resource(s) destroyed` : "destroyed" };
}

function lastLines(text: string): string {
  return text.trim().split("\n").filter((l) => l.trim() !== "").slice(-3).join(" | ");
}

/** The synth command's code, loaded on demand so that `branches list` does not load cdktf. */
async function synthWithSynthCommand(request: SynthBranchRequest): Promise<{ stackDir?: string; diagnostics: readonly Diagnostic[] }> {
  const { synthBranchStack } = await import("../stacks/synthesize");
  return synthBranchStack(request);
}

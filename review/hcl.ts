import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findTerraform } from "../terraform/cli-config";
import { runProgram } from "../terraform/run";

/**
 * HCL output for ops (`synth --hcl`): plain Terraform files that apply without cdktf.
 *
 * cdktf 0.21 quirk: `new App({ hclOutput: true })` only names the file `cdk.tf`; each stack picks
 * its renderer from SYNTH_HCL_OUTPUT when it is constructed, so without the variable `cdk.tf`
 * holds JSON, which Terraform rejects. `constructForHcl` sets it around stack construction.
 */
export function constructForHcl<T>(hcl: boolean, build: () => T): T {
  if (!hcl) return build();
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    return build();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

function stackDirs(outDir: string): string[] {
  const stacks = join(outDir, "stacks");
  if (!existsSync(stacks)) return [];
  return readdirSync(stacks, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(stacks, d.name))
    .sort();
}

/** Problems with an HCL synth output folder: both formats in one stack, or JSON text in cdk.tf. */
export function checkHclLayout(outDir: string): string[] {
  const problems: string[] = [];
  for (const dir of stackDirs(outDir)) {
    const hasHcl = existsSync(join(dir, "cdk.tf"));
    const hasJson = existsSync(join(dir, "cdk.tf.json"));
    if (hasHcl && hasJson) problems.push(`${dir}: has both cdk.tf and cdk.tf.json (Terraform would load both and report duplicate resources)`);
    if (!hasHcl && !hasJson) problems.push(`${dir}: has neither cdk.tf nor cdk.tf.json`);
    if (hasHcl && readFileSync(join(dir, "cdk.tf"), "utf8").trimStart().startsWith("{")) {
      problems.push(`${dir}/cdk.tf: holds JSON, not HCL (cdktf renders HCL only with SYNTH_HCL_OUTPUT set while stacks are built)`);
    }
  }
  return problems;
}

/** Whether terraform is on PATH (formatting is best-effort; validation needs it). */
function hasTerraform(env: NodeJS.ProcessEnv): boolean {
  try {
    findTerraform(env);
    return true;
  } catch {
    return false;
  }
}

export type FormatOutcome = { readonly formatted: true } | { readonly formatted: false; readonly reason: string };

/**
 * `terraform fmt -recursive` over the output so ops get canonical HCL (cdktf writes it unindented).
 * Without terraform on PATH the files stay valid, only unformatted: that is reported, not an error.
 */
export async function formatHclOutput(outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<FormatOutcome> {
  if (!hasTerraform(env)) return { formatted: false, reason: "terraform is not on PATH: cdk.tf files are valid but not formatted (run `terraform fmt -recursive`)" };
  const result = await runProgram("terraform", ["fmt", "-recursive", "-list=false", outDir], { cwd: outDir, env });
  if (result.code !== 0) return { formatted: false, reason: `terraform fmt failed: ${result.stderr.trim()}` };
  return { formatted: true };
}

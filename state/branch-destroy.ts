import { terraform } from "../terraform/run";

/**
 * `terraform init` + `terraform destroy` in a stack folder that synth wrote for a branch
 * (deploy/branch-destroy.ts writes it; this module never synthesizes).
 */

export interface DestroyResult {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * `terraform init` + `terraform destroy -auto-approve` in a synthesized stack folder, with
 * `tfEnv` (terraform/cli-config.ts terraformSetup: the user's own terraform configuration).
 */
export async function destroyStackFolder(stackDir: string, tfEnv: NodeJS.ProcessEnv): Promise<DestroyResult> {
  const init = await terraform(["init", "-input=false"], { cwd: stackDir, env: tfEnv });
  if (init.code !== 0) return { ok: false, detail: `terraform init failed: ${lastLines(init.stderr || init.stdout)}` };
  // On AWS, draining ECS services and deleting EFS mount targets can take many minutes.
  const destroy = await terraform(["destroy", "-auto-approve", "-input=false"], { cwd: stackDir, env: tfEnv, timeoutMs: 3_600_000 });
  if (destroy.code !== 0) return { ok: false, detail: `terraform destroy failed: ${lastLines(destroy.stderr || destroy.stdout)}` };
  const summary = /Destroy complete! Resources: (\d+) destroyed/.exec(destroy.stdout);
  return { ok: true, detail: summary ? `${summary[1]} resource(s) destroyed` : "destroyed" };
}

function lastLines(text: string): string {
  return text
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-3)
    .join(" | ");
}

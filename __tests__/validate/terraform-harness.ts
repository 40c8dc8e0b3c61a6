import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTerraform } from "../../terraform/cli-config";
import { testTerraformEnv } from "../../testing/test-provider-mirror";
import { terraform } from "../../terraform/run";
import { pluginCacheEnv } from "../../testing/plugin-cache";

/**
 * Real `terraform validate` on synthesized stacks, offline: a mirror-only CLI config and the
 * test run's plugin cache (testing/plugin-cache.ts). Missing terraform or mirror throws a MissingToolError
 * saying how to fix it (the tests fail, never skip).
 *
 * Speed: loading the AWS provider schema dominates a validate, so many stacks are validated in
 * ONE run: each stack becomes a child module of a throw-away root, and every diagnostic is
 * attributed back to its stack through the file name Terraform reports.
 */
export function terraformEnv(): NodeJS.ProcessEnv {
  findTerraform();
  const dir = join(tmpdir(), "compose2ecs-validate");
  mkdirSync(dir, { recursive: true });
  return { ...testTerraformEnv(join(dir, `terraform-${process.pid}.rc`)), ...pluginCacheEnv() };
}

export interface StackToValidate {
  /** A label (becomes the module name, sanitised). */
  readonly name: string;
  /** Folder holding cdk.tf.json. */
  readonly dir: string;
}

export interface ValidateOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly errors: readonly string[];
}

interface TerraformDiagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

/** Module names must be identifiers. */
function moduleName(index: number, name: string): string {
  return `s${index}_${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

export async function validateStacks(stacks: readonly StackToValidate[], env: NodeJS.ProcessEnv): Promise<ValidateOutcome[]> {
  const root = mkdtempSync(join(tmpdir(), "compose2ecs-validate-root-"));
  const modules: Record<string, { source: string }> = {};
  const byModule = new Map<string, string>();
  stacks.forEach((stack, i) => {
    const mod = moduleName(i, stack.name);
    mkdirSync(join(root, mod));
    for (const file of readdirSync(stack.dir).filter((f) => f.endsWith(".tf.json") || f.endsWith(".tf")))
      copyFileSync(join(stack.dir, file), join(root, mod, file));
    modules[mod] = { source: `./${mod}` };
    byModule.set(mod, stack.name);
  });
  writeFileSync(join(root, "main.tf.json"), JSON.stringify({ module: modules }, null, 2));
  const init = await terraform(["init", "-backend=false", "-input=false"], { cwd: root, env });
  if (init.code !== 0) return stacks.map((s) => ({ name: s.name, ok: false, errors: [`terraform init failed: ${init.stderr || init.stdout}`] }));
  const result = await terraform(["validate", "-json"], { cwd: root, env });
  let diagnostics: TerraformDiagnostic[];
  try {
    diagnostics = (JSON.parse(result.stdout) as { diagnostics: TerraformDiagnostic[] }).diagnostics;
  } catch {
    return stacks.map((s) => ({ name: s.name, ok: false, errors: [`terraform validate printed no JSON: ${result.stderr}`] }));
  }
  const errors = new Map<string, string[]>();
  for (const d of diagnostics.filter((x) => x.severity === "error")) {
    const mod = d.range?.filename.split("/")[0] ?? "";
    const owner = byModule.get(mod) ?? "(root)";
    errors.set(owner, [...(errors.get(owner) ?? []), `${d.range?.filename ?? ""}:${d.range?.start.line ?? 0}: ${d.summary}: ${d.detail ?? ""}`]);
  }
  const outcomes = stacks.map((s) => ({ name: s.name, ok: !errors.has(s.name), errors: errors.get(s.name) ?? [] }));
  const unattributed = errors.get("(root)");
  if (unattributed !== undefined) outcomes.push({ name: "(root)", ok: false, errors: unattributed });
  if (result.code !== 0 && outcomes.every((o) => o.ok)) outcomes.push({ name: "(terraform)", ok: false, errors: [result.stderr || result.stdout] });
  return outcomes;
}

/** Every stack of a synth output folder. */
export function stacksOf(outDir: string, label = ""): StackToValidate[] {
  return readdirSync(join(outDir, "stacks"))
    .sort()
    .map((stack) => ({ name: `${label}${stack}`, dir: join(outDir, "stacks", stack) }));
}

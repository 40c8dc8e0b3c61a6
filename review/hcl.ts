import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
  if (!hasTerraform(env))
    return { formatted: false, reason: "terraform is not on PATH: cdk.tf files are valid but not formatted (run `terraform fmt -recursive`)" };
  const result = await runProgram("terraform", ["fmt", "-recursive", "-list=false", outDir], { cwd: outDir, env });
  if (result.code !== 0) return { formatted: false, reason: `terraform fmt failed: ${result.stderr.trim()}` };
  return { formatted: true };
}

/**
 * Escapes a template's literal parts for a quoted HCL string, leaving `${...}` interpolations (and
 * the quoted strings inside them) as they are.
 */
export function escapeHclTemplate(raw: string): string {
  let out = "";
  let i = 0;
  while (i < raw.length) {
    if (raw.startsWith("$${", i)) {
      out += "$${";
      i += 3;
    } else if (raw.startsWith("${", i)) {
      const end = interpolationEnd(raw, i + 2);
      out += raw.slice(i, end);
      i = end;
    } else {
      const c = raw[i] ?? "";
      out += c === '"' ? '\\"' : c === "\\" ? "\\\\" : c;
      i += 1;
    }
  }
  return out;
}

/** Index just after the `}` closing an interpolation opened before `start`, skipping nested braces and strings. */
function interpolationEnd(raw: string, start: number): number {
  let depth = 1;
  let inString = false;
  for (let i = start; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === "\\") i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth += 1;
    else if (c === "}" && --depth === 0) return i + 1;
  }
  return raw.length;
}

/**
 * cdktf 0.21 bug: its HCL renderer does not escape quotes in strings that contain `${`, so a JSON
 * document with a reference (an IAM policy naming a log group ARN, container definitions with a
 * secret ARN) becomes `policy = "{"Version":...}"`, which Terraform rejects. The raw value is the
 * whole text between `= "` and the closing quote at the end of the line; it is re-escaped here.
 */
export function repairHclQuoting(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const match = /^(\s*[A-Za-z0-9_"-]+\s*=\s*)"(.*)"\s*$/.exec(line);
      if (match === null) return line;
      const [, head, raw] = match;
      if (raw === undefined || !raw.includes("${") || !/(?<!\\)"/.test(raw)) return line;
      return `${head}"${escapeHclTemplate(raw)}"`;
    })
    .join("\n");
}

/** Repairs cdktf's quoting in every stack's cdk.tf; returns the files changed. */
export function repairHclOutput(outDir: string): string[] {
  const changed: string[] = [];
  for (const dir of stackDirs(outDir)) {
    const file = join(dir, "cdk.tf");
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const repaired = repairHclQuoting(text);
    if (repaired !== text) {
      writeFileSync(file, repaired);
      changed.push(file);
    }
  }
  return changed;
}

/** What synth --hcl runs on its output before publishing it: quoting repair, then terraform fmt. */
export async function finishHclOutput(outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<FormatOutcome> {
  repairHclOutput(outDir);
  return formatHclOutput(outDir, env);
}

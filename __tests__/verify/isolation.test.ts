import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, resolve } from "node:path";

/**
 * The verifier is an oracle: if it shared code with the generator, a mistake in that code would
 * pass both. It may import only node built-ins, the `yaml` package and its own files.
 */
const REPO = resolve(__dirname, "../..");
const VERIFY = join(REPO, "verify");
const GENERATOR = ["compose", "planner", "constructs", "stacks", "config", "naming", "state", "cli", "review", "terraform", "testing"];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module specifier: static imports/exports, require(), dynamic import(). */
export function importedSpecifiers(source: string): string[] {
  const out: { at: number; specifier: string }[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/g,
    /\bexport\s+(?:type\s+)?[^'";]*?\sfrom\s+["']([^"']+)["']/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const p of patterns) for (const m of source.matchAll(p)) out.push({ at: m.index ?? 0, specifier: m[1] ?? "" });
  return out.sort((a, b) => a.at - b.at).map((o) => o.specifier);
}

function allowed(file: string, specifier: string): string | undefined {
  if (specifier.startsWith("node:") || builtinModules.includes(specifier)) return undefined;
  if (specifier === "yaml") return undefined;
  if (specifier.startsWith(".")) {
    const target = resolve(file, "..", specifier);
    const rel = relative(VERIFY, target);
    if (!rel.startsWith("..")) return undefined;
    const top = relative(REPO, target).split(/[\\/]/)[0] ?? "";
    return GENERATOR.includes(top) ? `reaches into the generator (${top}/)` : `leaves verify/ (${relative(REPO, target)})`;
  }
  return "a package other than yaml";
}

describe("verify/ imports nothing from the generator", () => {
  const files = tsFiles(VERIFY);

  test("GIVEN the verify folder WHEN listed THEN it holds the verifier's sources", () => {
    expect(files.map((f) => relative(VERIFY, f))).toEqual(expect.arrayContaining(["compose-reader.ts", "promises.ts", "terraform.ts", "cli.ts"]));
  });

  test("GIVEN every verify/**/*.ts WHEN its imports, requires and dynamic imports are read THEN each is a node built-in, yaml or a verify/ file", () => {
    const offending = files
      .flatMap((file) => importedSpecifiers(readFileSync(file, "utf8")).map((s) => [relative(REPO, file), s, allowed(file, s)] as const))
      .filter(([, , why]) => why !== undefined);
    expect(offending).toEqual([]);
  });

  test("GIVEN the scanner WHEN shown each import form reaching the generator THEN it catches every one (the isolation test can fail)", () => {
    const source = [
      'import { load } from "../compose/load";',
      'import type { Plan } from "../planner/plan";',
      'export { names } from "../naming/names";',
      'const x = require("../stacks/synthesize");',
      'const y = await import("../constructs/app-stack");',
      'import * as cdktf from "cdktf";',
    ].join("\n");
    const found = importedSpecifiers(source);
    expect(found).toEqual(["../compose/load", "../planner/plan", "../naming/names", "../stacks/synthesize", "../constructs/app-stack", "cdktf"]);
    const file = join(VERIFY, "example.ts");
    expect(found.map((s) => allowed(file, s))).toEqual([
      "reaches into the generator (compose/)",
      "reaches into the generator (planner/)",
      "reaches into the generator (naming/)",
      "reaches into the generator (stacks/)",
      "reaches into the generator (constructs/)",
      "a package other than yaml",
    ]);
    expect(allowed(file, "node:fs")).toBeUndefined();
    expect(allowed(file, "./terraform")).toBeUndefined();
    expect(allowed(file, "yaml")).toBeUndefined();
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * The layers the load -> plan -> synth pipeline relies on, checked over every import of the
 * sources: static imports, `require()` and dynamic `import()` (cdktf is loaded lazily, so a lazy
 * import counts as much as a static one).
 */

const REPO = resolve(__dirname, "..", "..");
const CDKTF = /^(cdktf|@cdktf\/provider-aws)(\/|$)/;

/** Every module a folder's .ts files import: [file, specifier] with relative specifiers resolved to repository paths. */
function imports(folder: string): Array<{ file: string; target: string }> {
  const out: Array<{ file: string; target: string }> = [];
  for (const name of readdirSync(join(REPO, folder), { recursive: true }) as string[]) {
    if (!name.endsWith(".ts")) continue;
    const file = join(folder, name);
    const text = readFileSync(join(REPO, file), "utf8");
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)) {
      const spec = m[1];
      out.push({ file, target: spec.startsWith(".") ? relative(REPO, resolve(REPO, dirname(file), spec)) : spec });
    }
  }
  return out;
}

const topFolder = (target: string) => target.split("/")[0];

describe("layering", () => {
  test.each(["compose", "config", "naming", "planner", "state", "pipeline"])(
    "GIVEN %s/ WHEN its imports are read THEN none loads cdktf or the AWS provider",
    (folder) => {
      expect(imports(folder).filter((i) => CDKTF.test(i.target))).toEqual([]);
    },
  );

  test.each([
    ["config", ["state", "pipeline", "planner", "stacks", "constructs", "cli"]],
    ["state", ["stacks", "constructs", "pipeline", "cli", "review"]],
    ["planner", ["state", "pipeline", "stacks", "constructs", "cli"]],
    ["pipeline", ["stacks", "constructs", "cli", "review"]],
    ["stacks", ["cli", "deploy"]],
    ["deploy", ["cli"]],
  ])("GIVEN %s/ WHEN its imports are read THEN it never reaches up into %p", (folder, forbidden) => {
    expect(imports(folder).filter((i) => forbidden.includes(topFolder(i.target)))).toEqual([]);
  });

  test.each(["compose", "config", "naming", "planner", "state", "pipeline", "constructs", "stacks", "review", "terraform", "deploy", "cli"])(
    "GIVEN %s/ (shipped in the package) WHEN its imports of testing/ are read THEN they are only the modules the package ships (demo, moto launcher, mirror config)",
    (folder) => {
      const shipped = new Set(["testing/demo", "testing/moto", "testing/provider-mirror"]);
      expect(imports(folder).filter((i) => topFolder(i.target) === "testing" && !shipped.has(i.target))).toEqual([]);
    },
  );

  test("GIVEN the package's testing/ modules WHEN their imports are read THEN they reach no test harness (deploy-harness, aws-clients, the tests' mirror search)", () => {
    const shipped = ["demo.ts", "moto.ts", "provider-mirror.ts"].map((f) => join("testing", f));
    const harness = new Set(["testing/deploy-harness", "testing/aws-clients", "testing/test-provider-mirror", "testing/plan-drift"]);
    expect(imports("testing").filter((i) => shipped.includes(i.file) && harness.has(i.target))).toEqual([]);
  });

  test("GIVEN the import reader WHEN it reads stacks/ THEN it sees cdktf there, static and lazy (it can find what it forbids)", () => {
    const found = imports("stacks").filter((i) => CDKTF.test(i.target));
    expect(found.some((i) => i.file === join("stacks", "backend.ts"))).toBe(true);
    expect(imports("stacks").some((i) => i.file === join("stacks", "synthesize.ts") && i.target === join("stacks", "build-app"))).toBe(true);
  });
});

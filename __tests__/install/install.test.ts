import { execFile } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stacksOf, terraformEnv, validateStacks } from "../validate/terraform-harness";
import { CORPUS } from "../validate/corpus";

/**
 * compose2ecs as a user gets it: `npm pack` of this repository (its packed file list checked),
 * then the README's "Use it on your project" commands pasted into a fresh folder outside the
 * repository that holds only a compose file (`npm install --save-dev <tarball>`, init, check,
 * synth), then `node_modules/.bin/compose2ecs` synth and diff there, and `terraform validate` of
 * what it wrote. The dependencies come from npm's cache or the registry (prefer-offline), never
 * from this repository's node_modules.
 */

const REPO = resolve(__dirname, "..", "..");
const COMPOSE = join(CORPUS, "visible", "awesome-compose__wordpress-mysql__compose.yml");

interface PackedFile {
  readonly path: string;
  readonly mode: number;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for child npm and compose2ecs runs: without the npm_* variables `npm test` sets
 * (they name this repository), preferring npm's cache over the registry.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
    npm_config_prefer_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
  };
}

/** The first sh block of the README's "Use it on your project" section. */
function readmeCommands(): string {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((s) => s.startsWith("Use it on your project"));
  const block = section === undefined ? undefined : /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no sh block under "## Use it on your project"');
  return block;
}

function run(program: string, args: readonly string[], cwd: string, timeoutMs = 300_000): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(program, [...args], { cwd, env: cleanEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

let work: string;
let packed: readonly PackedFile[];
let tarball: string;
let app: string;
const bin = () => join(app, "node_modules", ".bin", "compose2ecs");

beforeAll(async () => {
  if (!existsSync(join(REPO, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
  work = mkdtempSync(join(tmpdir(), "compose2ecs-install-"));
  // dist/ is already built (`npm test` builds first); --ignore-scripts so packing never rebuilds it under other running tests.
  const pack = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], REPO, 120_000);
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: PackedFile[] }[];
  if (info === undefined) throw new Error(`npm pack printed no package:\n${pack.stdout}`);
  packed = info.files;
  tarball = join(work, info.filename);
  app = join(work, "shop");
  mkdirSync(app);
  copyFileSync(COMPOSE, join(app, "compose.yaml"));
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  test("GIVEN npm pack THEN it holds what runs (dist of the product, the schema, the demo's example and emulator launcher) and nothing of the tests, bench or verifier", () => {
    const paths = packed.map((f) => f.path).sort();
    const allowed =
      /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|schema\/environment\.schema\.json|examples\/seed\/.+|dist\/main\.js|dist\/compose2ecs(-synth)?\.js|dist\/testing\/(demo|moto|provider-mirror)\.js|dist\/(cli|compose|config|constructs|deploy|naming|pipeline|planner|review|schema|stacks|state|terraform)\/.+\.(js|json))$/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    for (const required of [
      "package.json",
      "README.md",
      "dist/compose2ecs.js",
      "dist/compose2ecs-synth.js",
      "dist/main.js",
      "dist/deploy/up.js",
      "dist/deploy/down.js",
      "dist/cli/commands/init.js",
      "dist/schema/environment-validators.js",
      "dist/compose/schema/compose-validator.js",
      "schema/environment.schema.json",
      "examples/seed/docker-compose.yml",
      "dist/testing/demo.js",
      "dist/testing/moto.js",
    ]) {
      expect(paths).toContain(required);
    }
    expect(
      paths.filter((p) => /__tests__|\/bench\/|\/verify\/|\.ts$|tsbuildinfo|deploy-harness|aws-clients|test-provider-mirror|summary-reporter|fixtures/.test(p)),
    ).toEqual([]);
    // The bin is executable in the tarball itself, whatever installs it.
    expect((packed.find((f) => f.path === "dist/compose2ecs.js")?.mode ?? 0) & 0o111).not.toBe(0);
    expect(readFileSync(join(REPO, "dist", "compose2ecs.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  test("GIVEN package.json THEN it is installable (not private), states its engines and needs no devDependency at run time", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
      private?: boolean;
      engines?: Record<string, string>;
      bin?: Record<string, string>;
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.private).toBeUndefined();
    expect(pkg.engines).toEqual({ node: ">=20" });
    expect(pkg.bin).toEqual({ compose2ecs: "dist/compose2ecs.js" });
    // A git-URL install builds: npm runs only `prepare` in the cloned folder before packing it.
    expect(pkg.scripts.prepare).toBe("npm run build");
    expect(Object.keys(pkg.dependencies)).toEqual(
      expect.arrayContaining(["@aws-sdk/client-ecs", "@aws-sdk/client-s3", "cdktf", "@cdktf/provider-aws", "constructs", "yaml", "ajv"]),
    );
  });
});

describe("installed into a fresh project", () => {
  test("GIVEN a folder with only a compose file WHEN the README's commands are pasted there THEN npm installs the tarball, and init, check and synth run from node_modules/.bin", async () => {
    const commands = readmeCommands();
    expect(commands).toContain("/path/to/compose2ecs-0.1.0.tgz");
    const pasted = await run("bash", ["-euo", "pipefail", "-c", commands.replaceAll("/path/to/compose2ecs-0.1.0.tgz", tarball)], app, 900_000);
    expect({ code: pasted.code, stderr: pasted.code === 0 ? "" : pasted.stderr.slice(-4000) }).toEqual({ code: 0, stderr: "" });
    expect(pasted.stdout).toContain("Served at /: wordpress");
    expect(pasted.stdout).toMatch(/Project shop \(compose\.yaml\): 2 services/);
    expect(pasted.stdout).toMatch(/Wrote 2 stacks to cdktf\.out:\n {2}cdktf\.out\/stacks\/production-base\/cdk\.tf\.json/);
    expect((JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { devDependencies?: Record<string, string> }).devDependencies).toHaveProperty(
      "compose2ecs",
    );
    // Inside node_modules, the files point editors at the installed schema.
    expect(readFileSync(join(app, "environments", "qa.yml"), "utf8")).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/node_modules\/compose2ecs\/schema\/environment\.schema\.json\n/,
    );
  }, 900_000);

  test("GIVEN the installed package THEN its bin runs from node_modules/.bin, and every packed module loads with the installed dependencies alone", async () => {
    const version = await run(bin(), ["--version"], app);
    expect(version).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
    for (const command of ["init", "up", "down", "demo"]) expect((await run(bin(), [command, "--help"], app)).code).toBe(0);
    // dist/main.js is the cdktf app entry (it synthesizes when loaded); every other module must load.
    const modules = packed.map((f) => f.path).filter((p) => p.startsWith("dist/") && p.endsWith(".js") && p !== "dist/main.js");
    const script = `for (const m of ${JSON.stringify(modules)}) require(require("path").join(process.cwd(), "node_modules", "compose2ecs", m));`;
    const loaded = await run(process.execPath, ["-e", script], app);
    expect({ code: loaded.code, stderr: loaded.stderr }).toEqual({ code: 0, stderr: "" });
    // Not this repository's node_modules: the installed package resolves its own.
    const resolved = await run(
      process.execPath,
      ["-p", 'require.resolve("cdktf", { paths: [require("path").join(process.cwd(), "node_modules", "compose2ecs")] })'],
      app,
    );
    expect(resolved.stdout.trim().startsWith(join(app, "node_modules"))).toBe(true);
  }, 300_000);

  test("GIVEN the installed CLI WHEN a QA branch is synthesized next to production and a change is diffed THEN both succeed, and terraform validates every stack", async () => {
    const qa = await run(bin(), ["synth", "--env", "qa", "--branch", "main"], app);
    expect({ code: qa.code, stderr: qa.stderr.split("\n").filter((l) => !/warning:/.test(l) && l !== "") }).toEqual({ code: 0, stderr: [] });
    expect(qa.stdout).toContain("Kept 2 other stacks already there");
    cpSync(join(app, "cdktf.out"), join(work, "before"), { recursive: true });
    writeFileSync(join(app, "compose.yaml"), readFileSync(join(app, "compose.yaml"), "utf8").replace("image: wordpress:latest", "image: wordpress:6.5"));
    expect((await run(bin(), ["synth", "--env", "production"], app)).code).toBe(0);
    const diff = await run(bin(), ["diff", join(work, "before"), "cdktf.out"], app);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/production-app/);
    expect(diff.stdout).toMatch(/wordpress:6\.5/);
    const outcomes = await validateStacks(stacksOf(join(app, "cdktf.out")), terraformEnv());
    expect(outcomes.map((o) => o.name).sort()).toEqual(["production-app", "production-base", "qa-base", "qa-main-y59v8n"]);
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  }, 600_000);
});

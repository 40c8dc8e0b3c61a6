import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseEnvironment } from "../../config/load-environment";
import { remainingPlaceholders } from "../../config/placeholders";
import { runCli } from "../helpers/run-cli";
import { materialise, readManifest } from "../validate/corpus";
import { stacksOf, terraformEnv, validateStacks } from "../validate/terraform-harness";

/**
 * `compose2ecs init` on real corpus projects: the environment files it writes pin the project
 * name and the web entry, carry placeholders `up` refuses, synthesize for QA and production at
 * once, and the Terraform validates. It never overwrites without --force.
 */

interface Case {
  readonly file: string;
  /** The service init pins at `/`, or undefined when none is clearly the web entry. */
  readonly web: string | undefined;
}

const CASES: readonly Case[] = [
  { file: "awesome-compose__gitea-postgres__compose.yml", web: "gitea" },
  { file: "awesome-compose__nginx-flask-mysql__compose.yml", web: "proxy" },
  { file: "awesome-compose__wordpress-mysql__compose.yml", web: "wordpress" },
  { file: "voting-app__compose.yml", web: undefined },
];

interface StackJson {
  readonly resource?: {
    readonly aws_lb_listener_rule?: Record<string, { readonly condition: readonly { readonly path_pattern?: { readonly values: readonly string[] } }[] }>;
  };
}

const projects = new Map<string, string>();
const composeFiles = new Map<string, string>();
const cleanup: string[] = [];

beforeAll(() => {
  const manifest = readManifest();
  for (const c of CASES) {
    const entry = manifest.find((e) => e.file === c.file);
    if (entry === undefined) throw new Error(`${c.file} is not in the corpus manifest`);
    const { dir, composeFile } = materialise(entry);
    cleanup.push(dir);
    projects.set(c.file, dirname(composeFile));
    composeFiles.set(c.file, basename(composeFile));
  }
});
afterAll(() => cleanup.forEach((d) => rmSync(d, { recursive: true, force: true })));

function projectOf(c: Case): string {
  const dir = projects.get(c.file);
  if (dir === undefined) throw new Error(`no project for ${c.file}`);
  return dir;
}

describe.each(CASES)("compose2ecs init on $file", (c) => {
  test("GIVEN a folder with only the compose project WHEN init runs THEN it writes qa.yml and production.yml that load, pin the project and the web entry, and name their placeholders", async () => {
    const project = projectOf(c);
    const result = await runCli(["init", "-C", project]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /Next:\n {2}npx compose2ecs synth --env production.*\n {2}npx compose2ecs up --env qa --base.*\n {2}npx compose2ecs up --env qa --branch /,
    );
    for (const name of ["qa", "production"]) {
      const file = join(project, "environments", `${name}.yml`);
      const { env, diagnostics } = parseEnvironment(name, readFileSync(file, "utf8"), file);
      expect(diagnostics).toEqual([]);
      if (env === undefined) throw new Error(`${name} did not load`);
      expect(env.project).toBe("corpus-project");
      expect(env.branches).toBe(name === "qa");
      // QA branch environments expire 72 h after their last up (the nightly gc --expired of docs/ci).
      expect(env.branchTtlHours).toBe(name === "qa" ? 72 : undefined);
      expect(env.composeFiles).toEqual([composeFiles.get(c.file)]);
      expect(Object.keys(env.services)).toEqual(c.web === undefined ? [] : [c.web]);
      if (c.web !== undefined) expect(env.services[c.web]?.path).toBe("/");
      // Every placeholder is named in the output and refused by `up`.
      const placeholders = remainingPlaceholders(env);
      expect(placeholders.map((d) => d.path)).toEqual(name === "qa" ? ["loadBalancer.allowedCidrs[0]"] : ["loadBalancer.certificateArn"]);
      for (const p of placeholders) expect(result.stdout).toContain(`${p.location?.line}:${p.location?.col} ${p.path}: placeholder`);
    }
    if (c.web === undefined) expect(result.stdout).toMatch(/No service is clearly the web entry \(result, vote publish ports\)/);
    else expect(result.stdout).toContain(`Served at /: ${c.web} (services.${c.web}.path: /)`);
  });

  test("GIVEN environment files from init WHEN init runs again THEN it refuses, names them and changes nothing; with --force it rewrites them", async () => {
    const project = projectOf(c);
    const qa = join(project, "environments", "qa.yml");
    const edited = readFileSync(qa, "utf8").replace("192.0.2.0/24", "10.1.0.0/16");
    writeFileSync(qa, edited);
    const again = await runCli(["init", "-C", project]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /environments\/qa\.yml and .*environments\/production\.yml already exist; nothing was written\. Run with --force to overwrite\./,
    );
    expect(readFileSync(qa, "utf8")).toBe(edited);
    const forced = await runCli(["init", "-C", project, "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(qa, "utf8")).toContain("allowedCidrs: [192.0.2.0/24]");
  });

  test("GIVEN the files init wrote WHEN synth runs for a QA branch and for production THEN both write their stacks, with the web entry at /", async () => {
    const project = projectOf(c);
    const out = join(project, "cdktf.out");
    const qa = await runCli(["synth", "-C", project, "--env", "qa", "--branch", "main", "--out", out]);
    expect(qa.code).toBe(0);
    const production = await runCli(["synth", "-C", project, "--env", "production", "--out", out]);
    expect(production.code).toBe(0);
    // No warning about the project name: init pinned it.
    expect(qa.stderr + production.stderr).not.toMatch(/comes from the folder's name/);
    const app = JSON.parse(readFileSync(join(out, "stacks", "production-app", "cdk.tf.json"), "utf8")) as StackJson;
    const paths = Object.values(app.resource?.aws_lb_listener_rule ?? {}).flatMap((r) => r.condition.flatMap((cond) => cond.path_pattern?.values ?? []));
    if (c.web !== undefined) expect(paths).toContain("/*");
    else expect(paths).not.toContain("/*");
  });
});

describe("terraform validate on what init and synth wrote", () => {
  test("GIVEN the QA and production stacks of every project WHEN terraform validates them THEN all are valid", async () => {
    const stacks = CASES.flatMap((c) => stacksOf(join(projectOf(c), "cdktf.out"), `${c.file}:`));
    expect(stacks).toHaveLength(CASES.length * 4);
    const outcomes = await validateStacks(stacks, terraformEnv());
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  }, 600_000);
});

import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument, isMap, YAMLMap } from "yaml";
import { diffSynthOutputs, DiffReport } from "../../review/diff";
import { readSynthOutput, SynthOutput } from "../../review/synth-output";
import { runCli } from "./cli-harness";

/**
 * Stability contract: renaming or reordering services, adding one, or changing one service's image
 * leaves every other resource's Terraform address and arguments unchanged. Proven with `diff` on
 * real `compose2ecs synth` output of the bundled example and variants of it.
 */

const REPO = join(__dirname, "..", "..");
const COMPOSE = join("examples", "seed", "docker-compose.yml");
let root: string;
let counter = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "c2e-stability-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Edit = (services: YAMLMap) => void;

/** Synthesizes a copy of the example project whose compose file went through `edit`. */
async function synthVariant(envName: string, edit: Edit): Promise<SynthOutput> {
  const project = join(root, `project-${counter}`);
  const out = join(root, `out-${counter++}`);
  mkdirSync(project, { recursive: true });
  cpSync(join(REPO, "environments"), join(project, "environments"), { recursive: true });
  cpSync(join(REPO, "examples"), join(project, "examples"), { recursive: true });
  const doc = parseDocument(readFileSync(join(REPO, COMPOSE), "utf8"));
  const services = doc.get("services");
  if (!isMap(services)) throw new Error("example compose file has no services map");
  edit(services);
  writeFileSync(join(project, COMPOSE), doc.toString());
  const args = ["synth", "-C", project, "--env", envName, "--out", out, ...(envName === "qa" ? ["--branch", "feature-x"] : [])];
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`synth failed (${result.code}):\n${result.stderr}`);
  const read = readSynthOutput(out);
  if (!read.ok) throw new Error(read.errors.join("\n"));
  return read.output;
}

const unchanged: Edit = () => undefined;

function reorder(services: YAMLMap): void {
  services.items.reverse();
}

function renameService(from: string, to: string): Edit {
  return (services) => {
    const pair = services.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === from);
    if (pair === undefined) throw new Error(`no service ${from}`);
    pair.key = to;
    for (const other of services.items) {
      const body = other.value;
      if (!isMap(body)) continue;
      const deps = body.get("depends_on");
      if (isMap(deps) && deps.has(from)) {
        deps.set(to, deps.get(from));
        deps.delete(from);
      }
    }
  };
}

function addService(name: string, image: string): Edit {
  return (services) => services.set(name, { image, expose: ["9000"] });
}

function setImage(service: string, image: string): Edit {
  return (services) => services.setIn([service, "image"], image);
}

/** Services whose resources a diff touches (shared resources as "(shared)"). */
function touched(report: DiffReport): string[] {
  return [...new Set(report.resources.map((r) => r.service ?? "(shared)"))].sort();
}

describe.each(["production", "qa"])("stability of the %s environment's output", (envName) => {
  let baseline: SynthOutput;
  beforeAll(async () => {
    baseline = await synthVariant(envName, unchanged);
  }, 300_000);

  test("GIVEN the same input twice WHEN diffed THEN nothing changes (byte-stable output)", async () => {
    const again = await synthVariant(envName, unchanged);
    const services = new Set(baseline.stacks.flatMap((st) => st.resources.map((r) => r.service)));
    expect([...services].filter((s) => s !== undefined).sort()).toEqual(["boot", "redis", "web"]);
    expect(diffSynthOutputs(baseline, again).resources).toEqual([]);
  });

  test("GIVEN the services reordered in the compose file WHEN diffed THEN nothing changes", async () => {
    const report = diffSynthOutputs(baseline, await synthVariant(envName, reorder));
    expect(report.resources).toEqual([]);
    expect(report.stacks).toEqual([]);
  });

  test("GIVEN a service added WHEN diffed THEN only the new service's resources appear, all as additions", async () => {
    const report = diffSynthOutputs(baseline, await synthVariant(envName, addService("worker", "busybox:1.36")));
    expect(touched(report)).toEqual(["worker"]);
    expect(new Set(report.resources.map((r) => r.kind))).toEqual(new Set(["added"]));
  });

  test("GIVEN one service's image changed WHEN diffed THEN only that service's task definition changes", async () => {
    const report = diffSynthOutputs(baseline, await synthVariant(envName, setImage("redis", "redis:7.4-alpine")));
    expect(report.resources.map((r) => [r.service, r.type, r.kind])).toEqual([["redis", "aws_ecs_task_definition", "changed"]]);
    expect(report.resources[0]?.containers.flatMap((c) => c.fields.map((f) => `${c.container}.${f.path}`))).toEqual(["redis.image"]);
  });

  test("GIVEN a service renamed WHEN diffed THEN only the old and the new name's resources change", async () => {
    const report = diffSynthOutputs(baseline, await synthVariant(envName, renameService("redis", "cache")));
    expect(touched(report)).toEqual(["cache", "redis"]);
    expect(report.resources.filter((r) => r.service === "redis").every((r) => r.kind === "removed")).toBe(true);
    expect(report.resources.filter((r) => r.service === "cache").every((r) => r.kind === "added")).toBe(true);
  });
});

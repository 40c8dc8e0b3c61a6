import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import fc from "fast-check";
import { isMap, isPair, isScalar, Node, parseDocument, Scalar, visit } from "yaml";
import { materialise, readManifest } from "../validate/corpus";
import { stacksOf, terraformEnv, validateStacks } from "../validate/terraform-harness";

/**
 * Fuzzing the real CLI (issue 11): corpus compose files and environment files, mutated by
 * fast-check (none, or up to two of: a value replaced by hostile text, a key deleted, a value
 * wrapped in a list, the text cut short, an entry duplicated), are synthesized by `compose2ecs synth` in a child
 * process. Whatever the input: exit 0, 1 or 2 only; no stack trace; no hang past a bound;
 * nothing written on error; every exit-0 output within AWS size limits; and, on a sample of the
 * exit-0 outputs, `terraform validate` passes. The seed is printed; FC_SEED=<seed> replays a run.
 */

const REPO = resolve(__dirname, "../..");
const CLI = join(REPO, "dist", "cli", "main.js");
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** A synth that has not finished by then has hung (a normal one takes about a second). */
const HANG_MS = 60_000;
/** Mutations must leave enough inputs valid that the paths past the loader are fuzzed too. */
const MIN_SHARE_EXIT_0 = 0.15;
const VALIDATE_SAMPLE = 3;

const ENVIRONMENT = [
  "region: eu-west-1",
  "branches: false",
  "network:",
  "  cidr: 10.40.0.0/16",
  "  azs: [eu-west-1a, eu-west-1b]",
  "loadBalancer:",
  "  allowedCidrs: [198.51.100.0/24]",
  "tags:",
  "  team: fuzz",
  "",
].join("\n");

/** Text a hostile or careless user might put anywhere. */
const HOSTILE = [
  "${",
  "$${path.cwd}",
  "%{if true}x%{endif}",
  "*",
  "../../../../etc/passwd",
  "/dev/zero",
  "",
  "-1",
  "99999999999999",
  "1-65535",
  "0.0.0.0/0",
  "a".repeat(300),
  "💥\u0000\u001b[31m",
  "true",
  "x:y:z",
  "80:80/sctp",
  "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x",
] as const;

type Mutation =
  | { readonly kind: "set"; readonly pick: number; readonly value: string | number | boolean | null }
  | { readonly kind: "delete"; readonly pick: number }
  | { readonly kind: "wrap"; readonly pick: number }
  | { readonly kind: "duplicate"; readonly pick: number }
  | { readonly kind: "truncate"; readonly at: number };

const scalar = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 30 }), fc.integer({ min: -5, max: 70000 }), fc.boolean(), fc.constant(null));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), value: scalar }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wrap" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
);

/** Applies one mutation to YAML text; text that does not parse is cut or left as it is. */
function mutate(text: string, m: Mutation): string {
  if (m.kind === "truncate") return text.slice(0, Math.floor(text.length * m.at));
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return text;
  const scalars: Scalar[] = [];
  const pairs: { parent: Node; key: unknown }[] = [];
  visit(doc, {
    Scalar(_key, node) {
      scalars.push(node);
    },
    Pair(_key, pair, path) {
      const parent = path[path.length - 1];
      if (isMap(parent)) pairs.push({ parent, key: isScalar(pair.key) ? pair.key.value : pair.key });
    },
  });
  if (m.kind === "set") {
    const target = scalars[m.pick % Math.max(1, scalars.length)];
    if (target !== undefined) target.value = m.value;
  } else if (pairs.length > 0) {
    const { parent, key } = pairs[m.pick % pairs.length] as { parent: Node; key: unknown };
    if (!isMap(parent)) return text;
    if (m.kind === "delete") parent.delete(key);
    else if (m.kind === "wrap") parent.set(key, doc.createNode([parent.get(key, true)]));
    else {
      const item = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (item !== undefined) parent.set(`${String(key)}-copy`, item.value);
    }
  }
  try {
    return doc.toString({ lineWidth: 0 });
  } catch {
    // A mutation the YAML writer cannot render (an alias whose anchor was replaced): keep the input.
    return text;
  }
}

interface Source {
  readonly label: string;
  /** Copies the project into `dir`; returns the compose file and the environment file (relative). */
  readonly materialise: (dir: string) => { compose: string; env: string };
}

function sources(): Source[] {
  const corpus = readManifest()
    .filter((e) => e.expectation.startsWith("convert"))
    .map((entry) => ({
      label: entry.file,
      materialise: (dir: string) => {
        const { dir: from, composeFile } = materialise(entry);
        cpSync(from, dir, { recursive: true });
        mkdirSync(join(dir, "environments"), { recursive: true });
        writeFileSync(join(dir, "environments", "fuzz.yml"), `${ENVIRONMENT}compose: [${relative(from, composeFile)}]\n`);
        return { compose: relative(from, composeFile), env: "environments/fuzz.yml" };
      },
    }));
  const example = {
    label: "bundled example (production environment)",
    materialise: (dir: string) => {
      cpSync(join(REPO, "examples", "seed"), join(dir, "examples", "seed"), { recursive: true });
      mkdirSync(join(dir, "environments"));
      // The bundled production file, named fuzz so every case runs `--env fuzz`.
      writeFileSync(join(dir, "environments", "fuzz.yml"), readFileSync(join(REPO, "environments", "production.yml"), "utf8"));
      return { compose: "examples/seed/docker-compose.yml", env: "environments/fuzz.yml" };
    },
  };
  return [example, ...corpus];
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly hung: boolean;
}

function synth(projectDir: string, out: string): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, "synth", "-C", projectDir, "--env", "fuzz", "--out", out], {
      cwd: projectDir,
      // The airflow docs' file needs its image named (its default is a docs placeholder).
      env: { PATH: process.env.PATH ?? "", HOME: projectDir, CHECKPOINT_DISABLE: "1", AIRFLOW_IMAGE_NAME: "apache/airflow:2.10.4" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, HANG_MS);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, hung });
    });
  });
}

/** AWS limits an exit-0 output must keep: what makes `terraform apply` fail after a green synth. */
function limitProblems(outDir: string): string[] {
  const problems: string[] = [];
  for (const stack of readdirSync(join(outDir, "stacks"))) {
    const json = JSON.parse(readFileSync(join(outDir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
      resource?: Record<string, Record<string, Record<string, unknown>>>;
    };
    const resources = json.resource ?? {};
    for (const [address, td] of Object.entries(resources.aws_ecs_task_definition ?? {})) {
      const bytes = Buffer.byteLength(String(td.container_definitions));
      if (bytes > 64 * 1024) problems.push(`${stack} ${address}: container definitions of ${bytes} bytes (ECS: 64 KiB per task definition)`);
    }
    const perGroup = new Map<string, number>();
    for (const rule of Object.values(resources.aws_vpc_security_group_ingress_rule ?? {})) {
      const group = String(rule.security_group_id);
      perGroup.set(group, (perGroup.get(group) ?? 0) + 1);
    }
    for (const [group, n] of perGroup) if (n > 60) problems.push(`${stack} ${group}: ${n} inbound rules (AWS: 60 per security group)`);
    const named = (type: string, max: number) => {
      for (const [address, r] of Object.entries(resources[type] ?? {})) {
        const name = r.name;
        if (typeof name === "string" && name.length > max) problems.push(`${stack} ${type}.${address}: name of ${name.length} characters (AWS: ${max})`);
      }
    };
    named("aws_lb_target_group", 32);
    named("aws_lb", 32);
    named("aws_iam_role", 64);
  }
  return problems;
}

describe("fuzz: mutated compose and environment files through compose2ecs synth", () => {
  test(`GIVEN ${RUNS} mutated inputs (seed ${SEED}) WHEN synthesized THEN exit 0/1/2, no stack trace, no hang, nothing written on error, outputs within AWS limits`, async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test builds first)`);
    process.stdout.write(`fuzz seed ${SEED} (replay with FC_SEED=${SEED})\n`);
    const all = sources();
    const root = mkdtempSync(join(tmpdir(), "compose2ecs-fuzz-"));
    const green: string[] = [];
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(all.length - 1), fc.boolean(), fc.array(mutation, { minLength: 0, maxLength: 2 }), async (which, envFile, mutations) => {
        const source = all[which] as Source;
        const dir = join(root, `case-${runs++}`, "project");
        mkdirSync(dir, { recursive: true });
        const files = source.materialise(dir);
        const target = join(dir, envFile ? files.env : files.compose);
        writeFileSync(
          target,
          mutations.reduce((text, m) => mutate(text, m), readFileSync(target, "utf8")),
        );
        const out = join(dirname(dir), "out");
        const run = await synth(dir, out);
        const what = `${source.label} (${envFile ? "environment" : "compose"} file; ${JSON.stringify(mutations)})`;
        expect([what, run.hung]).toEqual([what, false]);
        expect([what, [0, 1, 2].includes(run.code ?? -1)]).toEqual([what, true]);
        expect([what, /\n\s+at .+\(.*:\d+:\d+\)|internal error/.test(run.stderr)]).toEqual([what, false]);
        if (run.code === 0) {
          expect([what, limitProblems(out)]).toEqual([what, []]);
          green.push(out);
        } else {
          expect([what, existsSync(out)]).toEqual([what, false]);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    process.stdout.write(`fuzz: ${green.length} of ${RUNS} inputs synthesized (exit 0)\n`);
    // Enough inputs survive the mutations for synth's later stages to be fuzzed too.
    expect(green.length / RUNS).toBeGreaterThanOrEqual(MIN_SHARE_EXIT_0);
    const sample = green.slice(0, VALIDATE_SAMPLE).flatMap((out, i) => stacksOf(out, `green${i}:`));
    const results = await validateStacks(sample, terraformEnv());
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 900_000);
});

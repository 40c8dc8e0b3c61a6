import { spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { readCompose } from "./compose-reader";
import { applicationStacks } from "./deployments";
import { verifyAppEnvironment } from "./promises";
import { AppEnvResult } from "./report";
import { Terraform } from "./terraform";

/**
 * The measurement: every converting file of the shared corpus, the bundled example and the app
 * fixtures (__tests__/fixtures/apps), each synthesized for production and for a QA branch in a
 * temporary copy of its folder, then verified. Synthesis is injected: `cliSynth` runs the built
 * CLI (`node dist/cli/main.js synth`), tests may pass an in-process one.
 */

export interface AppCase {
  /** Name in reports (the corpus file name, `example`, or the fixture folder). */
  readonly app: string;
  /** Builds the project in `dir` (an empty temporary folder) and returns the compose files, relative to it. */
  readonly prepare: (dir: string) => readonly string[];
  /** Variables for interpolation (synth and verifier alike). */
  readonly variables?: Readonly<Record<string, string>>;
}

export interface SynthRequest {
  readonly projectDir: string;
  readonly files: readonly string[];
  readonly env: "production" | "qa";
  readonly branch?: string;
  readonly outDir: string;
  readonly variables: Readonly<Record<string, string>>;
}

export type Synth = (request: SynthRequest) => Promise<{ readonly ok: boolean; readonly message: string }>;

export const ENVIRONMENTS = [
  { env: "production" as const, label: "production" },
  { env: "qa" as const, label: "qa", branch: "feature/verify" },
];

/** The environments the corpus and fixtures get (the example keeps its bundled ones). */
const GENERATED_ENVIRONMENTS: Readonly<Record<string, string>> = {
  "production.yml": "region: eu-west-1\nbranches: false\nloadBalancer:\n  allowedCidrs: [198.51.100.0/24]\n",
  "qa.yml": "region: eu-west-1\nbranches: true\nloadBalancer:\n  allowedCidrs: [198.51.100.0/24]\n",
};

function writeEnvironments(dir: string): void {
  mkdirSync(join(dir, "environments"), { recursive: true });
  for (const [name, text] of Object.entries(GENERATED_ENVIRONMENTS)) writeFileSync(join(dir, "environments", name), text);
}

/** The repository root (two levels above dist/verify or one above verify/). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function sharedDir(root: string = repoRoot()): string {
  return process.env.COMPOSE2ECS_SHARED_DIR ?? resolve(root, "../shared");
}

/** Variables a corpus file needs that its MANIFEST row names (the airflow docs' placeholder image). */
const CORPUS_VARIABLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "airflow__docs__apache-airflow__howto__docker-compose__docker-compose.yml": { AIRFLOW_IMAGE_NAME: "apache/airflow:2.9.0" },
};

/** Converting files of the shared corpus, each with its companions under their original names. */
export function corpusCases(shared: string = sharedDir()): AppCase[] {
  const corpus = join(shared, "corpus");
  const manifest = join(corpus, "MANIFEST.tsv");
  if (!existsSync(manifest)) throw new Error(`corpus manifest not found at ${manifest}: set COMPOSE2ECS_SHARED_DIR to the shared folder`);
  const [header, ...rows] = readFileSync(manifest, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const columns = (header ?? "").split("\t");
  const col = (row: string[], name: string) => row[columns.indexOf(name)] ?? "";
  return rows
    .map((line) => line.split("\t"))
    .filter((row) => col(row, "expectation").startsWith("convert"))
    .map((row) => {
      const file = col(row, "file");
      const repoPath = col(row, "path").split("#")[0] ?? "";
      const name = col(row, "path").includes("#") ? "docker-compose.yml" : posix.basename(repoPath);
      const companions = col(row, "companions")
        .split(";")
        .map((c) => /^\s*(\S+) <= (\S+?)@\S+\s*$/.exec(c))
        .filter((m): m is RegExpExecArray => m !== null && (m[1] ?? "").includes(".companion."))
        .map((m) => ({ stored: m[1] ?? "", relative: posix.relative(posix.dirname(repoPath), m[2] ?? "") }));
      return {
        app: file,
        ...(CORPUS_VARIABLES[file] !== undefined ? { variables: CORPUS_VARIABLES[file] } : {}),
        prepare: (dir: string) => {
          copyFileSync(join(corpus, "visible", file), join(dir, name));
          for (const c of companions) {
            const target = join(dir, c.relative);
            mkdirSync(dirname(target), { recursive: true });
            copyFileSync(join(corpus, "visible", c.stored), target);
          }
          writeEnvironments(dir);
          return [name];
        },
      };
    });
}

/** The bundled example with its own production and QA environments. */
export function exampleCase(root: string = repoRoot()): AppCase {
  return {
    app: "example",
    prepare: (dir) => {
      cpSync(join(root, "examples"), join(dir, "examples"), { recursive: true });
      cpSync(join(root, "environments"), join(dir, "environments"), { recursive: true });
      return ["examples/seed/docker-compose.yml"];
    },
  };
}

/** The compose files each app fixture is loaded with (its SOURCE.md says why). */
export const FIXTURE_FILES: Readonly<Record<string, readonly string[]>> = {
  langfuse: ["docker-compose.yml"],
  n8n: ["docker-compose.yml"],
  netbox: ["docker-compose.yml", "docker-compose.override.yml"],
  paperless: ["docker-compose.postgres-tika.yml"],
  saleor: ["docker-compose.yml"],
  temporal: ["docker-compose.yml"],
  zulip: ["compose.yaml", "compose.override.yaml"],
};

export function fixtureCases(root: string = repoRoot()): AppCase[] {
  const base = join(root, "__tests__", "fixtures", "apps");
  return readdirSync(base)
    .sort()
    .map((app) => {
      const files = FIXTURE_FILES[app];
      if (files === undefined) throw new Error(`fixture ${app} has no entry in FIXTURE_FILES (verify/corpus.ts)`);
      return {
        app,
        prepare: (dir: string) => {
          cpSync(join(base, app), dir, { recursive: true });
          writeEnvironments(dir);
          return files;
        },
      };
    });
}

export function allCases(root: string = repoRoot()): AppCase[] {
  return [...corpusCases(sharedDir(root)), exampleCase(root), ...fixtureCases(root)];
}

/** Runs `node dist/cli/main.js synth` in the project folder. */
export function cliSynth(root: string = repoRoot()): Synth {
  const main = join(root, "dist", "cli", "main.js");
  return (req) =>
    new Promise((done) => {
      if (!existsSync(main)) {
        done({ ok: false, message: `${main} not found: run npm run build first` });
        return;
      }
      const args = [
        main,
        "synth",
        "-C",
        req.projectDir,
        ...req.files.flatMap((f) => ["-f", f]),
        "--env",
        req.env,
        ...(req.branch !== undefined ? ["--branch", req.branch] : []),
        "--out",
        req.outDir,
      ];
      const child = spawn(process.execPath, args, { cwd: req.projectDir, env: { ...process.env, ...req.variables }, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr.on("data", (c: Buffer) => (output += c.toString()));
      child.on("close", (code) => done({ ok: code === 0, message: output.trim() }));
    });
}

export interface RunOptions {
  readonly synth: Synth;
  /** Cases run at once. @default 2 */
  readonly concurrency?: number;
  /** Keep the temporary folders (their paths are printed by the caller). @default false */
  readonly keep?: boolean;
}

/** Synthesizes and verifies one case for production and a QA branch. */
export async function runCase(c: AppCase, options: RunOptions): Promise<AppEnvResult[]> {
  const work = mkdtempSync(join(tmpdir(), "compose2ecs-verify-"));
  const project = join(work, "project");
  mkdirSync(project);
  try {
    const files = c.prepare(project);
    const variables = c.variables ?? {};
    const results: AppEnvResult[] = [];
    for (const e of ENVIRONMENTS) {
      const outDir = join(work, `out-${e.label}`);
      const synth = await options.synth({ projectDir: project, files, env: e.env, ...(e.branch !== undefined ? { branch: e.branch } : {}), outDir, variables });
      if (!synth.ok) {
        results.push({ app: c.app, env: e.label, findings: [], notes: [], error: `synth failed: ${synth.message.split("\n").slice(0, 3).join(" | ")}` });
        continue;
      }
      const composeProject = readCompose({ files: files.map((f) => join(project, f)), projectDir: project, environment: { ...process.env, ...variables } });
      const tf = Terraform.load(outDir);
      const stacks = applicationStacks(tf);
      if (stacks.length !== 1) {
        results.push({ app: c.app, env: e.label, findings: [], notes: [], error: `expected one application stack, found ${stacks.length}` });
        continue;
      }
      const verified = verifyAppEnvironment({
        app: c.app,
        env: e.label,
        project: composeProject,
        tf,
        ...(stacks[0] !== undefined ? { stack: stacks[0] } : {}),
      });
      results.push({ app: c.app, env: e.label, findings: verified.findings, notes: verified.notes });
    }
    return results;
  } finally {
    if (options.keep !== true) rmSync(work, { recursive: true, force: true });
  }
}

export async function runCases(cases: readonly AppCase[], options: RunOptions): Promise<AppEnvResult[]> {
  const results: AppEnvResult[][] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i];
      if (c !== undefined) results[i] = await runCase(c, options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return results.flat();
}

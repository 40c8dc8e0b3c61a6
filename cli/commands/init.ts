import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { displayPath, formatDiagnostic, sortDiagnostics } from "../../compose/diagnostics";
import { load } from "../../compose/load";
import { Diagnostic } from "../../compose/model";
import { initEnvironmentFiles, InitFiles, webService } from "../../config/init-environments";
import { parseEnvironment } from "../../config/load-environment";
import { remainingPlaceholders } from "../../config/placeholders";
import { Command, InputError, UsageError, parseFlags } from "../command";

const HELP = `Usage: compose2ecs init [-f FILE]... [-C DIR] [--region REGION] [--force]

Writes environments/qa.yml and environments/production.yml for the compose project in DIR:
its compose files, its project name pinned (project:, so AWS names never follow the folder's
name), the web service served at / when one clearly is, and placeholders for what only you
know (who may reach QA, the production certificate), each under a "# REPLACE_ME:" comment.
check, synth, diff and terraform validate work with the placeholders; up refuses each one left.

Options:
  -f, --file FILE        compose file (repeatable; default: compose.yaml / docker-compose.yml and
                         its .override file in DIR or a parent folder, or COMPOSE_FILE)
  -C, --project-dir DIR  project folder; environments/ is written there (default: .)
      --region REGION    AWS region (default: AWS_REGION, else AWS_DEFAULT_REGION, else eu-west-1)
      --force            overwrite existing environment files
  -h, --help             show this help

Exit codes: 0 written, 1 the compose project does not load or a file exists (nothing written),
2 wrong usage.
`;

const FILES = ["qa.yml", "production.yml"] as const;

interface InitOptions {
  readonly files: readonly string[];
  readonly projectDir: string;
  readonly region: string;
  readonly force: boolean;
}

function parse(argv: readonly string[]): InitOptions {
  const { values } = parseFlags({
    args: [...argv],
    allowPositionals: false,
    options: {
      file: { type: "string", short: "f", multiple: true, default: [] },
      "project-dir": { type: "string", short: "C", default: "." },
      region: { type: "string" },
      force: { type: "boolean", default: false },
    },
  });
  const projectDir = resolve(values["project-dir"] ?? ".");
  if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) throw new UsageError(`-C ${values["project-dir"] ?? ""}: no such directory`);
  const region = values.region ?? nonEmpty(process.env.AWS_REGION) ?? nonEmpty(process.env.AWS_DEFAULT_REGION) ?? "eu-west-1";
  return { files: values.file ?? [], projectDir, region, force: values.force === true };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** The compose2ecs package folder (for the schema path in the files), found upwards from this file. */
function packageDir(): string | undefined {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "schema", "environment.schema.json"))) return dir;
  }
  return undefined;
}

/** The schema path relative to environments/, when the package is installed inside the project (node_modules). */
function schemaPath(projectDir: string): string | undefined {
  const pkg = packageDir();
  if (pkg === undefined || !(pkg + sep).startsWith(join(projectDir, "node_modules") + sep)) return undefined;
  return relative(join(projectDir, "environments"), join(pkg, "schema", "environment.schema.json"))
    .split(sep)
    .join("/");
}

/** Every generated file must load without errors: the generator and the schema must agree. */
function checkGenerated(files: InitFiles, envDir: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const placeholders: Diagnostic[] = [];
  for (const name of FILES) {
    const loaded = parseEnvironment(name.replace(/\.yml$/, ""), files[name], displayPath(join(envDir, name)));
    problems.push(...loaded.diagnostics.filter((d) => d.severity === "error"));
    if (loaded.env !== undefined) placeholders.push(...remainingPlaceholders(loaded.env));
  }
  if (problems.length > 0) throw new InputError(sortDiagnostics(problems).map(formatDiagnostic));
  return placeholders;
}

/** Writes each file under a temporary name first, then renames: a failure leaves no half-written file. */
function writeAll(envDir: string, files: InitFiles): void {
  mkdirSync(envDir, { recursive: true });
  const temps = FILES.map((name) => ({ name, temp: join(envDir, `.${name}.init-${process.pid}`) }));
  try {
    for (const { name, temp } of temps) writeFileSync(temp, files[name]);
    for (const { name, temp } of temps) renameSync(temp, join(envDir, name));
  } finally {
    for (const { temp } of temps) rmSync(temp, { force: true });
  }
}

export const command: Command = {
  help: HELP,
  async run(argv) {
    const options = parse(argv);
    const envDir = join(options.projectDir, "environments");
    const existing = FILES.filter((name) => existsSync(join(envDir, name)));
    if (existing.length > 0 && !options.force) {
      throw new InputError([
        `compose2ecs init: ${existing.map((n) => relative(process.cwd(), join(envDir, n)) || n).join(" and ")} already exist${existing.length === 1 ? "s" : ""}; nothing was written. Run with --force to overwrite.`,
      ]);
    }
    const loaded = load({ files: options.files, workingDir: options.projectDir, environment: process.env });
    const project = loaded.project;
    if (project === undefined)
      throw new InputError([
        ...sortDiagnostics(loaded.diagnostics).map(formatDiagnostic),
        "compose2ecs init: the compose project does not load; nothing was written.",
      ]);
    const composeFiles = project.files.map((f) => relative(options.projectDir, resolve(options.projectDir, f)).split(sep).join("/"));
    const { web, candidates } = webService(project);
    const path = schemaPath(options.projectDir);
    const files = initEnvironmentFiles(
      { project, composeFiles, region: options.region, ...(web !== undefined ? { web } : {}), ...(path !== undefined ? { schemaPath: path } : {}) },
      candidates,
    );
    const placeholders = checkGenerated(files, envDir);
    writeAll(envDir, files);

    const shown = (name: string) => relative(process.cwd(), join(envDir, name)) || name;
    const out = [
      `Wrote ${shown("qa.yml")} and ${shown("production.yml")} for project ${project.name} (${composeFiles.join(", ")}).`,
      web !== undefined
        ? `  Served at /: ${web} (services.${web}.path: /).`
        : candidates.length > 0
          ? `  No service is clearly the web entry (${candidates.join(", ")} publish ports): each is served at /<service>; see the note in the files.`
          : "  No service publishes a port: nothing is served by the load balancer.",
      "  Replace these placeholders before `compose2ecs up` (check, synth and diff work with them):",
      ...placeholders.map((d) => `    ${formatDiagnostic(d)}`),
      "",
      "Next:",
      "  npx compose2ecs synth --env production       # Terraform for production in cdktf.out/",
      "  npx compose2ecs up --env qa --base           # the shared QA network, cluster and load balancer",
      '  npx compose2ecs up --env qa --branch "$(git branch --show-current)"   # this branch, printed with its URL',
    ];
    process.stdout.write(out.join("\n") + "\n");
    return 0;
  },
};

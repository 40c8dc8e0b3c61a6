import { BucketLocationConstraint, CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { stringify as stringifyYaml } from "yaml";
import { formatDiagnostic, sortDiagnostics } from "../compose/diagnostics";
import { load } from "../compose/load";
import { webService } from "../config/init-environments";
import { down } from "../deploy/down";
import { DeployRequest } from "../deploy/session";
import { up } from "../deploy/up";
import { DeployError } from "../deploy/stack-terraform";
import { textTable } from "../review/text-table";
import { startMoto } from "./moto";

/**
 * `compose2ecs demo`: a compose project (the user's with -f/-C, else the bundled example)
 * deployed to moto_server, a local AWS emulator on 127.0.0.1, with the same `up` and `down` a
 * real deployment uses: the QA base, one stack per branch (progress, the wait for the ECS
 * services, each URL), then torn down again (or kept until Ctrl-C with --keep).
 *
 * The user's folder is only read: the demo's environment file lives in a temporary project
 * folder that names the user's compose files by absolute path (so their relative paths, .env
 * and build contexts resolve as in the user's folder), with the emulator as `aws.endpoint` and
 * the state and slot registry in an S3 bucket inside the emulator.
 */

export interface DemoOptions {
  /** Compose files (`-f`), relative to `projectDir`. @default discovery in projectDir */
  readonly files: readonly string[];
  /** The project folder. @default the bundled example */
  readonly projectDir?: string;
  readonly branches: readonly string[];
  readonly keep: boolean;
  /** `--provider-mirror DIR`. @default the user's terraform configuration (COMPOSE2ECS_PROVIDER_MIRROR when set) */
  readonly providerMirror?: string;
}

const REGION = "eu-west-1";
const STATE_BUCKET = "compose2ecs-demo-state";
/** moto gives every ECS service this many running tasks; the demo asks each service for as many. */
const RUNNING_TASKS = 1;

/** The bundled example's folder, in the repository or in the installed package. */
export function bundledExampleDir(start = __dirname): string {
  for (let dir = resolve(start); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "examples", "seed");
    if (existsSync(join(candidate, "docker-compose.yml"))) return candidate;
  }
  throw new DeployError(["compose2ecs demo: the bundled example (examples/seed) is not installed; give your own project with -f FILE or -C DIR"]);
}

/** The emulator's credentials: only ever sent to 127.0.0.1; the user's own are set aside for the demo. */
function useEmulatorCredentials(): () => void {
  const names = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_EC2_METADATA_DISABLED",
    "COMPOSE2ECS_AWS_ENDPOINT",
  ];
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  for (const n of names) delete process.env[n];
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: REGION, AWS_EC2_METADATA_DISABLED: "true" });
  return () => {
    for (const n of names) {
      const value = saved[n];
      if (value === undefined) delete process.env[n];
      else process.env[n] = value;
    }
  };
}

/** The demo environment for the project: QA with one stack per branch, on the emulator. */
export function demoEnvironment(options: DemoOptions, projectDir: string, endpoint: string): { text: string; project: string } {
  const loaded = load({ files: [...options.files], workingDir: projectDir, environment: process.env });
  if (loaded.project === undefined)
    throw new DeployError([...sortDiagnostics(loaded.diagnostics).map(formatDiagnostic), "compose2ecs demo: the compose project does not load"]);
  const project = loaded.project;
  const { web } = webService(project);
  const services: Record<string, Record<string, unknown>> = {};
  for (const s of project.services) services[s.name] = { replicas: RUNNING_TASKS, ...(s.name === web ? { path: "/" } : {}) };
  const doc = {
    project: project.name,
    compose: project.files.map((f) => resolve(projectDir, f)),
    region: REGION,
    aws: { endpoint },
    branches: true,
    network: { nat: "single", flowLogs: false },
    // The emulator's load balancer is reachable by nobody; any CIDR that is not a placeholder will do.
    loadBalancer: { allowedCidrs: ["10.0.0.0/8"] },
    services,
    state: { backend: "s3", bucket: STATE_BUCKET, region: REGION },
  };
  return { text: `# compose2ecs demo: ${project.name} on the AWS emulator at ${endpoint}\n${stringifyYaml(doc)}`, project: project.name };
}

export async function runDemo(options: DemoOptions, print: (line: string) => void): Promise<number> {
  const projectDir = resolve(options.projectDir ?? bundledExampleDir());
  print(`Starting moto_server (the AWS emulator) on 127.0.0.1 ...`);
  const moto = await startMoto({ env: { ...process.env, MOTO_ECS_SERVICE_RUNNING: String(RUNNING_TASKS) } });
  const work = mkdtempSync(join(tmpdir(), "compose2ecs-demo-"));
  const restore = useEmulatorCredentials();
  const deployed: string[] = [];
  let baseUp = false;
  try {
    const s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: STATE_BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION as BucketLocationConstraint } }));
    s3.destroy();
    const demoProject = join(work, "project");
    mkdirSync(join(demoProject, "environments"), { recursive: true });
    const environment = demoEnvironment(options, projectDir, moto.endpoint);
    writeFileSync(join(demoProject, "environments", "qa.yml"), environment.text);
    print(
      `Emulator ready at ${moto.endpoint}. Deploying ${environment.project} (${projectDir}) as QA: the base, then ${options.branches.map((b) => JSON.stringify(b)).join(" and ")}.`,
    );
    const request = (branch?: string): DeployRequest => ({
      projectDir: demoProject,
      envName: "qa",
      base: branch === undefined,
      ...(branch !== undefined ? { branch } : {}),
      outDir: join(work, "cdktf.out"),
      ...(options.providerMirror !== undefined ? { providerMirror: options.providerMirror } : {}),
      envVars: process.env,
      print,
    });
    await up({ ...request(), wait: true, waitTimeoutMs: 120_000, pollMs: 2_000 });
    baseUp = true;
    const rows: string[][] = [];
    for (const branch of options.branches) {
      const result = await up({ ...request(branch), wait: true, waitTimeoutMs: 120_000, pollMs: 2_000 });
      deployed.push(branch);
      rows.push([branch, result.stacks[result.stacks.length - 1] ?? "-", result.url ?? "-"]);
    }
    print("");
    print(textTable(["BRANCH", "STACK", "URL"], rows, { rule: true }));
    print("");
    print("The URLs are the emulated load balancer's: moto stores the resources but runs no containers,");
    print("so they do not answer. `compose2ecs init` and `compose2ecs up` deploy the same to an AWS account.");
    if (options.keep) {
      print("");
      print(`Kept running. Look around with the AWS CLI, e.g.:`);
      print(`  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws --endpoint-url ${moto.endpoint} --region ${REGION} ecs list-clusters`);
      print(`Stacks are in ${join(work, "cdktf.out", "stacks")}. Press Ctrl-C to stop the emulator (everything in it goes away).`);
      await new Promise<void>((resolvePromise) => process.once("SIGINT", () => resolvePromise()));
      return 0;
    }
    print("");
    print("Tearing down: the branch stacks, then the base ...");
    while (deployed.length > 0) {
      const branch = deployed.pop() ?? "";
      print((await down({ ...request(branch), allowDataLoss: true })).detail);
    }
    print((await down({ ...request(), allowDataLoss: true })).detail);
    baseUp = false;
    print("Everything destroyed. Done.");
    return 0;
  } finally {
    if (baseUp && !options.keep) print("(The emulator is stopped now; whatever was left in it goes with it.)");
    restore();
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

import { BucketLocationConstraint, CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { formatDiagnostic } from "../compose/diagnostics";
import { Plan } from "../planner/plan";
import { findTerraform } from "../terraform/cli-config";
import { testTerraformEnv } from "./test-provider-mirror";
import { RunResult, terraform } from "../terraform/run";
import { assertLoopback, awsClients, AwsClients, DUMMY_CREDENTIALS } from "./aws-clients";
import { findMotoServer, MotoServer, startMoto } from "./moto";
import { classifyDrift, DriftReport, PlanJson } from "./plan-drift";
import { pluginCacheEnv } from "./plugin-cache";

/**
 * Real deployments of the bundled example against moto_server: a temporary project folder
 * (the example's compose files and environment files, with `aws.endpoint` and an S3 `state`
 * pointing at the emulator: an environment setting, the same one a user would write), synth,
 * the state bucket, and terraform init/apply/plan/destroy in the stack folders with a
 * mirror-only CLI config and a shared provider cache. Every terraform run has a timeout.
 */

/** The repository root (the bundled example's project folder), from sources or from dist/. */
export const REPO_DIR = findRepoDir(__dirname);

function findRepoDir(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "environments", "qa.yml")) && existsSync(join(dir, "examples"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(start, "..");
    dir = parent;
  }
}

export const STATE_BUCKET = "compose2ecs-e2e-state";
export const STATE_PREFIX = "compose2ecs";

/** Generous per-command bounds: the emulator's ALB alone takes about 60 s to become active. */
export const TIMEOUTS = { init: 120_000, apply: 600_000, plan: 300_000, destroy: 600_000 } as const;

/** Environment-file keys to change, as a function of the bundled file's parsed YAML. */
export type EnvironmentEdit = (doc: Record<string, unknown>) => Record<string, unknown>;

export interface HarnessOptions {
  /** Where progress lines go. @default nothing */
  readonly log?: (line: string) => void;
  /** Terraform -parallelism. @default 10 */
  readonly parallelism?: number;
  /** Where terraform, the provider mirror and moto_server are looked up. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Called with each line terraform prints, labelled with the stack folder's name. */
  readonly onTerraformLine?: (stack: string, line: string) => void;
}

/** What one synth produced: its output folder and the stacks in it. */
export interface SynthOutput {
  readonly outDir: string;
  readonly baseStack: string;
  readonly appStack: string;
  /** The branch slug (branch environments), else undefined. */
  readonly slug?: string;
  /** Listener slot of the application stack (0 for a non-branch app). */
  readonly slot: number;
  /** State names, i.e. the S3 keys' last part: "base" and "app"/slug. */
  readonly appStateName: string;
  /** The planner's decisions (names, routes) for looking the deployed resources up. */
  readonly plan: Plan;
}

/** Credentials and switches for anything this process or terraform starts: only the emulator is reachable. */
export function emulatorProcessEnv(base: NodeJS.ProcessEnv, region: string, pluginCacheDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of [
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ENDPOINT_URL",
    "COMPOSE2ECS_AWS_ENDPOINT",
    "TF_CLI_ARGS",
    "TF_CLI_ARGS_apply",
    "TF_CLI_ARGS_plan",
    "TF_WORKSPACE",
  ]) {
    delete env[name];
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: "true",
    // No shared config or credentials file may add a profile, SSO or a real endpoint.
    AWS_CONFIG_FILE: join(pluginCacheDir, "..", "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(pluginCacheDir, "..", "no-aws-credentials"),
    // A request to anything but loopback goes to a closed loopback port and fails at once
    // instead of leaving the machine (loopback itself is never proxied).
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    http_proxy: "http://127.0.0.1:9",
    https_proxy: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    TF_PLUGIN_CACHE_DIR: pluginCacheDir,
    CHECKPOINT_DISABLE: "1",
  };
}

/** Sets `doc.aws.endpoint`, `doc.region` and an S3 `state` on the emulator: what a user would write. */
export function pointAtEmulator(doc: Record<string, unknown>, endpoint: string): Record<string, unknown> {
  const region = typeof doc.region === "string" ? doc.region : "eu-west-1";
  const aws = typeof doc.aws === "object" && doc.aws !== null ? (doc.aws as Record<string, unknown>) : {};
  return {
    ...doc,
    aws: { ...aws, endpoint },
    state: { backend: "s3", bucket: STATE_BUCKET, region, prefix: STATE_PREFIX },
  };
}

export class DeployHarness {
  readonly clients: AwsClients;
  private initQueue: Promise<unknown> = Promise.resolve();
  private synthCount = 0;
  private readonly savedProcessEnv: NodeJS.ProcessEnv;

  private constructor(
    readonly moto: MotoServer,
    /** Temporary folder: project/, out-*, plugin cache, CLI config. */
    readonly workDir: string,
    readonly projectDir: string,
    readonly region: string,
    /** The environment terraform runs with. */
    readonly tfEnv: NodeJS.ProcessEnv,
    private readonly options: HarnessOptions,
  ) {
    this.clients = awsClients(moto.endpoint, region);
    // The slot registry's S3 client (state/s3-store.ts) uses the default credential chain of
    // this process: give it the dummy credentials for as long as the harness lives.
    this.savedProcessEnv = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: tfEnv.AWS_CONFIG_FILE,
      AWS_SHARED_CREDENTIALS_FILE: tfEnv.AWS_SHARED_CREDENTIALS_FILE,
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
  }

  /**
   * Checks the tools (terraform, the provider mirror, moto_server: a clear error naming what is
   * missing), starts moto, makes the project folder and the state bucket.
   */
  static async start(options: HarnessOptions = {}, region = "eu-west-1"): Promise<DeployHarness> {
    const env = options.env ?? process.env;
    findTerraform(env);
    findMotoServer(env);
    const workDir = mkdtempSync(join(tmpdir(), "compose2ecs-e2e-"));
    let moto: MotoServer | undefined;
    try {
      const pluginCache = join(workDir, "plugin-cache");
      mkdirSync(pluginCache, { recursive: true });
      // Fails with MissingToolError when there is no provider mirror. Under jest, the test run's
      // filled cache replaces the harness's own (testing/plugin-cache.ts).
      const tfEnv = { ...testTerraformEnv(join(workDir, "terraform.rc"), emulatorProcessEnv(env, region, pluginCache)), ...pluginCacheEnv(env) };
      moto = await startMoto({ env });
      assertLoopback(moto.endpoint);
      const projectDir = join(workDir, "project");
      copyExample(projectDir);
      const harness = new DeployHarness(moto, workDir, projectDir, region, tfEnv, options);
      await harness.clients.s3.send(
        new CreateBucketCommand({ Bucket: STATE_BUCKET, CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      );
      harness.log(`moto_server on ${moto.endpoint}; project in ${projectDir}`);
      return harness;
    } catch (error) {
      await moto?.stop();
      rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  /**
   * Writes `environments/<name>.yml`: the bundled `from` environment (default: same name),
   * pointed at the emulator, then `edit` applied.
   */
  writeEnvironment(name: string, options: { readonly from?: string; readonly edit?: EnvironmentEdit } = {}): string {
    const source = join(REPO_DIR, "environments", `${options.from ?? name}.yml`);
    const doc = parseYaml(readFileSync(source, "utf8")) as Record<string, unknown>;
    const pointed = pointAtEmulator(doc, this.moto.endpoint);
    const file = join(this.projectDir, "environments", `${name}.yml`);
    writeFileSync(file, stringifyYaml(options.edit ? options.edit(pointed) : pointed));
    return file;
  }

  /**
   * `compose2ecs synth --env NAME [--branch B] [-f FILE]...` into a fresh output folder (a later
   * synth never replaces a folder in use). `files` are relative to the project folder; none
   * means the environment's compose list.
   */
  async synth(envName: string, branch?: string, files: readonly string[] = []): Promise<SynthOutput> {
    const { synthesize } = await import("../stacks/synthesize");
    const outDir = join(this.workDir, `out-${envName}-${++this.synthCount}`);
    const started = Date.now();
    const result = await synthesize({
      files,
      projectDir: this.projectDir,
      profiles: [],
      envName,
      ...(branch !== undefined ? { branch } : {}),
      outDir,
      hcl: false,
      envVars: { ...this.tfEnv },
    });
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    if (result.plan === undefined || result.stacks === undefined || errors.length > 0) {
      throw new Error(`synth --env ${envName}${branch ? ` --branch ${branch}` : ""} failed:\n${result.diagnostics.map(formatDiagnostic).join("\n")}`);
    }
    const plan = result.plan;
    this.log(`synth ${envName}${branch ? ` (${branch})` : ""}: ${result.stacks.join(", ")} in ${seconds(started)}`);
    return {
      outDir,
      baseStack: plan.base.stackName,
      appStack: plan.app.stackName,
      ...(plan.branch ? { slug: plan.branch.slug } : {}),
      slot: plan.app.slot,
      appStateName: plan.app.stateName,
      plan,
    };
  }

  stackDir(out: SynthOutput, stack: string): string {
    return join(out.outDir, "stacks", stack);
  }

  /** S3 key of a stack's state. */
  stateKey(envName: string, stateName: string): string {
    return `${STATE_PREFIX}/${envName}/${stateName}.tfstate`;
  }

  /**
   * `terraform init`. Runs one at a time: Terraform's plugin cache is not safe for
   * concurrent writers, and init is short next to apply.
   */
  init(dir: string): Promise<RunResult> {
    const run = this.initQueue.then(() => this.tf(dir, ["init", "-input=false"], TIMEOUTS.init));
    this.initQueue = run.catch(() => undefined);
    return run;
  }

  apply(dir: string, extra: readonly string[] = []): Promise<RunResult> {
    return this.tf(dir, ["apply", "-auto-approve", "-input=false", `-parallelism=${this.parallelism()}`, ...extra], TIMEOUTS.apply);
  }

  /** `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
  plan(dir: string, extra: readonly string[] = []): Promise<RunResult> {
    return this.tf(dir, ["plan", "-detailed-exitcode", "-input=false", `-parallelism=${this.parallelism()}`, ...extra], TIMEOUTS.plan);
  }

  destroy(dir: string): Promise<RunResult> {
    return this.tf(dir, ["destroy", "-auto-approve", "-input=false", `-parallelism=${this.parallelism()}`], TIMEOUTS.destroy);
  }

  /**
   * A second plan: exit code of `plan -detailed-exitcode` and its changes sorted into known
   * emulator drift and the rest (testing/plan-drift.ts).
   */
  async replan(dir: string): Promise<{ readonly code: number; readonly drift: DriftReport; readonly output: string }> {
    const planned = await this.plan(dir, ["-out=replan.tfplan"]);
    if (planned.code === 1) throw new Error(`terraform plan in ${dir} failed:\n${planned.stderr || planned.stdout}`);
    const shown = await this.tf(dir, ["show", "-json", "replan.tfplan"], TIMEOUTS.plan);
    expectOk(shown, `terraform show -json in ${dir}`);
    return { code: planned.code, drift: classifyDrift(JSON.parse(shown.stdout) as PlanJson), output: planned.stdout };
  }

  /** `terraform output -json` as an object of values. */
  async outputs(dir: string): Promise<Record<string, unknown>> {
    const result = await this.tf(dir, ["output", "-json"], TIMEOUTS.plan);
    expectOk(result, `terraform output in ${dir}`);
    const parsed = JSON.parse(result.stdout) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
  }

  /** init + apply, throwing with terraform's own words on failure. */
  async deploy(dir: string): Promise<void> {
    expectOk(await this.init(dir), `terraform init in ${dir}`);
    expectOk(await this.apply(dir), `terraform apply in ${dir}`);
  }

  /** The state document stored under `key`, parsed. */
  async readState(key: string): Promise<TerraformState> {
    const object = await this.clients.s3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
    const text = (await object.Body?.transformToString()) ?? "";
    return JSON.parse(text) as TerraformState;
  }

  async stateKeys(): Promise<string[]> {
    const listed = await this.clients.s3.send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }));
    return (listed.Contents ?? []).map((o) => o.Key ?? "").sort();
  }

  async deleteStateObject(key: string): Promise<void> {
    await this.clients.s3.send(new DeleteObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
  }

  /** Stops moto, closes the clients, removes the temporary folder and restores this process's environment. */
  async close(): Promise<void> {
    this.clients.destroy();
    await this.moto.stop();
    for (const name of [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_EC2_METADATA_DISABLED",
      "AWS_CONFIG_FILE",
      "AWS_SHARED_CREDENTIALS_FILE",
      "AWS_PROFILE",
      "AWS_SESSION_TOKEN",
    ]) {
      const saved = this.savedProcessEnv[name];
      if (saved === undefined) delete process.env[name];
      else process.env[name] = saved;
    }
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private parallelism(): number {
    return this.options.parallelism ?? 10;
  }

  private async tf(dir: string, args: readonly string[], timeoutMs: number): Promise<RunResult> {
    const started = Date.now();
    const onLine = this.options.onTerraformLine;
    let pending = "";
    const result = await terraform(args, {
      cwd: dir,
      env: this.tfEnv,
      timeoutMs,
      ...(onLine
        ? {
            onOutput: (chunk: string) => {
              const lines = (pending + chunk).split("\n");
              pending = lines.pop() ?? "";
              for (const line of lines) onLine(stackLabel(dir), line);
            },
          }
        : {}),
    });
    this.log(`terraform ${args[0]} ${stackLabel(dir)}: exit ${result.code} after ${seconds(started)}${summaryLine(result.stdout)}`);
    return result;
  }
}

/** The parts of a Terraform state file the tests look at. */
export interface TerraformState {
  readonly version: number;
  readonly serial: number;
  readonly lineage: string;
  readonly resources: readonly {
    readonly mode: string;
    readonly type: string;
    readonly name: string;
    readonly module?: string;
    readonly instances: readonly unknown[];
  }[];
}

/** Managed resource addresses in a state, sorted. */
export function managedAddresses(state: TerraformState): string[] {
  return state.resources
    .filter((r) => r.mode === "managed")
    .map((r) => `${r.type}.${r.name}${r.instances.length === 1 ? "" : `[${r.instances.length}]`}`)
    .sort();
}

/** Throws with the command's last output lines unless it exited 0. */
export function expectOk(result: RunResult, what: string): void {
  if (result.code === 0) return;
  const tail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-30).join("\n");
  throw new Error(`${what} exited ${result.code}:\n${tail}`);
}

/** The bundled example in a fresh project folder: compose files and the example sources, no state, no environments. */
function copyExample(projectDir: string): void {
  mkdirSync(join(projectDir, "environments"), { recursive: true });
  cpSync(join(REPO_DIR, "examples"), join(projectDir, "examples"), { recursive: true });
}

function stackLabel(dir: string): string {
  return dir.split("/").slice(-1)[0] ?? dir;
}

function summaryLine(stdout: string): string {
  const m = /(Apply complete!.*|Destroy complete!.*|No changes\..*|Plan: .*)/.exec(stdout);
  return m ? ` (${m[1].trim()})` : "";
}

function seconds(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

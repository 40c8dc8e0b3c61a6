import { DescribeClustersCommand, ListClustersCommand } from "@aws-sdk/client-ecs";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { findTerraform } from "../../terraform/cli-config";
import { terraform } from "../../terraform/run";
import { awsClients, AwsClients, DUMMY_CREDENTIALS, requestCertificate } from "../../testing/aws-clients";
import { findMotoServer, MotoServer, startMoto } from "../../testing/moto";
import { testProviderMirror } from "../../testing/test-provider-mirror";

/**
 * `compose2ecs up` and `down` through the CLI, exactly as a user types them, in project folders
 * of the bundled example, against moto_server. The emulator is named only in each environment
 * file (`aws.endpoint`); terraform finds the AWS provider only through the user's own CLI config
 * (TF_CLI_CONFIG_FILE naming a mirror folder nothing else names; no COMPOSE2ECS_PROVIDER_MIRROR,
 * no registry: every other host goes to a closed proxy), and that file must be unchanged after.
 *
 * moto 5.2 gives every ECS service the running count of one process-wide variable
 * (MOTO_ECS_SERVICE_RUNNING) and records no service events, so two emulators run side by side:
 * - "steady" (MOTO_ECS_SERVICE_RUNNING=1; every service of the test's environments wants 1 task):
 *   a QA base and two branches (`branches gc --destroy` removes one), and production;
 * - "stuck" (MOTO_ECS_SERVICE_RUNNING=0): a QA branch whose services never run, so `up` fails
 *   after its --timeout naming each service (the "last events" wording is tested against a
 *   recorded response in __tests__/deploy/service-stability.test.ts).
 * The three flows run at the same time (the emulator's ALB takes 60-90 s each); each test
 * checks its flow's steps.
 *
 * The environment files are the bundled ones with these differences (environment settings a
 * user would write for the emulator):
 * - both: aws.endpoint (the emulator), state.backend local (the default), web and boot with
 *   replicas 1 (moto's one running count);
 * - qa: loadBalancer.allowedCidrs 10.0.0.0/8 instead of the documentation range 203.0.113.0/24
 *   (a placeholder `up` refuses);
 * - production: a certificate requested from the emulator's ACM instead of the all-zero
 *   placeholder, loadBalancer.deletionProtection false (so `down --base` can remove the ALB, as a
 *   user turns it off before tearing production down), no autoscaling (moto 5.2 lacks the
 *   Application Auto Scaling tagging API), nat single.
 */

const REPO = resolve(__dirname, "..", "..");
const CLI = join(REPO, "dist", "cli", "main.js");
const REGION = "eu-west-1";
const STEP = 25 * 60_000;

interface CliRun {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let work: string;
let userConfig: string;
let userConfigBefore: { text: string; mtimeMs: number };
let userEnv: NodeJS.ProcessEnv;
const emulators: MotoServer[] = [];
const clients: AwsClients[] = [];

/** `compose2ecs ARGS` in `cwd`, as the user runs it, with their environment. */
function compose2ecs(cwd: string, label: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: userEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGTERM"), 20 * 60_000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const last = (stdout.trim().split("\n").pop() ?? "").slice(0, 160);
      process.stderr.write(
        `[e2e up-down ${label}] compose2ecs ${args.join(" ")}: exit ${code} after ${((Date.now() - started) / 1000).toFixed(0)} s: ${last}\n`,
      );
      resolvePromise({ args, code: code ?? 1, stdout, stderr });
    });
  });
}

/** A project folder with the bundled example and one environment file made from the bundled `from`. */
function project(name: string, envName: string, from: string, edit: (doc: Record<string, unknown>) => Record<string, unknown>): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "environments"), { recursive: true });
  cpSync(join(REPO, "examples"), join(dir, "examples"), { recursive: true });
  const doc = parseYaml(readFileSync(join(REPO, "environments", `${from}.yml`), "utf8")) as Record<string, unknown>;
  writeFileSync(join(dir, "environments", `${envName}.yml`), stringifyYaml(edit(doc)));
  return dir;
}

const onEmulator =
  (endpoint: string) =>
  (doc: Record<string, unknown>): Record<string, unknown> => ({
    ...doc,
    aws: { endpoint },
    state: { backend: "local" },
    services: { web: { replicas: 1 }, boot: { replicas: 1 } },
  });

const qaOn = (endpoint: string) => (doc: Record<string, unknown>) => {
  const pointed = onEmulator(endpoint)(doc);
  return { ...pointed, loadBalancer: { ...(pointed.loadBalancer as Record<string, unknown>), allowedCidrs: ["10.0.0.0/8"] } };
};

const productionOn = (endpoint: string, certificateArn: string) => (doc: Record<string, unknown>) => {
  const pointed = onEmulator(endpoint)(doc);
  return {
    ...pointed,
    network: { ...(pointed.network as Record<string, unknown>), nat: "single" },
    loadBalancer: { ...(pointed.loadBalancer as Record<string, unknown>), certificateArn, deletionProtection: false },
  };
};

/** A flow's outcome, kept until its test looks at it (a failed flow never becomes an unhandled rejection). */
type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };
function settle<T>(work: Promise<T>): Promise<Settled<T>> {
  return work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
async function outcome<T>(flow: Promise<Settled<T>> | undefined): Promise<T> {
  if (flow === undefined) throw new Error("the flow did not start");
  const settled = await flow;
  if (!settled.ok) throw settled.error;
  return settled.value;
}

interface QaFlow {
  readonly dir: string;
  readonly runs: readonly CliRun[];
  readonly emulator: AwsClients;
}

let qaFlow: Promise<Settled<QaFlow>> | undefined;
let productionFlow: Promise<Settled<{ dir: string; runs: readonly CliRun[] }>> | undefined;
let stuckFlow: Promise<Settled<readonly CliRun[]>> | undefined;

async function runQa(dir: string, emulator: AwsClients): Promise<QaFlow> {
  const runs: CliRun[] = [];
  const step = async (args: readonly string[]) => {
    const result = await compose2ecs(dir, "qa", args);
    runs.push(result);
    return result;
  };
  await step(["up", "--env", "qa", "--branch", "feature/login"]);
  await step(["up", "--env", "qa", "--base"]);
  await step(["up", "--env", "qa", "--branch", "feature/login"]);
  await step(["up", "--env", "qa", "--branch", "feature/old"]);
  await step(["branches", "list", "--env", "qa", "--json"]);
  await step(["down", "--env", "qa", "--base"]);
  writeFileSync(join(dir, "live.txt"), "main\nfeature/login\n");
  await step(["branches", "gc", "--env", "qa", "--live", "live.txt", "--destroy"]);
  await step(["down", "--env", "qa", "--branch", "feature/login"]);
  await step(["down", "--env", "qa", "--base"]);
  return { dir, runs, emulator };
}

async function runProduction(dir: string): Promise<{ dir: string; runs: readonly CliRun[] }> {
  const runs: CliRun[] = [];
  for (const args of [
    ["up", "--env", "production"],
    ["down", "--env", "production", "--base"],
    ["down", "--env", "production"],
    ["down", "--env", "production", "--base"],
  ]) {
    runs.push(await compose2ecs(dir, "production", args));
  }
  return { dir, runs };
}

async function runStuck(dir: string): Promise<readonly CliRun[]> {
  const base = await compose2ecs(dir, "stuck", ["up", "--env", "qa", "--base"]);
  if (base.code !== 0) return [base];
  return [base, await compose2ecs(dir, "stuck", ["up", "--env", "qa", "--branch", "feature/stuck", "--timeout", "20s"])];
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
  findTerraform();
  findMotoServer();
  const mirror = testProviderMirror();
  work = mkdtempSync(join(tmpdir(), "compose2ecs-up-down-"));
  // The user's own CLI config: the only way to the provider (a mirror path nothing else names).
  symlinkSync(mirror, join(work, "user-provider-mirror"));
  userConfig = join(work, "user.terraformrc");
  writeFileSync(
    userConfig,
    `# the user's terraform CLI config\ndisable_checkpoint = true\nprovider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(join(work, "user-provider-mirror"))}\n  }\n}\n`,
  );
  userConfigBefore = { text: readFileSync(userConfig, "utf8"), mtimeMs: statSync(userConfig).mtimeMs };
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|AWS_|TF_|COMPOSE2ECS_)/i.test(k) && !/^(HTTPS?_PROXY|NO_PROXY)$/i.test(k)),
  );
  userEnv = {
    ...inherited,
    TF_CLI_CONFIG_FILE: userConfig,
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(work, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, "no-aws-credentials"),
    // Anything but loopback (the registry included) goes to a closed port and fails at once.
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    http_proxy: "http://127.0.0.1:9",
    https_proxy: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    CHECKPOINT_DISABLE: "1",
  };
  const [steady, stuck] = await Promise.all([
    startMoto({ env: { ...process.env, MOTO_ECS_SERVICE_RUNNING: "1" } }),
    startMoto({ env: { ...process.env, MOTO_ECS_SERVICE_RUNNING: "0" } }),
  ]);
  emulators.push(steady, stuck);
  const steadyClients = awsClients(steady.endpoint, REGION);
  clients.push(steadyClients);
  const certificateArn = await requestCertificate(steady.endpoint, REGION, "shop.example.com");
  const qaDir = project("qa-project", "qa", "qa", qaOn(steady.endpoint));
  const productionDir = project("production-project", "production", "production", productionOn(steady.endpoint, certificateArn));
  const stuckDir = project("stuck-project", "qa", "qa", qaOn(stuck.endpoint));
  qaFlow = settle(runQa(qaDir, steadyClients));
  productionFlow = settle(runProduction(productionDir));
  stuckFlow = settle(runStuck(stuckDir));
}, STEP);

afterAll(async () => {
  // Every flow has ended before the emulators stop.
  await Promise.all([qaFlow, productionFlow, stuckFlow]);
  clients.forEach((c) => c.destroy());
  await Promise.all(emulators.map((m) => m.stop()));
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
}, STEP);

function expectRun(run: CliRun | undefined, code: number): CliRun {
  if (run === undefined) throw new Error("the step did not run");
  expect({
    args: run.args,
    code: run.code,
    stderr: run.code === code ? "" : run.stderr.slice(-3000),
    stdout: run.code === code ? "" : run.stdout.slice(-3000),
  }).toEqual({ args: run.args, code, stderr: "", stdout: "" });
  return run;
}

/** ACTIVE clusters by name (moto keeps deleted ones listed as INACTIVE). */
async function activeClusters(emulator: AwsClients): Promise<string[]> {
  const arns = (await emulator.ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
  if (arns.length === 0) return [];
  const described = (await emulator.ecs.send(new DescribeClustersCommand({ clusters: arns }))).clusters ?? [];
  return described
    .filter((c) => c.status === "ACTIVE")
    .map((c) => c.clusterName ?? "")
    .sort();
}

function stateFiles(dir: string, env: string): string[] {
  const stateDir = join(dir, ".compose2ecs", "state", env);
  return existsSync(stateDir)
    ? readdirSync(stateDir, { recursive: true })
        .map(String)
        .filter((f) => !statSync(join(stateDir, f)).isDirectory())
        .sort()
    : [];
}

describe("up and down of a QA branch on the emulator", () => {
  test(
    "GIVEN no base WHEN a branch is brought up THEN up says to bring the base up first; then base, two branches (each URL printed once its services are stable), gc of one, down of the other and of the base leave nothing",
    async () => {
      const { dir, runs, emulator } = await outcome(qaFlow);
      const [noBase, base, login, old, listed, baseInUse, gc, downLogin, downBase] = runs;
      const missing = expectRun(noBase, 1).stderr;
      expect(missing).toMatch(
        /the base of environment qa \(qa-base\) was not found: .*data\.aws_vpc\.base_vpc: no matching EC2 VPC found.*\nRun `compose2ecs up --env qa --base` first\. Nothing of qa-login-\w+ was created\./,
      );
      expect(expectRun(base, 0).stdout).toMatch(/qa-base: 26\/26 done \(applied\)\n.*Base qa-base is up \(load balancer [\w.-]+\)\./);
      for (const [run, port] of [
        [login, 10001],
        [old, 10002],
      ] as const) {
        const out = expectRun(run, 0).stdout;
        // Everything planned is created: the count comes from the stack, so it is read from the plan line.
        const planned = /planned: (\d+) to add, 0 to change, 0 to destroy/.exec(out)?.[1];
        expect(Number(planned)).toBeGreaterThan(30);
        expect(out).toMatch(new RegExp(`: ${planned}/${planned} done \\(applied\\)`));
        expect(out).toMatch(/All 3 ECS services are stable\./);
        expect(out).toMatch(new RegExp(`is up: http://[\\w.-]+\\.elb\\.amazonaws\\.com:${port}\\n$`));
      }
      // up recorded each branch's deploy in its slot record, after the slot's allocation (feature/login's by the up that found no base).
      const records = JSON.parse(expectRun(listed, 0).stdout) as Array<{ branch: string; createdAt: string; lastDeployedAt: string | null; ageFrom: string }>;
      expect(records.map((r) => [r.branch, r.ageFrom])).toEqual(
        expect.arrayContaining([
          ["feature/login", "up"],
          ["feature/old", "up"],
        ]),
      );
      for (const r of records) expect(Date.parse(r.lastDeployedAt ?? "")).toBeGreaterThan(Date.parse(r.createdAt));
      expect(expectRun(baseInUse, 1).stderr).toMatch(
        /qa-base is still used by "feature\/login" \(qa-login-\w+, slot 1\), "feature\/old" \(qa-old-\w+, slot 2\)/,
      );
      expect(expectRun(gc, 0).stdout).toMatch(/^destroyed +feature\/old \[old-\w+, slot 2\]: /m);
      expect(expectRun(downLogin, 0).stdout).toMatch(/qa-login-\w+ destroyed; its state record is removed; slot 1 is free\.\n$/);
      expect(expectRun(downBase, 0).stdout).toMatch(/qa-base destroyed; its state record is removed\.\n$/);
      // No state, no slot, no branch record left; nothing of qa left in the emulator.
      expect(stateFiles(dir, "qa")).toEqual([]);
      expect((await activeClusters(emulator)).filter((name) => name.startsWith("multi-env-qa"))).toEqual([]);
      const lbs = (await emulator.elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
      expect(lbs.map((lb) => lb.LoadBalancerName ?? "").filter((n) => n.includes("-qa"))).toEqual([]);
    },
    STEP,
  );

  test(
    "GIVEN the user's TF_CLI_CONFIG_FILE WHEN up, down and branches gc --destroy ran terraform THEN the file is unchanged, and without it the same environment cannot install the provider",
    async () => {
      const { dir } = await outcome(qaFlow);
      expect(readFileSync(userConfig, "utf8")).toBe(userConfigBefore.text);
      expect(statSync(userConfig).mtimeMs).toBe(userConfigBefore.mtimeMs);
      // Negative control: the user's environment with an empty CLI config instead cannot init the same stack.
      const bare = join(work, "no-user-config");
      mkdirSync(bare);
      copyFileSync(join(dir, "cdktf.out", "stacks", "qa-base", "cdk.tf.json"), join(bare, "cdk.tf.json"));
      writeFileSync(join(work, "empty.terraformrc"), "");
      const init = await terraform(["init", "-backend=false", "-input=false"], {
        cwd: bare,
        env: { ...userEnv, TF_CLI_CONFIG_FILE: join(work, "empty.terraformrc") },
        timeoutMs: 120_000,
      });
      expect(init.code).toBe(1);
      expect(init.stderr).toMatch(/Failed to query available provider packages|could not connect to registry\.terraform\.io/);
    },
    STEP,
  );
});

describe("up and down of production on the emulator", () => {
  test(
    "GIVEN production WHEN up runs THEN base and app are applied and the HTTPS URL printed; down --base is refused while the app stands; down, then down --base, remove both",
    async () => {
      const { dir, runs } = await outcome(productionFlow);
      const [up, baseFirst, downApp, downBase] = runs;
      const out = expectRun(up, 0).stdout;
      expect(out).toMatch(/production-base: \d+\/\d+ done \(applied\)/);
      expect(out).toMatch(/All 3 ECS services are stable\./);
      expect(out).toMatch(/production-app is up: https:\/\/[\w.-]+\.elb\.amazonaws\.com\n$/);
      expect(expectRun(baseFirst, 1).stderr).toMatch(
        /production-base is still used by production-app: run `compose2ecs down --env production` first\. Nothing was destroyed\./,
      );
      expect(expectRun(downApp, 0).stdout).toMatch(/production-app destroyed; its state record is removed\.\n$/);
      expect(expectRun(downBase, 0).stdout).toMatch(/production-base destroyed; its state record is removed\.\n$/);
      expect(stateFiles(dir, "production")).toEqual([]);
    },
    STEP,
  );
});

describe("services that never run", () => {
  test(
    "GIVEN an emulator where ECS services never reach their desired count WHEN a branch is brought up with --timeout 20s THEN up fails naming each service, its counts and rollout, that ECS recorded no events, and the URL",
    async () => {
      const [base, stuck] = await outcome(stuckFlow);
      expectRun(base, 0);
      const run = expectRun(stuck, 1);
      expect(run.stderr).toMatch(
        /branch "feature\/stuck" \(qa-stuck-\w+\) was applied, but its services are not running as desired:\n3 of 3 ECS services are not stable after \d+ s:/,
      );
      for (const service of ["web", "boot", "redis"]) {
        expect(run.stderr).toMatch(
          new RegExp(
            `  multi-env-stuck-\\w+-${service}-\\w+ \\(cluster multi-env-qa-\\w+\\): 0 of 1 task running, 1 pending; deployment IN_PROGRESS \\(ECS deployment ecs-svc/\\d+ in progress\\.\\)\\n    last events:\\n      \\(ECS recorded no events for this service\\)`,
          ),
        );
      }
      expect(run.stderr).toMatch(/URL \(not serving yet\): http:\/\/[\w.-]+:10001/);
    },
    STEP,
  );
});

test(
  "GIVEN every flow WHEN it ended THEN no ECS cluster or load balancer is left in the steady emulator",
  async () => {
    const { emulator } = await outcome(qaFlow);
    await outcome(productionFlow);
    expect(await activeClusters(emulator)).toEqual([]);
    expect(((await emulator.elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []).map((lb) => lb.LoadBalancerName)).toEqual([]);
  },
  STEP,
);

import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { runBranches } from "../../cli/commands/branches";
import { branchSlug } from "../../naming/branch-slug";
import { drawOnce, PROPERTY_SEED } from "../helpers/property";
import { captureOutput } from "../helpers/run-cli";
import { REPO_ROOT, writeTsRegister } from "../helpers/ts-child";
import { FAKE_CREDENTIALS, Moto, startMoto } from "./moto";

/**
 * Issue 12's scale property: many branches of a five-service app allocated at once from
 * separate OS processes against the S3 slot registry (in moto), each synthesized by the real
 * CLI; then, counted from the synthesized stack JSON only (never from the allocator's records):
 * every branch has its own routing (ALB, listener port or host) and its own priority block, and
 * no ALB exceeds its target-group, rule or listener quota. Then a random subset is removed with
 * `branches gc` and added again, and the same holds, with the freed slots reused.
 *
 * Parameters (environment variables), so the harness runs before and after the ALB pool exists:
 * - SCALE_BRANCHES (default 200), SCALE_PROCESSES (default 20);
 * - SCALE_POOL (default 10): `loadBalancer.pool`; 0 leaves the key out (one ALB);
 * - SCALE_DOMAIN (default 1): 1 routes branches by host name under `loadBalancer.domain`
 *   (with a Route 53 zone when the pool has more than one ALB), 0 gives each its own listener port.
 * FC_SEED replays the branch names and the removed subset (__tests__/helpers/property.ts).
 */

const BRANCHES = Number(process.env.SCALE_BRANCHES ?? 200);
const PROCESSES = Number(process.env.SCALE_PROCESSES ?? 20);
const POOL = Number(process.env.SCALE_POOL ?? 10);
const DOMAIN = (process.env.SCALE_DOMAIN ?? "1") !== "0" ? "qa.example.com" : undefined;

/** AWS ELBv2 quotas per Application Load Balancer: target groups (hard), rules and listeners (defaults, adjustable). */
const QUOTA = { targetGroups: 100, rules: 100, listeners: 50 } as const;
/** Listener-rule priorities per branch slot (planner/slots.ts): slot n owns n*50+1 .. n*50+50. */
const PRIORITIES_PER_SLOT = 50;
const BUCKET = "compose2ecs-scale-test";
const COMPOSE = join(REPO_ROOT, "__tests__", "fixtures", "scale", "compose.yaml");

let moto: Moto;
let work: string;
let project: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, FAKE_CREDENTIALS);
  moto = await startMoto();
  const s3 = new S3Client({ region: "eu-west-1", endpoint: moto.endpoint, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
  s3.destroy();
  work = mkdtempSync(join(tmpdir(), "c2e-scale-"));
  project = join(work, "project");
  mkdirSync(join(project, "environments"), { recursive: true });
  copyFileSync(COMPOSE, join(project, "compose.yaml"));
  const loadBalancer = [
    "  allowedCidrs: [203.0.113.0/24]",
    ...(DOMAIN !== undefined ? [`  domain: ${DOMAIN}`] : []),
    ...(POOL >= 1 ? [`  pool: ${POOL}`] : []),
    ...(POOL > 1 && DOMAIN !== undefined ? ["  hostedZoneId: Z0000000000SCALETEST"] : []),
  ];
  writeFileSync(
    join(project, "environments", "qa.yml"),
    [
      "branches: true",
      "aws:",
      `  endpoint: ${moto.endpoint}`,
      "loadBalancer:",
      ...loadBalancer,
      "state:",
      "  backend: s3",
      `  bucket: ${BUCKET}`,
      "  prefix: states",
      "",
    ].join("\n"),
  );
  writeTsRegister(work);
  writeFileSync(join(work, "child.js"), CHILD);
}, 60_000);

afterAll(async () => {
  workers.forEach((w) => w.stop());
  await moto?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  process.env = savedEnv;
});

/**
 * One OS process: the real CLI (cli/main.ts, loaded once) synthesizes each branch it is sent into
 * that branch's own output folder, starting at a moment common to all processes so that their
 * allocations overlap. The processes live for the whole test, so the second round pays no start-up.
 */
const CHILD = [
  `const { main } = require(${JSON.stringify(join(REPO_ROOT, "cli", "main.ts"))});`,
  "const [projectDir] = process.argv.slice(2);",
  "process.on('message', async ({ startAt, work }) => {",
  "  while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 5));",
  "  const report = [];",
  "  for (const { branch, out } of work) {",
  '    const code = await main(["synth", "-C", projectDir, "--env", "qa", "--branch", branch, "--out", out]);',
  "    report.push({ branch, out, code });",
  "  }",
  "  process.send(report);",
  "});",
  "process.send('ready');",
].join("\n");

interface Synthesized {
  readonly branch: string;
  /** The synth output folder (manifest.json, stacks/). */
  readonly out: string;
  readonly code: number;
  /** What the process printed on stderr in the round, when the synth failed. */
  readonly stderr?: string;
}

interface Worker {
  /** Sends `work` to synthesize from `startAt` (epoch ms); resolves its report. */
  run(startAt: number, work: ReadonlyArray<{ branch: string; out: string }>): Promise<Synthesized[]>;
  stop(): void;
}

const workers: Worker[] = [];

/** Starts a worker process and resolves once it has loaded the CLI. */
function startWorker(): Promise<Worker> {
  const child = spawn(process.execPath, ["-r", join(work, "register.js"), join(work, "child.js"), project], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: process.env,
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  let waiting: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  const next = () => new Promise((resolve, reject) => (waiting = { resolve, reject }));
  child.on("message", (message) => waiting?.resolve(message));
  child.on("exit", (code) => waiting?.reject(new Error(`a synth process exited ${code}:\n${stderr}`)));
  const ready = next();
  return ready.then(() => ({
    run(startAt, items) {
      stderr = "";
      // A failed synth reports what the process printed in this round: the CLI's own error.
      const report = (next() as Promise<Synthesized[]>).then((done) => done.map((s) => (s.code === 0 ? s : { ...s, stderr: stderr.slice(-3000) })));
      child.send({ startAt, work: items });
      return report;
    },
    stop: () => child.kill(),
  }));
}

/** Synthesizes `branches` from `processes` concurrent OS processes (round-robin split); resolves each branch's outcome. */
async function synthesizeConcurrently(round: string, branches: readonly string[], processes: number): Promise<Synthesized[]> {
  while (workers.length < processes) workers.push(...(await Promise.all(Array.from({ length: processes - workers.length }, startWorker))));
  // Every process is ready and idle: they start together.
  const startAt = Date.now() + 200;
  const reports = await Promise.all(
    workers.map((worker, p) =>
      worker.run(
        startAt,
        branches.filter((_b, i) => i % processes === p).map((branch) => ({ branch, out: join(work, round, branchSlug(branch)) })),
      ),
    ),
  );
  return reports.flat();
}

type Block = Record<string, Record<string, unknown>>;
interface StackJson {
  readonly resource?: Block;
  readonly data?: Block;
}

function readStack(out: string, stack: string): StackJson {
  return JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")) as StackJson;
}

function entries(block: Block | undefined, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(block?.[type] ?? {}) as Array<[string, Record<string, unknown>]>;
}

/** `${data.aws_lb.x.arn}` -> "data.aws_lb.x"; anything else -> undefined. */
function reference(value: unknown): string | undefined {
  const match = typeof value === "string" ? /^\$\{((?:data\.)?[a-z0-9_]+\.[^.}]+)\.arn\}$/.exec(value) : null;
  return match?.[1];
}

/** What one branch stack uses of the load balancers, read from its JSON. */
interface BranchUse {
  readonly stack: string;
  readonly alb: string;
  readonly port: number;
  readonly host: string;
  readonly block: number;
  readonly targetGroups: number;
  readonly rules: number;
  readonly ownListeners: number;
}

/** A branch stack's ALB, listener, host and priority block; problems when they are not one each. */
function branchUse(stack: string, json: StackJson): { use?: BranchUse; problems: string[] } {
  const problems: string[] = [];
  if (entries(json.resource, "aws_lb").length > 0) problems.push(`${stack} creates a load balancer`);
  const albs = new Map(entries(json.data, "aws_lb").map(([id, lb]) => [`data.aws_lb.${id}`, String(lb.name)]));
  const listeners = new Map<string, { alb?: string; port: number }>();
  for (const [kind, prefix] of [
    ["resource", "aws_lb_listener"],
    ["data", "data.aws_lb_listener"],
  ] as const) {
    for (const [id, listener] of entries(kind === "resource" ? json.resource : json.data, "aws_lb_listener")) {
      listeners.set(`${prefix}.${id}`, { alb: albs.get(reference(listener.load_balancer_arn) ?? ""), port: Number(listener.port) });
    }
  }
  const rules = entries(json.resource, "aws_lb_listener_rule").map(([id, rule]) => {
    const listener = listeners.get(reference(rule.listener_arn) ?? "");
    const conditions = (rule.condition ?? []) as Array<{ host_header?: { values: string[] } }>;
    const host = conditions.flatMap((c) => c.host_header?.values ?? []).join(",");
    if (listener?.alb === undefined) problems.push(`${stack}: rule ${id} is on no listener of a named ALB`);
    return { alb: listener?.alb ?? "?", port: listener?.port ?? -1, host, block: Math.floor((Number(rule.priority) - 1) / PRIORITIES_PER_SLOT) };
  });
  const one = <T>(what: string, values: T[]): T | undefined => {
    const distinct = [...new Set(values)];
    if (distinct.length !== 1) problems.push(`${stack} has ${distinct.length} ${what}: ${distinct.join(" ")}`);
    return distinct[0];
  };
  const alb = one(
    "ALBs",
    rules.map((r) => r.alb),
  );
  const port = one(
    "listener ports",
    rules.map((r) => r.port),
  );
  const host = one(
    "host names",
    rules.map((r) => r.host),
  );
  const block = one(
    "priority blocks",
    rules.map((r) => r.block),
  );
  if (alb === undefined || port === undefined || host === undefined || block === undefined || problems.length > 0) return { problems };
  return {
    use: {
      stack,
      alb,
      port,
      host,
      block,
      targetGroups: entries(json.resource, "aws_lb_target_group").length,
      rules: rules.length,
      ownListeners: entries(json.resource, "aws_lb_listener").length,
    },
    problems,
  };
}

/** The base stack's ALBs by name, with the listeners each already holds. */
function baseListeners(json: StackJson): Map<string, number> {
  const names = new Map(entries(json.resource, "aws_lb").map(([id, lb]) => [`aws_lb.${id}`, String(lb.name)]));
  const held = new Map([...names.values()].map((name) => [name, 0]));
  for (const [, listener] of entries(json.resource, "aws_lb_listener")) {
    const alb = names.get(reference(listener.load_balancer_arn) ?? "");
    if (alb !== undefined) held.set(alb, (held.get(alb) ?? 0) + 1);
  }
  return held;
}

/**
 * Everything the property demands of a set of synthesized branches, as a list of violations
 * (empty when it holds), counted from the stacks' JSON alone.
 */
function violations(synthesized: readonly Synthesized[], expectedBlocks: number): string[] {
  const problems = synthesized.filter((s) => s.code !== 0).map((s) => `synth of ${s.branch} exited ${s.code}: ${s.stderr ?? ""}`);
  const lastOut = synthesized[synthesized.length - 1]?.out;
  if (lastOut === undefined) return [...problems, "nothing synthesized"];
  const base = baseListeners(readStack(lastOut, "qa-base"));
  const uses: BranchUse[] = [];
  for (const s of synthesized.filter((x) => x.code === 0)) {
    const stack = `qa-${branchSlug(s.branch)}`;
    const { use, problems: own } = branchUse(stack, readStack(s.out, stack));
    problems.push(...own);
    if (use === undefined) continue;
    uses.push(use);
    if (!base.has(use.alb)) problems.push(`${stack} looks up ALB ${use.alb}, which the base does not create (${[...base.keys()].join(" ")})`);
    if (DOMAIN === undefined && use.port !== 10000 + use.block) problems.push(`${stack} listens on ${use.port} but holds priority block ${use.block}`);
    if (DOMAIN !== undefined && use.host !== `${branchSlug(s.branch)}.${DOMAIN}`) problems.push(`${stack} routes host "${use.host}"`);
  }
  const shared = (key: (u: BranchUse) => string, what: string) => {
    const seen = new Map<string, string>();
    for (const u of uses) {
      const k = key(u);
      const other = seen.get(k);
      if (other !== undefined) problems.push(`${other} and ${u.stack} share ${what} ${k}`);
      seen.set(k, u.stack);
    }
  };
  shared((u) => `${u.alb} port ${u.port} host "${u.host}"`, "the route");
  shared((u) => String(u.block), "priority block");
  for (const [alb, listeners] of base) {
    const on = uses.filter((u) => u.alb === alb);
    const sum = (f: (u: BranchUse) => number) => on.reduce((total, u) => total + f(u), 0);
    const use = { targetGroups: sum((u) => u.targetGroups), rules: sum((u) => u.rules), listeners: listeners + sum((u) => u.ownListeners) };
    for (const quota of ["targetGroups", "rules", "listeners"] as const) {
      if (use[quota] > QUOTA[quota]) problems.push(`ALB ${alb} holds ${use[quota]} ${quota} (quota ${QUOTA[quota]}) for ${on.length} branches`);
    }
  }
  // N live branches that reuse freed slots hold exactly the blocks 1..N.
  const blocks = uses.map((u) => u.block).sort((a, b) => a - b);
  const expected = Array.from({ length: expectedBlocks }, (_, i) => i + 1);
  if (problems.length === 0 && JSON.stringify(blocks) !== JSON.stringify(expected))
    problems.push(`priority blocks ${blocks.join(",")} are not 1..${expectedBlocks}`);
  return problems;
}

/** Branch names git accepts, distinct by slug, and which of them `branches gc` removes (at least one, at most a quarter). */
const scenario = fc
  .uniqueArray(
    fc
      .tuple(fc.constantFrom("feature", "fix", "renovate", "chore/deps"), fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,24}[a-z0-9]$/))
      .filter(([, name]) => !name.includes(".."))
      .map(([kind, name]) => `${kind}/${name}`),
    { minLength: BRANCHES, maxLength: BRANCHES, selector: (name) => branchSlug(name) },
  )
  .chain((names) => fc.tuple(fc.constant(names), fc.subarray(names, { minLength: 1, maxLength: Math.max(1, Math.floor(names.length / 4)) })));

test(`GIVEN ${BRANCHES} branches of a five-service app synthesized from ${PROCESSES} processes against the S3 registry (pool ${POOL || "unset"}, ${DOMAIN ? "by host" : "by port"}; seed ${PROPERTY_SEED}) WHEN counted from the stacks, then after gc of a random subset and its re-synthesis THEN routes and priority blocks are distinct, quotas hold and freed slots are reused`, async () => {
  const [branches, removed] = drawOnce(scenario);

  const first = await synthesizeConcurrently("first", branches, PROCESSES);
  expect(first.map((s) => s.branch).sort()).toEqual([...branches].sort());
  expect(violations(first, BRANCHES)).toEqual([]);
  // Negative control: the census does see two branches on one route and one priority block.
  const twice = first[0] as Synthesized;
  expect(violations([...first, twice], BRANCHES)).toEqual(
    expect.arrayContaining([expect.stringMatching(/share the route/), expect.stringMatching(/share priority block/)]),
  );

  const gone = new Set(removed);
  const live = join(work, "live.txt");
  writeFileSync(live, branches.filter((b) => !gone.has(b)).join("\n") + "\n");
  const neverDeployed = () => Promise.reject(new Error("gc wanted to destroy a branch that was never deployed"));
  const { result, stdout } = await captureOutput(() => runBranches(["gc", "--env", "qa", "-C", project, "--live", live, "--destroy", "--json"], neverDeployed));
  expect(result).toBe(0);
  const outcomes = stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { branch: string; action: string });
  expect(outcomes.map((o) => [o.branch, o.action]).sort()).toEqual(removed.map((b) => [b, "released"]).sort());

  const again = await synthesizeConcurrently("again", removed, PROCESSES);
  const kept = first.filter((s) => !gone.has(s.branch));
  expect(violations([...kept, ...again], BRANCHES)).toEqual([]);
  // About 5.5 minutes on an idle 2-core machine (the emulator answers one S3 request at a time, and
  // each placement reads every record under the registry's lock); room for a loaded CI machine.
}, 1_800_000);

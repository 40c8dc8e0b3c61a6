/**
 * `npm run bench`: whole-process synth time and peak memory of compose2ecs against a cdktf app
 * written by hand with the same resources (bench/handwritten/app.ts, tested to match), at three
 * sizes: the 3-service example and generated projects of 50 and 200 services. Every case runs
 * once to warm up, then BENCH_RUNS rounds (default 7) round-robin over all cases, so load from
 * other processes spreads over all of them; it prints wall-time medians, spreads, the ratio of CPU
 * times (steadier under load) and the machine's load.
 *
 * Branch environments: the synth of one branch stack of a five-service app (a case of the rounds
 * above, without a hand-written reference), then BENCH_BRANCHES (default 200) distinct branches
 * synthesized one after the other, one process each as CI runs them, into one QA environment
 * whose slot registry fills up as they go: time per branch, and whether it grows with the
 * registry. 200 such branches need an ALB pool of 10 (BENCH_POOL, default 10; 0 leaves
 * `loadBalancer.pool` out, where only 20 branches fit one ALB).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BENCH_ENVIRONMENT, branchEnvironment, generatedCompose } from "./generate";

const REPO = resolve(__dirname, "../..");
const USAGE = join(__dirname, "usage.js");
const HANDWRITTEN = join(__dirname, "handwritten", "app.js");
/** What `npx compose2ecs` runs: package.json's bin. */
const BIN = join(REPO, (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { bin: Record<string, string> }).bin.compose2ecs ?? "");
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const BRANCHES = Math.max(1, Number(process.env.BENCH_BRANCHES ?? 200));
const POOL = Number(process.env.BENCH_POOL ?? 10);
/** The branch cases' app: five services, all routed (the scale test's fixture). */
const FIVE_SERVICES = join(REPO, "__tests__", "fixtures", "scale", "compose.yaml");

interface Case {
  readonly name: string;
  /** The script node runs, and its arguments. */
  readonly args: readonly string[];
}

interface Measurement {
  readonly times: readonly number[];
  /** Median CPU time (user + system), ms. */
  readonly cpuMs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly maxRssMb: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function runOnce(c: Case): { ms: number; rssKb: number; cpuMs: number } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--require", USAGE, ...c.args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${c.name} failed (exit ${result.status}):\n${result.stderr}`);
  const usage = /bench-max-rss-kb=(\d+) bench-cpu-us=(\d+)/.exec(result.stderr);
  return { ms, rssKb: usage ? Number(usage[1]) : 0, cpuMs: usage ? Number(usage[2]) / 1000 : 0 };
}

/**
 * Runs the cases round-robin (one warm-up round first), so that load from other processes on
 * the machine spreads over all cases instead of skewing the ratios.
 */
function measureAll(cases: readonly Case[]): Measurement[] {
  for (const c of cases) runOnce(c);
  const runs = cases.map(() => [] as { ms: number; rssKb: number; cpuMs: number }[]);
  for (let round = 0; round < RUNS; round++) cases.forEach((c, i) => runs[i]?.push(runOnce(c)));
  return runs.map((r) => {
    const times = r.map((x) => x.ms);
    return {
      times,
      cpuMs: median(r.map((x) => x.cpuMs)),
      medianMs: median(times),
      minMs: Math.min(...times),
      maxMs: Math.max(...times),
      maxRssMb: Math.max(...r.map((x) => x.rssKb)) / 1024,
    };
  });
}

function generatedProject(root: string, services: number): string {
  const dir = join(root, `generated-${services}`);
  mkdirSync(join(dir, "environments"), { recursive: true });
  writeFileSync(join(dir, "docker-compose.yml"), generatedCompose(services));
  writeFileSync(join(dir, "environments", "bench.yml"), BENCH_ENVIRONMENT);
  return dir;
}

/** A QA project of the five-service app (branch environments), its slot registry empty. */
function branchProject(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "environments"), { recursive: true });
  cpSync(FIVE_SERVICES, join(dir, "compose.yaml"));
  writeFileSync(join(dir, "environments", "qa.yml"), branchEnvironment(POOL));
  return dir;
}

interface Size {
  readonly label: string;
  /** The ratio compose2ecs must stay within, if this size has a target. */
  readonly target?: number;
  /** The same infrastructure written by hand, when there is a fair one. */
  readonly handwritten?: Case;
  readonly compose2ecs: Case;
}

/**
 * BENCH_BRANCHES branches synthesized one after the other into one environment, each in its own
 * process and output folder (a CI job per branch): wall time of each, in order.
 */
function branchesInSequence(root: string): { times: number[]; maxRssMb: number } {
  const project = branchProject(root, "branches-in-sequence");
  const times: number[] = [];
  let maxRssKb = 0;
  for (let i = 0; i < BRANCHES; i++) {
    const out = join(root, "out-sequence");
    const run = runOnce({
      name: `branch ${i + 1} of ${BRANCHES}`,
      args: [BIN, "synth", "-C", project, "--env", "qa", "--branch", `feature/bench-${i + 1}`, "--out", out],
    });
    rmSync(out, { recursive: true, force: true });
    times.push(run.ms);
    maxRssKb = Math.max(maxRssKb, run.rssKb);
  }
  return { times, maxRssMb: maxRssKb / 1024 };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

function main(): number {
  if (![USAGE, HANDWRITTEN, BIN].every(existsSync)) {
    process.stderr.write("bench: dist/ is missing or stale: run `npm run build` first\n");
    return 1;
  }
  const root = mkdtempSync(join(tmpdir(), "compose2ecs-bench-"));
  try {
    const example = join(root, "example");
    mkdirSync(example);
    cpSync(join(REPO, "environments"), join(example, "environments"), { recursive: true });
    cpSync(join(REPO, "examples", "seed"), join(example, "examples", "seed"), { recursive: true });
    const out = (name: string) => join(root, `out-${name}`);
    const sizes: Size[] = [
      {
        label: "example, 3 services",
        target: 1.1,
        handwritten: { name: "hand-written 3", args: [HANDWRITTEN, out("hand-3")] },
        compose2ecs: { name: "compose2ecs 3", args: [BIN, "synth", "-C", example, "--env", "production", "--out", out("example")] },
      },
      ...[50, 200].map((n) => ({
        label: `generated, ${n} services`,
        ...(n === 200 ? { target: 1.2 } : {}),
        handwritten: { name: `hand-written ${n}`, args: [HANDWRITTEN, out(`hand-${n}`), String(n)] },
        compose2ecs: { name: `compose2ecs ${n}`, args: [BIN, "synth", "-C", generatedProject(root, n), "--env", "bench", "--out", out(`cli-${n}`)] },
      })),
      {
        // The warm-up run allocates its slot; the measured runs synthesize the branch that holds it.
        label: "one branch, 5 services",
        compose2ecs: {
          name: "compose2ecs branch",
          args: [BIN, "synth", "-C", branchProject(root, "one-branch"), "--env", "qa", "--branch", "feature/one", "--out", out("branch")],
        },
      },
    ];
    const cases = sizes.flatMap((s) => (s.handwritten ? [s.handwritten, s.compose2ecs] : [s.compose2ecs]));
    const loadBefore = load();
    process.stdout.write(
      `compose2ecs bench: ${RUNS} rounds over ${cases.length} cases (+1 warm-up round), whole process (node start to exit); ${availableParallelism()} cores, load average ${loadBefore}\n\n`,
    );
    const results = measureAll(cases);
    const header = `${"size".padEnd(22)}  ${"hand-written ms".padStart(21)}  ${"compose2ecs ms".padStart(21)}  ${"ratio".padStart(6)}  ${"round ratios".padStart(12)}  ${"cpu ratio".padStart(9)}  ${"peak MB".padStart(7)}  target`;
    process.stdout.write(`${header}\n`);
    const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
    let peak = 0;
    const spread = (m: Measurement) => `${m.medianMs.toFixed(0)} (${m.minMs.toFixed(0)}-${m.maxMs.toFixed(0)})`;
    let next = 0;
    for (const size of sizes) {
      const hand = size.handwritten ? (results[next++] as Measurement) : undefined;
      const cli = results[next++] as Measurement;
      peak = Math.max(peak, cli.maxRssMb);
      if (hand === undefined) {
        process.stdout.write(
          `${size.label.padEnd(22)}  ${"- (see below)".padStart(21)}  ${spread(cli).padStart(21)}  ${"-".padStart(6)}  ${"-".padStart(12)}  ${"-".padStart(9)}  ${cli.maxRssMb.toFixed(0).padStart(7)}  -\n`,
        );
        continue;
      }
      const ratio = cli.medianMs / hand.medianMs;
      // The same round's two runs saw the same load: their ratios show how much the load moved the result.
      const rounds = cli.times.map((t, r) => t / (hand.times[r] ?? t));
      process.stdout.write(
        `${size.label.padEnd(22)}  ${spread(hand).padStart(21)}  ${spread(cli).padStart(21)}  ${ratio.toFixed(2).padStart(5)}x  ${`${Math.min(...rounds).toFixed(2)}-${Math.max(...rounds).toFixed(2)}`.padStart(12)}  ${`${(cli.cpuMs / hand.cpuMs).toFixed(2)}x`.padStart(9)}  ${cli.maxRssMb.toFixed(0).padStart(7)}  ${
          size.target === undefined ? "-" : `<= ${size.target}x ${verdict(ratio <= size.target)}`
        }\n`,
      );
    }
    process.stdout.write(
      "\nThe branch case has no hand-written reference: a fair one would hand-write the branch stack's lookups of the base, its slot's\n" +
        "priorities and host name, which the slot registry decides; its time is the whole `compose2ecs synth` of a branch (base and branch stacks).\n",
    );
    const pool = POOL >= 1 ? `loadBalancer.pool ${POOL}` : "no loadBalancer.pool (one ALB)";
    process.stdout.write(`\n${BRANCHES} branches of the five-service app in sequence, one process each, one environment (${pool}), load average ${load()}:\n`);
    const sequence = branchesInSequence(root);
    const total = sequence.times.reduce((a, b) => a + b, 0);
    const tenth = Math.max(1, Math.floor(BRANCHES / 10));
    process.stdout.write(
      `  total ${(total / 1000).toFixed(1)} s, per branch ${(total / BRANCHES).toFixed(0)} ms mean, ${median(sequence.times).toFixed(0)} ms median ` +
        `(first ${tenth}: ${median(sequence.times.slice(0, tenth)).toFixed(0)} ms, last ${tenth}: ${median(sequence.times.slice(-tenth)).toFixed(0)} ms), peak ${sequence.maxRssMb.toFixed(0)} MB\n`,
    );
    peak = Math.max(peak, sequence.maxRssMb);
    process.stdout.write(`\npeak memory under 300 MB: ${peak.toFixed(0)} MB ${verdict(peak < 300)}\nload average before ${loadBefore}, after ${load()}\n`);
    return 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = main();

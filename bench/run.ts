/**
 * `npm run bench`: whole-process synth time (median of several rounds, after a warm-up round) and
 * peak memory for the bundled example, generated 50- and 200-service projects, and a minimal
 * hand-written cdktf app with the same resources as the example; printed as ratios against
 * the hand-written app. Set BENCH_RUNS to change the number of runs (default 7).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BENCH_ENVIRONMENT, generatedCompose } from "./generate";

const REPO = resolve(__dirname, "../..");
const CHILD = join(__dirname, "child.js");
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));

interface Case {
  readonly name: string;
  readonly args: readonly string[];
}

interface Measurement {
  readonly name: string;
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

function runOnce(c: Case): { ms: number; rssKb: number } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [CHILD, ...c.args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${c.name} failed (exit ${result.status}):\n${result.stderr}`);
  const rss = /bench-max-rss-kb=(\d+)/.exec(result.stderr);
  return { ms, rssKb: rss ? Number(rss[1]) : 0 };
}

/**
 * Runs the cases round-robin (one warm-up round first), so that load from other processes on
 * the machine spreads over all cases instead of skewing the ratios.
 */
function measureAll(cases: readonly Case[]): Measurement[] {
  for (const c of cases) runOnce(c);
  const runs = cases.map(() => [] as { ms: number; rssKb: number }[]);
  for (let round = 0; round < RUNS; round++) cases.forEach((c, i) => runs[i]?.push(runOnce(c)));
  return cases.map((c, i) => {
    const times = (runs[i] ?? []).map((r) => r.ms);
    return {
      name: c.name,
      medianMs: median(times),
      minMs: Math.min(...times),
      maxMs: Math.max(...times),
      maxRssMb: Math.max(...(runs[i] ?? []).map((r) => r.rssKb)) / 1024,
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

function main(): number {
  if (!existsSync(CHILD) || !existsSync(join(REPO, "dist", "cli", "main.js"))) {
    process.stderr.write("bench: dist/ is missing or stale: run `npm run build` first\n");
    return 1;
  }
  const root = mkdtempSync(join(tmpdir(), "compose2ecs-bench-"));
  try {
    const example = join(root, "example");
    mkdirSync(example);
    cpSync(join(REPO, "environments"), join(example, "environments"), { recursive: true });
    cpSync(join(REPO, "examples", "seed"), join(example, "examples", "seed"), { recursive: true });
    const p50 = generatedProject(root, 50);
    const p200 = generatedProject(root, 200);
    const cases: Case[] = [
      { name: "hand-written cdktf app (3 services)", args: ["handwritten", join(root, "out-handwritten")] },
      { name: "example (3 services, production)", args: ["cli", "synth", "-C", example, "--env", "production", "--out", join(root, "out-example")] },
      { name: "generated 50 services", args: ["cli", "synth", "-C", p50, "--env", "bench", "--out", join(root, "out-50")] },
      { name: "generated 200 services", args: ["cli", "synth", "-C", p200, "--env", "bench", "--out", join(root, "out-200")] },
    ];
    process.stdout.write(`compose2ecs bench: ${RUNS} rounds over all cases (+1 warm-up round), whole process (node start to exit)\n\n`);
    const results = measureAll(cases);
    const reference = results[0]?.medianMs ?? 1;
    const width = Math.max(...results.map((r) => r.name.length));
    process.stdout.write(`${"case".padEnd(width)}  median ms   min ms   max ms  peak MB  vs hand-written\n`);
    for (const r of results) {
      process.stdout.write(
        `${r.name.padEnd(width)}  ${r.medianMs.toFixed(0).padStart(9)}  ${r.minMs.toFixed(0).padStart(7)}  ${r.maxMs.toFixed(0).padStart(7)}  ${r.maxRssMb.toFixed(0).padStart(7)}  ${(r.medianMs / reference).toFixed(2).padStart(14)}x\n`,
      );
    }
    const [, ex, , big] = results;
    const peak = Math.max(...results.map((r) => r.maxRssMb));
    const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
    process.stdout.write(
      [
        "",
        "Targets:",
        `  example within 1.2x of the hand-written app: ${((ex?.medianMs ?? 0) / reference).toFixed(2)}x  ${verdict((ex?.medianMs ?? 0) / reference <= 1.2)}`,
        `  200 services under 2 s:                     ${((big?.medianMs ?? 0) / 1000).toFixed(2)} s  ${verdict((big?.medianMs ?? 0) < 2000)}`,
        `  peak memory under 300 MB:                   ${peak.toFixed(0)} MB  ${verdict(peak < 300)}`,
        "",
      ].join("\n"),
    );
    return 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = main();

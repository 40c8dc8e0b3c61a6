#!/usr/bin/env node
import { allCases, cliSynth, runCases } from "./corpus";
import { formatFailuresByKind, formatTotals } from "./report";

/** `npm run verify:corpus`: synthesize the corpus, the example and the app fixtures, verify, print the figures. */
async function main(): Promise<number> {
  const started = Date.now();
  const cases = allCases();
  process.stderr.write(`verifying ${cases.length} projects x production + QA branch ...\n`);
  const results = await runCases(cases, { synth: cliSynth(), concurrency: 2 });
  const failures = formatFailuresByKind(results);
  process.stdout.write([formatTotals(results), "", failures === "" ? "no failures" : failures, "", `(${((Date.now() - started) / 1000).toFixed(1)} s)`].join("\n") + "\n");
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);

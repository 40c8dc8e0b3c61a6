#!/usr/bin/env node
import { parseArgs } from "node:util";
import { allCases, cliSynth, runCases } from "./corpus";
import { formatAppEnvironment, formatFailuresByKind, formatTotals } from "./report";

const USAGE = `Usage: npm run verify:corpus [-- --verbose] [-- --only NAME]...

Synthesizes every converting file of the shared corpus, the bundled example and the app fixtures
(__tests__/fixtures/apps) for production and a QA branch with the built CLI, in temporary folders,
verifies docker compose's runtime promises on each, and prints the totals and the failures by kind.
  --only NAME   only the cases whose name contains NAME (repeatable)
  --verbose     also print each app-environment's promise table and notes
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      verbose: { type: "boolean", default: false },
      only: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const only = values.only ?? [];
  const cases = allCases().filter((c) => only.length === 0 || only.some((o) => c.app.includes(o)));
  const started = Date.now();
  process.stderr.write(`verifying ${cases.length} projects x production + QA branch ...\n`);
  const results = await runCases(cases, { synth: cliSynth(), concurrency: 2 });
  const failures = formatFailuresByKind(results);
  const tables = values.verbose === true ? results.map((r) => formatAppEnvironment(r, { verbose: true })) : [];
  process.stdout.write(
    [...tables, formatTotals(results), "", failures === "" ? "no failures" : failures, "", `(${((Date.now() - started) / 1000).toFixed(1)} s)`].join("\n") +
      "\n",
  );
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exitCode = 2;
  },
);

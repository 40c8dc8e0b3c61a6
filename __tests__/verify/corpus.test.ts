import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runCli } from "../helpers/run-cli";
import { ACCEPTED_EXCEPTIONS, AcceptedException } from "../../verify/accepted-exceptions";
import { allCases, FIXTURE_FILES, runCases, Synth } from "../../verify/corpus";
import { PromiseKind } from "../../verify/promises";
import { AppEnvResult, headline, totals } from "../../verify/report";

/**
 * The measure of the product: every converting corpus file, the bundled example and the app
 * fixtures, synthesized for production and a QA branch, keep docker compose's runtime promises,
 * except the reasoned ACCEPTED_EXCEPTIONS (verify/accepted-exceptions.ts) and, for now, the
 * KNOWN_GENERATOR_GAPS below.
 *
 * KNOWN_GENERATOR_GAPS listed the failures caused by generator bugs (issue 9 items 1-4); it is
 * empty now that they are fixed, and stays so: a new failure is fixed, or becomes a reasoned
 * accepted exception. The test fails when a listed gap no longer occurs (so the list can only
 * shrink) and when a failure appears that no list names.
 */

interface Gap {
  readonly app: string;
  readonly env: "production" | "qa" | "both";
  readonly service: string;
  readonly promise: PromiseKind | "synth";
  readonly subject: string;
  readonly reason: string;
}

const KNOWN_GENERATOR_GAPS: readonly Gap[] = [];

const REPO = resolve(__dirname, "../..");

/** In-process synth through the real CLI entry, so the test measures the sources, not a stale dist/. */
const synth: Synth = async (req) => {
  const saved = Object.fromEntries(Object.keys(req.variables).map((k) => [k, process.env[k]]));
  Object.assign(process.env, req.variables);
  try {
    const r = await runCli([
      "synth",
      "-C",
      req.projectDir,
      ...req.files.flatMap((f) => ["-f", f]),
      "--env",
      req.env,
      ...(req.branch !== undefined ? ["--branch", req.branch] : []),
      "--out",
      req.outDir,
    ]);
    return { ok: r.code === 0, message: r.stderr || r.stdout };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

interface Failure {
  readonly app: string;
  readonly env: string;
  readonly service: string;
  readonly promise: PromiseKind | "synth";
  readonly subject: string;
  readonly detail: string;
}

function failuresOf(results: readonly AppEnvResult[]): Failure[] {
  return results.flatMap<Failure>((r) =>
    r.error !== undefined
      ? [{ app: r.app, env: r.env, service: "-", promise: "synth" as const, subject: "-", detail: r.error }]
      : r.findings
          .filter((f) => f.status !== "hold")
          .map((f) => ({ app: f.app, env: f.env, service: f.service, promise: f.kind, subject: f.subject, detail: f.detail })),
  );
}

const covers = (entry: Gap | AcceptedException, f: Failure) =>
  entry.app === f.app &&
  (entry.env === "both" || entry.env === f.env) &&
  entry.service === f.service &&
  entry.promise === f.promise &&
  entry.subject === f.subject;

/** An entry's environments, each of which must still fail (a half-fixed "both" entry is stale too). */
const envsOf = (entry: Gap | AcceptedException) => (entry.env === "both" ? ["production", "qa"] : [entry.env]);

const asEntry = (f: Failure) =>
  `  { app: ${JSON.stringify(f.app)}, env: ${JSON.stringify(f.env)}, service: ${JSON.stringify(f.service)}, promise: ${JSON.stringify(f.promise)}, subject: ${JSON.stringify(f.subject)}, reason: "..." }, // ${f.detail}`;

describe("runtime promises over the corpus, the example and the app fixtures", () => {
  let results: AppEnvResult[] = [];

  beforeAll(async () => {
    results = await runCases(allCases(REPO), { synth, concurrency: 1 });
  }, 1_800_000);

  test("GIVEN the app fixtures WHEN listed THEN there are at least six, each with its files and a SOURCE.md naming repository, commit and licence", () => {
    const base = join(REPO, "__tests__", "fixtures", "apps");
    const apps = readdirSync(base).sort();
    expect(apps.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(FIXTURE_FILES).sort()).toEqual(apps);
    for (const app of apps) {
      const source = readFileSync(join(base, app, "SOURCE.md"), "utf8");
      expect([app, /- Repository: https:\/\/github\.com\//.test(source), /- Commit: [0-9a-f]{40}/.test(source), /- Licence: \S+/.test(source)]).toEqual([
        app,
        true,
        true,
        true,
      ]);
      for (const f of FIXTURE_FILES[app] ?? []) expect([app, f, existsSync(join(base, app, f))]).toEqual([app, f, true]);
    }
  });

  test("GIVEN every case WHEN synthesized for production and a QA branch THEN each is one app-environment and the promises are many", () => {
    const cases = allCases(REPO);
    expect(cases.length).toBeGreaterThanOrEqual(36);
    expect(results.map((r) => `${r.app} / ${r.env}`)).toEqual(cases.flatMap((c) => [`${c.app} / production`, `${c.app} / qa`]));
    expect(totals(results).promises).toBeGreaterThan(400);
  });

  test("GIVEN every failing promise WHEN compared with the accepted exceptions and the known generator gaps THEN none is new", () => {
    const failures = failuresOf(results);
    const unexplained = failures.filter((f) => !ACCEPTED_EXCEPTIONS.some((e) => covers(e, f)) && !KNOWN_GENERATOR_GAPS.some((g) => covers(g, f)));
    if (unexplained.length > 0) {
      throw new Error(
        `${headline(totals(results))}\n${unexplained.length} failing promise(s) no list names (fix the generator, or add a reasoned entry):\n${unexplained.map(asEntry).join("\n")}`,
      );
    }
  });

  test("GIVEN the known generator gaps and accepted exceptions WHEN compared with today's failures THEN every entry still occurs (the lists only shrink)", () => {
    const failures = failuresOf(results);
    const stale = [...KNOWN_GENERATOR_GAPS, ...ACCEPTED_EXCEPTIONS].flatMap((entry) =>
      envsOf(entry)
        .filter((env) => !failures.some((f) => covers(entry, f) && f.env === env))
        .map((env) => `${entry.app} / ${env} ${entry.service} ${entry.promise} ${entry.subject}`),
    );
    if (stale.length > 0)
      throw new Error(
        `${headline(totals(results))}\nthese entries no longer fail; delete them (or narrow "both" to the env that still fails):\n${stale.join("\n")}`,
      );
  });

  test("GIVEN the lists WHEN read THEN no entry is named twice and every accepted exception gives a reason", () => {
    const keys = [...KNOWN_GENERATOR_GAPS, ...ACCEPTED_EXCEPTIONS].map((e) => `${e.app}|${e.env}|${e.service}|${e.promise}|${e.subject}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(ACCEPTED_EXCEPTIONS.filter((e) => e.reason.trim().length < 20)).toEqual([]);
  });
});

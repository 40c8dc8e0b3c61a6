import fc from "fast-check";

/**
 * Property tests (fast-check) with one seed per test run: `FC_SEED=<n>` replays a run, `FC_RUNS`
 * changes how many cases each property tries (default 200). A failure names the seed, the
 * shrunk counterexample and the command that replays it.
 */
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
/** This run's seed, for tests that name it themselves (e.g. in their title). */
export const PROPERTY_SEED = SEED;
const RUNS = Number(process.env.FC_RUNS ?? 200);

export function assertProperty<Ts>(property: fc.IProperty<Ts>, params: fc.Parameters<Ts> = {}): void {
  const details = fc.check(property, { seed: SEED, numRuns: RUNS, ...params });
  if (details.failed) {
    throw new Error(
      `${fc.defaultReportMessage(details) ?? "property failed"}\nReplay this run with FC_SEED=${SEED} (seed printed by __tests__/helpers/property.ts).`,
    );
  }
}

/** Text from a small alphabet, so that the characters a parser cares about meet often. */
export function textOf(alphabet: string, maxLength = 12): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet.split("")), maxLength });
}

/**
 * One value drawn with this run's seed, for a property too costly to try more than once (and
 * to shrink): the test names PROPERTY_SEED so that FC_SEED replays the same value.
 */
export function drawOnce<T>(arbitrary: fc.Arbitrary<T>): T {
  const [value] = fc.sample(arbitrary, { seed: SEED, numRuns: 1 });
  if (value === undefined) throw new Error(`fast-check drew nothing (FC_SEED=${SEED})`);
  return value;
}

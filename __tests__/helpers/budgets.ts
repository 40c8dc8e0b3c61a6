/**
 * Time budgets for tests that run terraform with the AWS provider (the terraform tier).
 *
 * Every terraform command that loads the AWS provider (validate, plan, apply, `show -json` of a
 * plan) starts a 675 MB plugin and reads its schema. Measured on the shared two-core machine on
 * 2025-12-01 at load average 6-10, with the tier's two workers busy: plan and apply of the
 * fixture app 19-21 s, `show -json` 4-6 s, validate of one stack 8-10 s, validate of the 29
 * corpus stacks in one run 58 s; `init` (it links the cached provider), `fmt` and an in-process
 * synth 1-3 s. When the whole suite ran at once on that load, the same commands took up to
 * 2.8 times as long. A budget allows 90 s per provider-loading command: about 4.5 times the
 * slowest single measurement and 1.6 times its slowest contended run.
 */
const PER_PROVIDER_RUN_MS = 90_000;

/** Synths, inits, fmt and the test's own work. */
const FIXED_MS = 30_000;

/**
 * The timeout of a test (or hook) that runs `providerRuns` provider-loading terraform commands one
 * after the other; a validate of many stacks in one run counts as one run per 10 stacks, rounded up.
 */
export function terraformBudget(providerRuns: number): number {
  return FIXED_MS + providerRuns * PER_PROVIDER_RUN_MS;
}

/**
 * Three test tiers, as jest projects (`npm test` runs all three; `npm run test:unit` is the inner loop):
 * - unit: pure and in-process (loader, planner, naming, environments, constructs, synth, review, verify): no terraform, no emulator.
 * - terraform: real `terraform` (validate, plan, HCL, evaluation of synthesized strings) and the security policy.
 * - e2e: deployments to moto_server, the AWS emulator.
 * Tests run from TypeScript sources through swc (no type-check here: `npm test` builds, and so type-checks, first).
 */
const { availableParallelism } = require("node:os");

/** Test files of the terraform tier (paths below __tests__/). */
const TERRAFORM = [
  "validate/",
  "review/hcl.test.ts",
  "review/plan-summary.test.ts",
  "branches/branch-stacks.test.ts",
  "branches/gc-destroy.test.ts",
  "fuzz/",
  "install/",
  "init/",
];
/** Test files of the e2e tier: they start moto_server. */
const E2E = ["e2e/", "branches/s3-registry.test.ts", "branches/scale-property.test.ts"];

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const paths = (list) => list.map((p) => `<rootDir>/__tests__/${escapeRegExp(p)}`);

const common = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
};

/** The terraform and e2e tiers share one provider plugin cache, filled once before their tests (testing/plugin-cache.ts). */
const pluginCache = {
  globalSetup: "<rootDir>/testing/jest/global-setup.ts",
  globalTeardown: "<rootDir>/testing/jest/global-teardown.ts",
};

module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/__tests__/**/*.test.ts"], testPathIgnorePatterns: [...paths(TERRAFORM), ...paths(E2E)] },
    {
      ...common,
      ...pluginCache,
      displayName: "terraform",
      testMatch: TERRAFORM.map((p) => (p.endsWith("/") ? `<rootDir>/__tests__/${p}**/*.test.ts` : `<rootDir>/__tests__/${p}`)),
    },
    {
      ...common,
      ...pluginCache,
      displayName: "e2e",
      testMatch: E2E.map((p) => (p.endsWith("/") ? `<rootDir>/__tests__/${p}**/*.test.ts` : `<rootDir>/__tests__/${p}`)),
    },
  ],
  // Tests that run terraform with the AWS provider set their own budgets (__tests__/helpers/budgets.ts).
  testTimeout: 120000,
  // One worker per core: each terraform-tier file runs its terraform commands one at a time, so the
  // tier never runs more than one provider-loading terraform process per core.
  maxWorkers: availableParallelism(),
  reporters: ["default", "<rootDir>/testing/summary-reporter.js"],
};

import { fillPluginCache, PLUGIN_CACHE_VAR } from "../plugin-cache";

/**
 * jest globalSetup of the terraform and e2e tiers: fills the run's provider plugin cache once
 * (testing/plugin-cache.ts); the workers inherit its folder in COMPOSE2ECS_TEST_PLUGIN_CACHE.
 * Without terraform or a provider mirror, it says so and leaves the variable unset: each test
 * that needs terraform then fails with its own clear MissingToolError, and the others still run.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[PLUGIN_CACHE_VAR]) return;
  try {
    process.env[PLUGIN_CACHE_VAR] = await fillPluginCache();
    process.env.COMPOSE2ECS_TEST_PLUGIN_CACHE_OWNED = "1";
  } catch (error) {
    process.stderr.write(`\ncompose2ecs tests: no provider plugin cache (${error instanceof Error ? error.message : String(error)})\n`);
  }
}

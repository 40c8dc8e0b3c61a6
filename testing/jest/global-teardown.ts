import { PLUGIN_CACHE_VAR, removePluginCache } from "../plugin-cache";

/** jest globalTeardown: removes the plugin cache globalSetup made (never one the caller passed in). */
export default function globalTeardown(): void {
  const cache = process.env[PLUGIN_CACHE_VAR];
  if (cache && process.env.COMPOSE2ECS_TEST_PLUGIN_CACHE_OWNED === "1") {
    removePluginCache(cache);
    delete process.env[PLUGIN_CACHE_VAR];
    delete process.env.COMPOSE2ECS_TEST_PLUGIN_CACHE_OWNED;
  }
}

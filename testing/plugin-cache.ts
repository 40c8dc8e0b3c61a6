import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testTerraformEnv } from "./test-provider-mirror";
import { terraform } from "../terraform/run";

/**
 * One Terraform provider plugin cache per test run. Terraform's cache is not safe for
 * concurrent `terraform init`s that write to it, so jest's globalSetup fills it with one init
 * before any test runs, and tests only read it: with
 * TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE an init links the cached provider without
 * needing a lock-file checksum, so it never writes the cache. Everything about the cache lives
 * here; the harnesses add `pluginCacheEnv()` to the environment they run terraform with.
 */

/** Set by globalSetup for the test processes: the filled cache folder. */
export const PLUGIN_CACHE_VAR = "COMPOSE2ECS_TEST_PLUGIN_CACHE";

/** The providers synthesized stacks require (cdktf's provider-aws 20.1.0 binds hashicorp/aws 5.100.0). */
const REQUIRED_PROVIDERS = { aws: { source: "hashicorp/aws", version: "5.100.0" } };

/** The environment additions that make terraform read the run's cache, or nothing when there is none. */
export function pluginCacheEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dir = env[PLUGIN_CACHE_VAR];
  return dir ? { TF_PLUGIN_CACHE_DIR: dir, TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: "true" } : {};
}

/**
 * Makes a new cache folder and fills it with one `terraform init` (providers from the mirror the
 * harnesses use). Returns the folder, or throws with terraform's words (or a MissingToolError).
 */
export async function fillPluginCache(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "compose2ecs-plugin-cache-"));
  const cache = join(dir, "cache");
  const root = join(dir, "fill");
  try {
    mkdirSync(cache);
    mkdirSync(root);
    writeFileSync(join(root, "main.tf.json"), JSON.stringify({ terraform: { required_providers: REQUIRED_PROVIDERS } }));
    const tfEnv = { ...testTerraformEnv(join(dir, "terraform.rc"), env), TF_PLUGIN_CACHE_DIR: cache };
    const init = await terraform(["init", "-input=false", "-backend=false"], { cwd: root, env: tfEnv, timeoutMs: 300_000 });
    if (init.code !== 0) throw new Error(`terraform init into the plugin cache failed:\n${init.stderr || init.stdout}`);
    rmSync(root, { recursive: true, force: true });
    return cache;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Removes a folder fillPluginCache made (the cache and its CLI config). */
export function removePluginCache(cache: string): void {
  rmSync(join(cache, ".."), { recursive: true, force: true });
}

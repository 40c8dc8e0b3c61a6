import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { MissingToolError, PROVIDER_MIRROR_VARIABLE } from "../terraform/cli-config";
import { checkProviderMirror, writeMirrorCliConfig } from "./provider-mirror";

/**
 * The tests' provider mirror. The test machine has no registry access, so every test that runs
 * terraform installs the AWS provider from a filesystem mirror: COMPOSE2ECS_PROVIDER_MIRROR
 * (`.ci/run` sets it), else, for a developer running jest directly, the parent of a
 * `registry.terraform.io` folder near the file-system root (where this machine image and
 * `terraform providers mirror` put it). Never used by the product: it honours the user's own
 * terraform configuration.
 */

const SEARCH_ROOTS = ["/opt", "/usr/share", "/usr/local/share", "/usr/local/lib", "/var/lib", "/srv", "/root", "/home"];

function hasRegistryDir(dir: string): boolean {
  try {
    return statSync(join(dir, "registry.terraform.io")).isDirectory();
  } catch {
    return false;
  }
}

/** The tests' provider mirror folder, or a MissingToolError saying how to provide one. */
export function testProviderMirror(env: NodeJS.ProcessEnv = process.env): string {
  const given = env[PROVIDER_MIRROR_VARIABLE];
  if (given !== undefined && given !== "") {
    checkProviderMirror(given, `${PROVIDER_MIRROR_VARIABLE}=`);
    return given;
  }
  // Same depth as `find / -maxdepth 3 -type d -name registry.terraform.io`: roots, then one level below.
  for (const root of SEARCH_ROOTS) {
    if (hasRegistryDir(root)) return root;
    let children: string[];
    try {
      children = readdirSync(root).sort();
    } catch {
      continue;
    }
    for (const child of children) {
      const dir = join(root, child);
      if (hasRegistryDir(dir)) return dir;
    }
  }
  throw new MissingToolError(
    `No Terraform provider mirror for the tests. Set ${PROVIDER_MIRROR_VARIABLE} to a folder made by ` +
      "`terraform providers mirror DIR` (it holds registry.terraform.io/hashicorp/aws/5.100.0/...); .ci/run sets it.",
  );
}

/** Writes a mirror-only CLI config to `file` and returns the environment to run terraform with in a test. */
export function testTerraformEnv(file: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const mirror = testProviderMirror(env);
  return { ...env, TF_CLI_CONFIG_FILE: writeMirrorCliConfig(file, mirror, PROVIDER_MIRROR_VARIABLE), CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
}

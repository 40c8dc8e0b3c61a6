import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Offline Terraform: a CLI config that installs providers only from a filesystem mirror.
 * The mirror folder comes from COMPOSE2ECS_PROVIDER_MIRROR (or TF_PLUGIN_MIRROR), else it is
 * found as the parent of a `registry.terraform.io` folder near the file-system root, which is
 * where this machine image and `terraform providers mirror` put it.
 */

const MIRROR_ENV_VARS = ["COMPOSE2ECS_PROVIDER_MIRROR", "TF_PLUGIN_MIRROR"] as const;
const SEARCH_ROOTS = ["/opt", "/usr/share", "/usr/local/share", "/usr/local/lib", "/var/lib", "/srv", "/root", "/home"];

export class MissingToolError extends Error {}

function hasRegistryDir(dir: string): boolean {
  try {
    return statSync(join(dir, "registry.terraform.io")).isDirectory();
  } catch {
    return false;
  }
}

/** Finds the provider mirror folder, or throws saying how to provide one. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string {
  for (const name of MIRROR_ENV_VARS) {
    const value = env[name];
    if (value) {
      if (!hasRegistryDir(value)) {
        throw new MissingToolError(`${name}=${value} has no registry.terraform.io folder: it must be a Terraform provider mirror (see \`terraform providers mirror\`).`);
      }
      return value;
    }
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
    "No Terraform provider mirror found. Set COMPOSE2ECS_PROVIDER_MIRROR to a folder made by " +
      "`terraform providers mirror DIR` (it holds registry.terraform.io/hashicorp/aws/5.100.0/...).",
  );
}

/** The CLI config text: providers only from the mirror, no checkpoint calls. */
export function cliConfigText(mirror: string): string {
  return [
    "disable_checkpoint = true",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Writes the CLI config to `file` and returns the environment to run terraform with. */
export function writeCliConfig(file: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const mirror = findProviderMirror(env);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, cliConfigText(mirror));
  return { ...env, TF_CLI_CONFIG_FILE: file, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
}

/** Throws a MissingToolError unless `terraform` is on PATH. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = (env.PATH ?? "").split(":").filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, "terraform");
    if (existsSync(candidate)) return candidate;
  }
  throw new MissingToolError(
    "terraform is not on PATH. Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) and re-run.",
  );
}

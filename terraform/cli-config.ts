import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * How compose2ecs runs terraform: with the user's own configuration. Terraform finds providers
 * the way it does for the user at a shell (TF_CLI_CONFIG_FILE, ~/.terraformrc, the public
 * registry, HCP Terraform credentials); compose2ecs never replaces that configuration. Only
 * when asked (`--provider-mirror DIR` or COMPOSE2ECS_PROVIDER_MIRROR, for machines without
 * registry access) does it write a CLI config of its own, and only when the user has none set.
 */

export class MissingToolError extends Error {}

/** The provider mirror and the user's TF_CLI_CONFIG_FILE were both given explicitly: compose2ecs will not pick one. */
export class TerraformSetupError extends Error {}

/** The variable that opts in to a provider mirror, as `--provider-mirror` does. */
export const PROVIDER_MIRROR_VARIABLE = "COMPOSE2ECS_PROVIDER_MIRROR";

export interface TerraformSetupRequest {
  /** The process environment terraform runs with (the user's credentials and settings). */
  readonly envVars: NodeJS.ProcessEnv;
  /** `--provider-mirror DIR`. @default COMPOSE2ECS_PROVIDER_MIRROR, else none: the user's configuration */
  readonly providerMirror?: string;
  /** Where a mirror CLI config may be written (a folder compose2ecs owns). */
  readonly workDir: string;
}

export interface TerraformSetup {
  /** The environment to run terraform with. */
  readonly env: NodeJS.ProcessEnv;
  /** A sentence for the user when a setting was ignored, else undefined. */
  readonly note?: string;
}

/**
 * The environment terraform runs with. The user's TF_CLI_CONFIG_FILE is used as it is (never
 * rewritten or replaced); a provider mirror is used only when asked for, and then only through a
 * CLI config written to `workDir`.
 */
export async function terraformSetup(request: TerraformSetupRequest): Promise<TerraformSetup> {
  const env: NodeJS.ProcessEnv = { ...request.envVars, TF_IN_AUTOMATION: "1" };
  const fromVariable = nonEmpty(request.envVars[PROVIDER_MIRROR_VARIABLE]);
  const mirror = nonEmpty(request.providerMirror) ?? fromVariable;
  // A TF_CLI_CONFIG_FILE naming no file configures nothing (terraform only warns about it), so a
  // mirror asked for may be used; one that exists is the user's and is never replaced.
  const userConfig = nonEmpty(request.envVars.TF_CLI_CONFIG_FILE);
  if (userConfig !== undefined && (mirror === undefined || existsSync(userConfig))) {
    if (request.providerMirror !== undefined) {
      throw new TerraformSetupError(
        `--provider-mirror and TF_CLI_CONFIG_FILE=${userConfig} are both set: compose2ecs does not replace your terraform CLI config; ` +
          "add the mirror to that file (provider_installation) or unset TF_CLI_CONFIG_FILE",
      );
    }
    return fromVariable !== undefined
      ? { env, note: `TF_CLI_CONFIG_FILE=${userConfig} is set, so terraform uses it; ${PROVIDER_MIRROR_VARIABLE} is ignored` }
      : { env };
  }
  if (mirror === undefined) return { env };
  // The mirror is a fact of offline machines (the tests, the demo without network): its config
  // is written by code loaded only on request.
  const { writeMirrorCliConfig } = await import("../testing/provider-mirror");
  const source = request.providerMirror !== undefined ? "--provider-mirror" : PROVIDER_MIRROR_VARIABLE;
  return { env: { ...env, TF_CLI_CONFIG_FILE: writeMirrorCliConfig(join(request.workDir, "terraform-mirror.rc"), mirror, source) } };
}

/** Throws a MissingToolError unless `terraform` is on PATH. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = (env.PATH ?? "").split(":").filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, "terraform");
    if (existsSync(candidate)) return candidate;
  }
  throw new MissingToolError("terraform is not on PATH. Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) and re-run.");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

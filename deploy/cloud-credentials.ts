import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Whether terraform will find credentials for an HCP Terraform (or Terraform Enterprise) host,
 * the places terraform itself looks: a TF_TOKEN_<host> variable, a `credentials "<host>"` block
 * or a `credentials_helper` in the CLI config (TF_CLI_CONFIG_FILE, else ~/.terraformrc), or
 * ~/.terraform.d/credentials.tfrc.json (`terraform login`). Checked before anything is
 * synthesized or applied, so a missing login is one clear sentence instead of a failed init.
 */

/** The variable terraform reads a host's token from: dots become `_`, dashes `__`. */
export function tokenVariable(hostname: string): string {
  return `TF_TOKEN_${hostname.replace(/-/g, "__").replace(/\./g, "_")}`;
}

function mentionsCredentials(file: string, hostname: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return false;
  }
  return text.includes("credentials_helper") || new RegExp(`credentials\\s+"${hostname.replace(/[.]/g, "\\.")}"`).test(text);
}

export function hasCloudCredentials(hostname: string, envVars: NodeJS.ProcessEnv): boolean {
  const token = envVars[tokenVariable(hostname)];
  if (token !== undefined && token.trim() !== "") return true;
  const home = envVars.HOME ?? homedir();
  const config = envVars.TF_CLI_CONFIG_FILE ?? join(home, ".terraformrc");
  if (mentionsCredentials(config, hostname)) return true;
  const stored = join(home, ".terraform.d", "credentials.tfrc.json");
  if (!existsSync(stored)) return false;
  try {
    const json = JSON.parse(readFileSync(stored, "utf8")) as { credentials?: Record<string, unknown> };
    return json.credentials?.[hostname] !== undefined;
  } catch {
    return false;
  }
}

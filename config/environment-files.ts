import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { displayPath } from "../compose/diagnostics";
import { Diagnostic } from "../compose/model";

/** Which file `environments/<name>.yml` is: name rules, lookup, and the list of environments. */

/** Environment names become parts of AWS names, stack names and state keys: short and DNS-safe. */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z](?:[a-z0-9]|-(?!-)){0,14}[a-z0-9]$/;
export const MAX_ENVIRONMENT_NAME_LENGTH = 16;

const ENVIRONMENTS_DIR = "environments";

/** The environment name from `--env`, else COMPOSE2ECS_ENV; undefined when neither is set. */
export function environmentNameFrom(flag: string | undefined, envVars: NodeJS.ProcessEnv): string | undefined {
  const name = flag ?? envVars.COMPOSE2ECS_ENV;
  return name === undefined || name.trim() === "" ? undefined : name.trim();
}

/** The environment files in `<projectDir>/environments`, by name. */
export function listEnvironments(projectDir: string): readonly string[] {
  let names: string[];
  try {
    names = readdirSync(join(projectDir, ENVIRONMENTS_DIR));
  } catch {
    return [];
  }
  const envs = names.filter((n) => /\.ya?ml$/.test(n)).map((n) => n.replace(/\.ya?ml$/, ""));
  return [...new Set(envs)].sort();
}

/** The one file of environment `name`, or why there is none. */
export function findEnvironmentFile(name: string, projectDir: string): { readonly file: string } | { readonly diagnostics: Diagnostic[] } {
  if (!ENVIRONMENT_NAME_PATTERN.test(name)) {
    return {
      diagnostics: [
        fileProblem(
          `environment name "${name}" is not valid: it becomes part of AWS names, so use 2-${MAX_ENVIRONMENT_NAME_LENGTH} characters, ` +
            "lower-case letters, digits and single dashes, starting with a letter",
        ),
      ],
    };
  }
  const candidates = [`${name}.yml`, `${name}.yaml`].map((f) => join(projectDir, ENVIRONMENTS_DIR, f)).filter((f) => existsSync(f));
  if (candidates.length === 0) {
    const known = listEnvironments(projectDir);
    const where = join(projectDir, ENVIRONMENTS_DIR);
    return {
      diagnostics: [
        fileProblem(
          `environment "${name}" not found: there is no ${ENVIRONMENTS_DIR}/${name}.yml in ${projectDir}` +
            (known.length > 0 ? ` (environments: ${known.join(", ")})` : ` (${where} has no environment files)`),
        ),
      ],
    };
  }
  if (candidates.length > 1) {
    return { diagnostics: [fileProblem(`environment "${name}" is defined twice: ${candidates.map((f) => displayPath(f)).join(" and ")}; keep one`)] };
  }
  return { file: candidates[0] };
}

function fileProblem(message: string): Diagnostic {
  return { severity: "error", path: "", message };
}

import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { MissingToolError } from "../terraform/cli-config";

/**
 * Offline terraform: a CLI config that installs providers only from a filesystem mirror (a
 * folder made by `terraform providers mirror`). For machines without registry access: the
 * tests, and `up`/`down`/`demo`/`branches gc` only when the user asks for it
 * (`--provider-mirror DIR` or COMPOSE2ECS_PROVIDER_MIRROR; terraform/cli-config.ts loads this
 * module only then).
 */

/** Throws a MissingToolError unless `dir` is a provider mirror; `source` names where it came from. */
export function checkProviderMirror(dir: string, source: string): void {
  let ok: boolean;
  try {
    ok = statSync(join(dir, "registry.terraform.io")).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new MissingToolError(
      `${source} ${dir} has no registry.terraform.io folder: it must be a Terraform provider mirror (made by \`terraform providers mirror DIR\`).`,
    );
  }
}

/** The CLI config text: providers only from the mirror, no checkpoint calls. */
export function mirrorCliConfigText(mirror: string): string {
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

/** Checks the mirror, writes the CLI config to `file` and returns `file`. */
export function writeMirrorCliConfig(file: string, mirror: string, source: string): string {
  checkProviderMirror(mirror, source);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, mirrorCliConfigText(mirror));
  return file;
}

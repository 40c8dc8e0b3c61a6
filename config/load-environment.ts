import { displayPath, sortDiagnostics } from "../compose/diagnostics";
import { readText } from "../compose/files";
import { Diagnostic } from "../compose/model";
import { schemaPattern } from "../schema/schema-options";
import { buildEnvironment } from "./build-environment";
import { EnvironmentDocument } from "./environment-document";
import { findEnvironmentFile } from "./environment-files";
import { EnvironmentConfig } from "./environment-model";

/**
 * Loads `<projectDir>/environments/<name>.yml`: the file is found (config/environment-files.ts),
 * checked against schema/environment.schema.json with source positions
 * (config/environment-document.ts), and built into an EnvironmentConfig with the defaults of
 * config/defaults.ts (config/build-environment.ts). All problems of a file are reported in one
 * run, each with file, line, column and key path.
 */

export { MAX_ENVIRONMENT_NAME_LENGTH, environmentNameFrom } from "./environment-files";

export interface LoadedEnvironment {
  readonly env?: EnvironmentConfig;
  readonly diagnostics: Diagnostic[];
}

/** Docker image tag grammar (the distribution spec), as the schema states it: also used for --image-tag. */
export const IMAGE_TAG = schemaPattern("/$defs/imageTag");

export function loadEnvironment(name: string, projectDir: string): LoadedEnvironment {
  const found = findEnvironmentFile(name, projectDir);
  if ("diagnostics" in found) return { diagnostics: found.diagnostics };
  // Read as every input is: regular files only, at most 10 MiB (a FIFO or a device never hangs synth).
  const read = readText(found.file);
  if (!("text" in read))
    return {
      diagnostics: [
        {
          severity: "error",
          path: "",
          message: `environment file ${displayPath(found.file)}: ${read.problem}`,
          location: { file: displayPath(found.file), line: 1, col: 1 },
        },
      ],
    };
  return parseEnvironment(name, read.text, displayPath(found.file));
}

/** Parses and validates the text of an environment file; `file` is used in messages only. */
export function parseEnvironment(name: string, text: string, file: string): LoadedEnvironment {
  const { document, diagnostics } = EnvironmentDocument.parse(text, file);
  if (document === undefined) return { diagnostics };
  const env = buildEnvironment(name, document);
  const sorted = sortDiagnostics(document.diagnostics);
  return document.hasErrors() ? { diagnostics: sorted } : { env, diagnostics: sorted };
}

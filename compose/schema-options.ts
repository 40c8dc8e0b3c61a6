import type { Options } from "ajv";

/**
 * One set of ajv options for the run-time compile and the build-time standalone validator
 * (scripts/build-schema-validator.js), so both accept exactly the same documents.
 * The official schema is draft-07 but names it by an https URL ajv does not know; the
 * meta-schema check adds nothing for a schema we ship, and formats (duration, ...) are
 * checked by the normaliser with better messages. The code optimiser and ref inlining more
 * than double compile time while validation stays as fast.
 */
export const COMPOSE_AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  validateSchema: false,
  validateFormats: false,
  inlineRefs: false,
  code: { optimize: false },
};

/** Read on demand: the pre-built validator does not need the 100 KB schema at run time. */
export function composeSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = require("./schema/compose-spec.json") as Record<string, unknown>;
  return schema;
}

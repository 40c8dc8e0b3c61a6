import type { ValidateFunction } from "ajv";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SchemaProblem, schemaProblems } from "./problems";
import { SCHEMA_AJV_OPTIONS, SCHEMA_EXPORTS, SchemaName, addSchemaAnnotations } from "./schema-options";

/**
 * Validators for schema/environment.schema.json, made once per process and only when first
 * used. The build pre-compiles them (scripts/build-schema-validator.js, ajv standalone code);
 * from sources (tests) they are compiled here with the same options.
 */
let compiled: Readonly<Record<SchemaName, ValidateFunction>> | undefined;

/** The pre-built module's name, next to this file in dist/schema/. */
export const PREBUILT_VALIDATORS = "environment-validators.js";

function validators(): Readonly<Record<SchemaName, ValidateFunction>> {
  if (compiled === undefined) {
    // Next to this file in dist/schema/, or below the bundle in dist/ (scripts/bundle.js).
    const prebuilt = [join(__dirname, PREBUILT_VALIDATORS), join(__dirname, "schema", PREBUILT_VALIDATORS)].find(existsSync);
    compiled = prebuilt !== undefined ? (require(prebuilt) as Record<SchemaName, ValidateFunction>) : compileAtRunTime();
  }
  return compiled;
}

/** Loaded only without the pre-built validators: ajv itself is ~60 modules to load. */
function compileAtRunTime(): Record<SchemaName, ValidateFunction> {
  const Ajv = (require("ajv") as typeof import("ajv")).default;
  const ajv = addSchemaAnnotations(new Ajv(SCHEMA_AJV_OPTIONS));
  const out: Partial<Record<SchemaName, ValidateFunction>> = {};
  for (const name of Object.keys(SCHEMA_EXPORTS) as SchemaName[]) {
    const validate = ajv.getSchema(SCHEMA_EXPORTS[name]);
    if (validate === undefined) throw new Error(`schema/environment.schema.json has no ${SCHEMA_EXPORTS[name]}`);
    out[name] = validate;
  }
  return out as Record<SchemaName, ValidateFunction>;
}

/** Every problem `value` has against the named schema, worded for users (schema/problems.ts). */
export function validateAgainst(name: SchemaName, value: unknown): SchemaProblem[] {
  const validate = validators()[name];
  return validate(value) ? [] : schemaProblems(validate.errors ?? [], value);
}

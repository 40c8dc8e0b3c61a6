import type Ajv from "ajv";
import type { Options } from "ajv";

/**
 * One set of ajv options for the run-time compile and the build-time standalone validator
 * (scripts/build-schema-validator.js), so both judge every document alike. `verbose` puts
 * the failing schema and value on each error: the messages (schema/problems.ts) are written
 * from them. Formats are annotations here; what a format means is checked in code.
 */
export const SCHEMA_AJV_OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  strict: true,
  allowUnionTypes: true,
  validateFormats: false,
  inlineRefs: false,
  code: { optimize: false },
};

/** Name the environment schema is registered under; the exports below are refs into it. */
const ENVIRONMENT = "environment";

/** The validators compose2ecs uses, by export name: the whole file, and the `x-ecs` shape it shares with compose. */
export const SCHEMA_EXPORTS = {
  environment: ENVIRONMENT,
  serviceOverride: `${ENVIRONMENT}#/$defs/serviceOverride`,
} as const;

export type SchemaName = keyof typeof SCHEMA_EXPORTS;

/** Read on demand: the pre-built validator does not need the schema file at run time. */
export function environmentSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = require("./environment.schema.json") as Record<string, unknown>;
  return schema;
}

/**
 * The schema's own annotations: `x-expected` names what a string must be ("an AWS region
 * such as eu-west-1"), `x-message` words a rule's error where the generic one would not do
 * (a string for every rule of that schema, or a mapping from ajv keyword to message).
 */
export function addSchemaAnnotations(ajv: Ajv): Ajv {
  ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
  ajv.addKeyword({ keyword: "x-message", schemaType: ["string", "object"] });
  ajv.addFormat("ipv4-cidr", true);
  ajv.addSchema(environmentSchema(), ENVIRONMENT);
  return ajv;
}

/**
 * The `pattern` of the schema at `pointer` (a JSON pointer such as `/$defs/imageTag`), for code
 * that checks the same thing outside a file (a flag) or tests against it.
 */
export function schemaPattern(pointer: string): RegExp {
  let node: unknown = environmentSchema();
  for (const key of pointer.split("/").slice(1)) {
    node = typeof node === "object" && node !== null ? (node as Readonly<Record<string, unknown>>)[key] : undefined;
  }
  const pattern = typeof node === "object" && node !== null ? (node as Readonly<Record<string, unknown>>).pattern : undefined;
  if (typeof pattern !== "string") throw new Error(`schema/environment.schema.json has no pattern at ${pointer}`);
  return new RegExp(pattern, "u");
}

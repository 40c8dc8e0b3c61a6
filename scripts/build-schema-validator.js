#!/usr/bin/env node
/**
 * Build step: compiles the JSON Schemas once, with ajv's standalone code generation.
 * - The Compose Specification schema into dist/compose/schema/compose-validator.js. Compiling
 *   the 1,900-line schema at run time costs ~100 ms per process, a third of a small synth;
 *   loading the generated module costs ~10 ms.
 * - compose2ecs's environment schema (schema/environment.schema.json) into
 *   dist/schema/environment-validators.js, exporting `environment` and `serviceOverride`
 *   (the `x-ecs` shape), so neither synth nor check loads ajv.
 * The loaders use these when present and compile at run time otherwise (tests run from
 * sources), with the same options (COMPOSE_AJV_OPTIONS, SCHEMA_AJV_OPTIONS).
 */
const { mkdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const Ajv = require("ajv").default;
const standaloneCode = require("ajv/dist/standalone").default;
const { COMPOSE_AJV_OPTIONS, composeSchema } = require("../dist/compose/schema-options");
const { SCHEMA_AJV_OPTIONS, SCHEMA_EXPORTS, addSchemaAnnotations } = require("../dist/schema/schema-options");
const { PREBUILT_VALIDATORS } = require("../dist/schema/validators");

const withSource = (options) => ({ ...options, code: { ...options.code, source: true } });

const compose = new Ajv(withSource(COMPOSE_AJV_OPTIONS));
const validate = compose.compile(composeSchema());
const composeOut = join(__dirname, "..", "dist", "compose", "schema");
mkdirSync(composeOut, { recursive: true });
writeFileSync(join(composeOut, "compose-validator.js"), standaloneCode(compose, validate));

const environment = addSchemaAnnotations(new Ajv(withSource(SCHEMA_AJV_OPTIONS)));
const environmentOut = join(__dirname, "..", "dist", "schema");
mkdirSync(environmentOut, { recursive: true });
writeFileSync(join(environmentOut, PREBUILT_VALIDATORS), standaloneCode(environment, SCHEMA_EXPORTS));

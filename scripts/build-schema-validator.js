#!/usr/bin/env node
/**
 * Build step: compiles the Compose Specification schema once, with ajv's standalone code
 * generation, into dist/compose/schema/compose-validator.js. Compiling the 1,900-line schema
 * at run time costs ~100 ms per process, a third of a small synth; loading the generated
 * module costs ~10 ms. compose/validate-schema.ts uses it when present and compiles at run
 * time otherwise (tests run from sources), with the same options (COMPOSE_AJV_OPTIONS).
 */
const { mkdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const Ajv = require("ajv").default;
const standaloneCode = require("ajv/dist/standalone").default;
const { COMPOSE_AJV_OPTIONS, composeSchema } = require("../dist/compose/schema-options");

const ajv = new Ajv({ ...COMPOSE_AJV_OPTIONS, code: { ...COMPOSE_AJV_OPTIONS.code, source: true } });
const validate = ajv.compile(composeSchema());
const out = join(__dirname, "..", "dist", "compose", "schema");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "compose-validator.js"), standaloneCode(ajv, validate));

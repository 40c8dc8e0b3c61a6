import type { ErrorObject, ValidateFunction } from "ajv";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { error } from "./diagnostics";
import { Diagnostic, JsonValue } from "./model";
import { ComposePath, PathSegment, RawNode, formatPath, locate, toPlain } from "./raw";
import { COMPOSE_AJV_OPTIONS, composeSchema } from "./schema-options";

/**
 * The validator is made once per process, and only when a file is validated (commands that
 * never load compose files do not pay). The build pre-compiles it (scripts/build-schema-validator.js);
 * from sources (tests) it is compiled here with the same options.
 */
let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    // Next to this file in dist/compose/, or below the bundle in dist/ (scripts/bundle.js).
    const prebuilt = [join(__dirname, "schema", "compose-validator.js"), join(__dirname, "compose", "schema", "compose-validator.js")].find(existsSync);
    compiled = prebuilt !== undefined ? (require(prebuilt) as { default: ValidateFunction }).default : compileAtRunTime();
  }
  return compiled;
}

/** Loaded only without the pre-built validator: ajv itself is ~60 modules to load. */
function compileAtRunTime(): ValidateFunction {
  const Ajv = (require("ajv") as typeof import("ajv")).default;
  return new Ajv(COMPOSE_AJV_OPTIONS).compile(composeSchema());
}

/**
 * Stage 4 (part): validates one file's tree against the Compose Specification schema and
 * turns ajv's errors into one message per problem with its compose path and line, e.g.
 * `services.web.ports[0].target: must be an integer or a string`.
 */
export function validateSchema(root: RawNode): Diagnostic[] {
  const validate = validator();
  const plain = toPlain(root);
  if (validate(plain)) return [];
  return translateErrors(validate.errors ?? [], plain).map((p) => error(p.message, formatPath(p.path), locate(root, p.path, p.atKey)));
}

interface Problem {
  readonly path: ComposePath;
  readonly message: string;
  /** Point at the key rather than its value (unknown keys). */
  readonly atKey: boolean;
  readonly keyword: string;
}

function toSegments(instancePath: string): PathSegment[] {
  if (instancePath === "") return [];
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(root: JsonValue, path: ComposePath): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = Array.isArray(node) ? (node as readonly JsonValue[])[Number(segment)] : (node as Readonly<Record<string, JsonValue>>)[String(segment)];
  }
  return node;
}

function describe(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
  null: "null",
};

/** Top-level sections whose keys are names (the schema's `^[a-zA-Z0-9._-]+$`), by what they name. */
const NAMED_SECTIONS: Readonly<Record<string, string>> = {
  services: "service",
  networks: "network",
  volumes: "volume",
  secrets: "secret",
  configs: "config",
};

/**
 * ajv reports every failed branch of a oneOf. The useful message is the one from the branch
 * the value was meant for: errors deeper in the value win over type mismatches at the
 * value itself, and the remaining type mismatches at one place are said together.
 */
export function translateErrors(errors: readonly ErrorObject[], root: JsonValue): Problem[] {
  const problems: Problem[] = [];
  for (const e of errors) {
    const path = toSegments(e.instancePath);
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case "additionalProperties": {
        const key = String(params.additionalProperty);
        const where = path.length === 0 ? "at the top level" : `in ${formatPath(path)}`;
        const kind = path.length === 1 ? NAMED_SECTIONS[String(path[0])] : undefined;
        // These sections take any name matching the schema's pattern, so the key is a bad name, not an unknown key.
        const message = kind !== undefined ? `invalid ${kind} name "${key}": use only letters, digits, ".", "_" and "-"` : `unknown key "${key}" ${where}`;
        problems.push({ path: [...path, key], message, atKey: true, keyword: e.keyword });
        break;
      }
      case "required":
        problems.push({ path, message: `missing required key "${String(params.missingProperty)}"`, atKey: false, keyword: e.keyword });
        break;
      case "type": {
        const types = Array.isArray(params.type) ? (params.type as string[]) : String(params.type).split(",");
        problems.push({ path, message: types.join("|"), atKey: false, keyword: e.keyword });
        break;
      }
      case "enum":
        problems.push({
          path,
          message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${describe(valueAt(root, path))}`,
          atKey: false,
          keyword: e.keyword,
        });
        break;
      case "oneOf":
      case "anyOf":
      case "if":
      case "then":
      case "else":
        problems.push({ path, message: "", atKey: false, keyword: e.keyword });
        break;
      case "uniqueItems":
        problems.push({
          path,
          message: `must not contain duplicates (items ${String(params.j)} and ${String(params.i)} are equal)`,
          atKey: false,
          keyword: e.keyword,
        });
        break;
      case "pattern":
        problems.push({
          path,
          message: `must match the pattern ${String(params.pattern)}, got ${describe(valueAt(root, path))}`,
          atKey: false,
          keyword: e.keyword,
        });
        break;
      case "propertyNames":
        break;
      default:
        problems.push({ path, message: `${e.message ?? e.keyword}, got ${describe(valueAt(root, path))}`, atKey: false, keyword: e.keyword });
    }
  }
  return simplify(problems, root);
}

function key(path: ComposePath): string {
  return JSON.stringify(path);
}

function isUnder(path: ComposePath, prefix: ComposePath): boolean {
  return path.length > prefix.length && prefix.every((s, i) => path[i] === s);
}

function simplify(problems: readonly Problem[], root: JsonValue): Problem[] {
  const concrete = problems.filter((p) => !["oneOf", "anyOf", "if", "then", "else"].includes(p.keyword));
  const out: Problem[] = [];
  const typeGroups = new Map<string, { path: ComposePath; types: Set<string> }>();
  for (const p of concrete) {
    const hasDeeper = concrete.some((other) => other !== p && isUnder(other.path, p.path));
    if (p.keyword === "type") {
      if (hasDeeper) continue;
      const group = typeGroups.get(key(p.path)) ?? { path: p.path, types: new Set<string>() };
      for (const t of p.message.split("|")) group.types.add(t);
      typeGroups.set(key(p.path), group);
      continue;
    }
    out.push(p);
  }
  for (const group of typeGroups.values()) {
    // A value that also failed an enum/pattern at the same place was the right type.
    if (out.some((p) => key(p.path) === key(group.path))) continue;
    const names = [...group.types].map((t) => TYPE_NAMES[t] ?? t);
    const list = names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
    out.push({ path: group.path, message: `must be ${list}, got ${describe(valueAt(root, group.path))}`, atKey: false, keyword: "type" });
  }
  // A oneOf that failed with nothing more specific (e.g. several branches matched).
  for (const p of problems) {
    if (p.keyword !== "oneOf" && p.keyword !== "anyOf") continue;
    if (out.some((o) => key(o.path) === key(p.path) || isUnder(o.path, p.path))) continue;
    out.push({ ...p, message: `has an invalid value: ${describe(valueAt(root, p.path))}` });
  }
  const seen = new Set<string>();
  return out.filter((p) => {
    const k = `${key(p.path)}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

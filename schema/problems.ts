import type { ErrorObject } from "ajv";

/**
 * ajv's errors for compose2ecs's own schemas (environment files, `x-ecs`), as one message per
 * problem in the words users already know: `not a CIDR: "office"`, `unknown key (did you mean
 * region?); allowed: ...`, `must be between 0 and 1000, got -1`. The messages are made from
 * the failing schema itself (`verbose` errors): what a string must be (`x-expected`), ranges,
 * enums and the allowed keys; `x-message` words a rule whose generic message would not do.
 */

export type Segment = string | number;
export type Path = readonly Segment[];

export interface SchemaProblem {
  /** Path of the offending value (or key) from the validated document's root. */
  readonly path: Path;
  readonly message: string;
  /** Point at the key rather than its value (unknown, missing or refused keys, bad key names). */
  readonly atKey: boolean;
}

type Schema = Readonly<Record<string, unknown>>;

/** ajv keywords that only say "a sub-schema failed"; the sub-schema's own error says what. */
const WRAPPERS = new Set(["if", "then", "else", "allOf", "anyOf", "oneOf", "propertyNames"]);

/** `root` is the validated value: it tells list indexes from mapping keys that look like numbers. */
export function schemaProblems(errors: readonly ErrorObject[], root: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const e of errors) {
    if (WRAPPERS.has(e.keyword)) continue;
    out.push(...problemsOf(e, toPath(e.instancePath, root)));
  }
  const seen = new Set<string>();
  return out.filter((p) => {
    const key = `${JSON.stringify(p.path)}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function problemsOf(e: ErrorObject, base: Path): SchemaProblem[] {
  const schema: Schema = isRecord(e.parentSchema) ? e.parentSchema : {};
  const params = e.params as Readonly<Record<string, unknown>>;
  const data: unknown = e.data;
  const custom = customMessage(schema, e.keyword);
  // Errors of a propertyNames sub-schema are about one key of the mapping at `base`.
  if (typeof e.propertyName === "string") {
    return [
      {
        path: [...base, e.propertyName],
        message: fill(custom ?? genericMessage(e.keyword, schema, params, e.propertyName), e.propertyName, params),
        atKey: true,
      },
    ];
  }
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const allowed = allowedKeys(schema);
      const hint = closest(key, allowed);
      return [{ path: [...base, key], message: `unknown key${hint ? ` (did you mean ${hint}?)` : ""}; allowed: ${allowed.join(", ")}`, atKey: true }];
    }
    case "required":
      return [{ path: base, message: fill(custom ?? "{missing} is required", data, params), atKey: true }];
    case "maxProperties":
    case "minProperties":
      return [{ path: base, message: fill(custom ?? genericMessage(e.keyword, schema, params, data), data, params), atKey: true }];
    case "uniqueItems":
      return duplicates(data).map(({ index, first }) => ({
        path: [...base, index],
        message: custom ?? `duplicates item ${first} (${JSON.stringify((data as readonly unknown[])[index])})`,
        atKey: false,
      }));
    case "not":
      // `not: {}` refuses a key outright: point at the key.
      return [
        { path: base, message: fill(custom ?? "is not allowed here", data, params), atKey: isRecord(schema.not) && Object.keys(schema.not).length === 0 },
      ];
    default:
      return [{ path: base, message: fill(custom ?? genericMessage(e.keyword, schema, params, data), data, params), atKey: false }];
  }
}

function genericMessage(keyword: string, schema: Schema, params: Readonly<Record<string, unknown>>, data: unknown): string {
  const what = typeof schema["x-expected"] === "string" ? schema["x-expected"] : "a string";
  switch (keyword) {
    case "type":
      return typeMessage(schema, data);
    case "enum":
      return `must be one of ${(params.allowedValues as readonly unknown[]).map(String).join(", ")}, got {value}`;
    case "const":
      return `must be ${JSON.stringify(params.allowedValue)}, got {value}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `${rangeText(schema) ?? `must be ${String(params.comparison)} ${String(params.limit)}`}, got {value}`;
    case "pattern":
    case "minLength":
    case "maxLength":
    case "format":
      return `not ${what}: {value}${hint(schema, data)}`;
    case "minItems":
      return `needs at least {limit} item${params.limit === 1 ? "" : "s"}, got {count}`;
    case "maxItems":
      return "allows at most {limit} items, got {count}";
    case "minProperties":
      return "needs at least {limit} keys, got {count}";
    case "maxProperties":
      return "has {count} keys; at most {limit}";
    default:
      return `is not valid (${keyword}), got {value}`;
  }
}

function typeMessage(schema: Schema, data: unknown): string {
  const types = Array.isArray(schema.type) ? (schema.type as readonly string[]) : [String(schema.type)];
  const [first] = types;
  if (types.length > 1) return `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(" or ")}, got {value}`;
  switch (first) {
    case "object": {
      const keys = schema.additionalProperties === false ? allowedKeys(schema) : [];
      return `must be a mapping${keys.length > 0 ? ` with keys ${keys.join(", ")}` : ""}, got {value}`;
    }
    case "integer": {
      const range = rangeText(schema)?.replace(/^must be /, " ") ?? "";
      return `must be a whole number${range}, got {value}`;
    }
    case "string":
      return `must be ${typeof schema["x-expected"] === "string" ? schema["x-expected"] : "a string"}, got {value}${typeof data === "number" || typeof data === "boolean" ? " (quote it to make it a string)" : ""}`;
    default:
      return `must be ${TYPE_NAMES[first ?? ""] ?? first}, got {value}`;
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
  null: "nothing",
};

function rangeText(schema: Schema): string | undefined {
  const min = typeof schema.minimum === "number" ? schema.minimum : undefined;
  const max = typeof schema.maximum === "number" ? schema.maximum : undefined;
  if (min !== undefined && max !== undefined) return `must be between ${min} and ${max}`;
  if (min !== undefined) return `must be at least ${min}`;
  if (max !== undefined) return `must be at most ${max}`;
  return undefined;
}

/** Extra words for a value that looks like something else the user may have meant. */
function hint(schema: Schema, data: unknown): string {
  if (schema.format === "ipv4-cidr" && typeof data === "string" && data.includes(":")) return " (IPv6 is not supported: the load balancer and VPC are IPv4)";
  return "";
}

/** Keys a mapping schema allows, in the schema's order; a refused key (`not: {}`) is not offered. */
function allowedKeys(schema: Schema): string[] {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  return Object.keys(properties).filter((k) => {
    const p = properties[k];
    return !(isRecord(p) && isRecord(p.not) && Object.keys(p.not).length === 0);
  });
}

function customMessage(schema: Schema, keyword: string): string | undefined {
  const m = schema["x-message"];
  if (typeof m === "string") return m;
  if (isRecord(m) && typeof m[keyword] === "string") return m[keyword] as string;
  return undefined;
}

/** Placeholders: {value} the value as the user wrote it, {text} the bare text, {missing}, {limit}, {count}. */
function fill(template: string, data: unknown, params: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{(value|text|missing|limit|count)\}/g, (_m, name: string) => {
    switch (name) {
      case "value":
        return describe(data);
      case "text":
        return String(data);
      case "missing":
        return String(params.missingProperty);
      case "limit":
        return String(params.limit);
      default:
        return String(Array.isArray(data) ? data.length : isRecord(data) ? Object.keys(data).length : 0);
    }
  });
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

/** Every later copy of an earlier item (ajv names only the first pair). */
function duplicates(data: unknown): { index: number; first: number }[] {
  if (!Array.isArray(data)) return [];
  const texts = data.map((item) => JSON.stringify(item));
  return texts.flatMap((t, index) => (texts.indexOf(t) < index ? [{ index, first: texts.indexOf(t) }] : []));
}

function toPath(instancePath: string, root: unknown): Segment[] {
  if (instancePath === "") return [];
  const path: Segment[] = [];
  let node = root;
  for (const raw of instancePath.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const segment: Segment = Array.isArray(node) ? Number(key) : key;
    path.push(segment);
    node = Array.isArray(node) ? node[Number(key)] : isRecord(node) ? node[key] : undefined;
  }
  return path;
}

/** A known key one or two edits away from `key`, for "did you mean" hints. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return allowed.find((a) => a.toLowerCase() === lower) ?? allowed.find((a) => editDistance(a.toLowerCase(), lower) <= 2);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

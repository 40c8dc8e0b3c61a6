import { JsonObject, JsonValue, isJsonArray, isJsonObject, jsonEqual } from "./json";
import { forcesReplacement } from "./replacement-rules";

/** One changed leaf of a resource's arguments. */
export interface AttributeChange {
  /** `port`, `health_check[0].path`, `environment[REDIS_HOST].value`, `policy.Statement[0].Action`. */
  readonly path: string;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
  readonly forcesReplacement: boolean;
}

/** A container of a task definition, compared field by field (container_definitions decoded). */
export interface ContainerChange {
  readonly container: string;
  readonly kind: "added" | "removed" | "changed";
  readonly fields: readonly AttributeChange[];
}

export interface ResourceAttributeDiff {
  readonly attributes: readonly AttributeChange[];
  readonly containers: readonly ContainerChange[];
}

/** JSON documents stored as strings (IAM policies, container definitions): compared decoded. */
function decodeJsonString(value: string): JsonValue | undefined {
  const trimmed = value.trim();
  if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) return undefined;
  try {
    const parsed = JSON.parse(trimmed) as JsonValue;
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Arrays of objects that all carry a distinct string `name` (ECS environment, secrets, containers) keyed by it, so a reorder is no change. */
function namedElements(items: readonly JsonValue[]): ReadonlyMap<string, JsonObject> | undefined {
  if (items.length === 0) return undefined;
  const byName = new Map<string, JsonObject>();
  for (const item of items) {
    if (!isJsonObject(item) || typeof item.name !== "string" || byName.has(item.name)) return undefined;
    byName.set(item.name, item);
  }
  return byName;
}

function isScalarArray(items: readonly JsonValue[]): boolean {
  return items.every((item) => item === null || typeof item !== "object");
}

function join(prefix: string, key: string): string {
  return prefix === "" ? key : `${prefix}.${key}`;
}

/** Leaves of a JSON value by path; scalar arrays and empty containers are leaves. */
export function flatten(value: JsonValue, prefix = "", out: Map<string, JsonValue> = new Map()): Map<string, JsonValue> {
  if (typeof value === "string") {
    const decoded = decodeJsonString(value);
    if (decoded !== undefined && prefix !== "") return flatten(decoded, prefix, out);
    out.set(prefix, value);
  } else if (isJsonArray(value)) {
    const named = namedElements(value);
    if (value.length === 0 || isScalarArray(value)) out.set(prefix, value);
    else if (named !== undefined) for (const [name, item] of named) flatten(item, `${prefix}[${name}]`, out);
    else value.forEach((item, i) => flatten(item, `${prefix}[${i}]`, out));
  } else if (isJsonObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) out.set(prefix, value);
    for (const key of keys.sort()) {
      const child = value[key];
      if (child !== undefined) flatten(child, join(prefix, key), out);
    }
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** The shortest `...[key]` prefix of `path` that has no leaf on the other side: a whole element added or removed. */
function wholeElement(path: string, other: ReadonlyMap<string, JsonValue>): string | undefined {
  const otherPaths = [...other.keys()];
  for (let end = path.indexOf("]"); end >= 0; end = path.indexOf("]", end + 1)) {
    const prefix = path.slice(0, end + 1);
    if (!otherPaths.some((p) => p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`))) return prefix;
  }
  return undefined;
}

/** Leaves below `prefix` gathered back into one object, so an added list element reads as one line. */
function gather(prefix: string, leaves: ReadonlyMap<string, JsonValue>): JsonValue {
  const out: Record<string, JsonValue> = {};
  for (const [path, value] of leaves) {
    if (path.startsWith(`${prefix}.`)) out[path.slice(prefix.length + 1)] = value;
    else if (path.startsWith(`${prefix}[`)) out[path.slice(prefix.length)] = value;
    else if (path === prefix) return value;
  }
  return out;
}

function compareLeaves(
  before: ReadonlyMap<string, JsonValue>,
  after: ReadonlyMap<string, JsonValue>,
  isForceNew: (path: string) => boolean,
): AttributeChange[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: AttributeChange[] = [];
  const reported = new Set<string>();
  for (const path of paths) {
    const b = before.get(path);
    const a = after.get(path);
    if (jsonEqual(b, a)) continue;
    const element = b === undefined ? wholeElement(path, before) : a === undefined ? wholeElement(path, after) : undefined;
    if (element !== undefined) {
      if (reported.has(element)) continue;
      reported.add(element);
      const value = gather(element, b === undefined ? after : before);
      changes.push({ path: element, ...(b === undefined ? { after: value } : { before: value }), forcesReplacement: isForceNew(element) });
      continue;
    }
    changes.push({ path, ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}), forcesReplacement: isForceNew(path) });
  }
  return changes;
}

function containersOf(value: JsonValue | undefined): ReadonlyMap<string, JsonObject> | undefined {
  if (typeof value !== "string") return undefined;
  const decoded = decodeJsonString(value);
  if (!isJsonArray(decoded)) return undefined;
  return namedElements(decoded);
}

/** Containers compared by name; every field of a task definition is immutable, so every change forces a new revision. */
export function diffContainers(before: JsonValue | undefined, after: JsonValue | undefined): ContainerChange[] | undefined {
  const old = containersOf(before);
  const next = containersOf(after);
  if ((before !== undefined && old === undefined) || (after !== undefined && next === undefined)) return undefined;
  const names = [...new Set([...(old?.keys() ?? []), ...(next?.keys() ?? [])])].sort();
  const changes: ContainerChange[] = [];
  for (const container of names) {
    const b = old?.get(container);
    const a = next?.get(container);
    const fields = compareLeaves(b ? flatten(b) : new Map(), a ? flatten(a) : new Map(), () => true);
    if (fields.length === 0) continue;
    changes.push({ container, kind: b === undefined ? "added" : a === undefined ? "removed" : "changed", fields });
  }
  return changes;
}

/** Changed arguments of one resource (same address in both outputs). */
export function diffAttributes(type: string, before: JsonObject, after: JsonObject): ResourceAttributeDiff {
  const containers = diffContainers(before.container_definitions, after.container_definitions);
  const strip = (o: JsonObject): JsonObject => {
    if (containers === undefined) return o;
    const { container_definitions: _c, ...rest } = o;
    return rest;
  };
  const attributes = compareLeaves(flatten(strip(before)), flatten(strip(after)), (path) => forcesReplacement(type, path));
  if (containers !== undefined && containers.length > 0 && !forcesReplacement(type, "container_definitions")) {
    // Unknown resource type with container definitions: report the fields without claiming replacement.
    return { attributes, containers: containers.map((c) => ({ ...c, fields: c.fields.map((f) => ({ ...f, forcesReplacement: false })) })) };
  }
  return { attributes, containers: containers ?? [] };
}

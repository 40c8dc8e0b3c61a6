/**
 * The raw compose tree the loader stages pass to each other: YAML values that remember
 * where they came from. Stages (interpolate, merge, extends, include, profiles) build new
 * trees and never mutate one, so anchored nodes can be shared safely.
 */
import { JsonValue, SourceLocation } from "./model";

/** `!reset` removes the inherited value; `!override` replaces it without merging (Compose spec, merge.md). */
export type MergeTag = "!reset" | "!override";

export type ScalarValue = string | number | boolean | null;

interface RawBase {
  readonly loc?: SourceLocation;
  readonly tag?: MergeTag;
}

export interface RawScalar extends RawBase {
  readonly kind: "scalar";
  readonly value: ScalarValue;
  /** The text before interpolation, when interpolation changed it (for messages). */
  readonly template?: string;
}

export interface RawEntry {
  readonly key: string;
  readonly keyLoc?: SourceLocation;
  readonly value: RawNode;
}

export interface RawMap extends RawBase {
  readonly kind: "map";
  /** Insertion order is the file's order; keys are unique. */
  readonly entries: ReadonlyMap<string, RawEntry>;
}

export interface RawSeq extends RawBase {
  readonly kind: "seq";
  readonly items: readonly RawNode[];
}

export type RawNode = RawScalar | RawMap | RawSeq;

/** A compose path as segments: `["services", "web", "ports", 0]`. */
export type PathSegment = string | number;
export type ComposePath = readonly PathSegment[];

export function scalar(value: ScalarValue, loc?: SourceLocation): RawScalar {
  return loc === undefined ? { kind: "scalar", value } : { kind: "scalar", value, loc };
}

export function rawMap(entries: readonly RawEntry[], loc?: SourceLocation, tag?: MergeTag): RawMap {
  const map = new Map<string, RawEntry>();
  for (const e of entries) map.set(e.key, e);
  return { kind: "map", entries: map, ...(loc ? { loc } : {}), ...(tag ? { tag } : {}) };
}

export function rawSeq(items: readonly RawNode[], loc?: SourceLocation, tag?: MergeTag): RawSeq {
  return { kind: "seq", items, ...(loc ? { loc } : {}), ...(tag ? { tag } : {}) };
}

export function isMap(node: RawNode | undefined): node is RawMap {
  return node !== undefined && node.kind === "map";
}

export function isSeq(node: RawNode | undefined): node is RawSeq {
  return node !== undefined && node.kind === "seq";
}

export function isScalar(node: RawNode | undefined): node is RawScalar {
  return node !== undefined && node.kind === "scalar";
}

export function child(node: RawNode | undefined, key: PathSegment): RawNode | undefined {
  if (node === undefined) return undefined;
  if (typeof key === "number") return node.kind === "seq" ? node.items[key] : undefined;
  return node.kind === "map" ? node.entries.get(key)?.value : undefined;
}

export function getNode(root: RawNode | undefined, path: ComposePath): RawNode | undefined {
  let node = root;
  for (const segment of path) node = child(node, segment);
  return node;
}

/**
 * The best location for a path: the node itself, or the deepest ancestor that exists
 * (a missing key is reported at its parent). With `preferKey`, a map entry points at its key.
 */
export function locate(root: RawNode | undefined, path: ComposePath, preferKey = false): SourceLocation | undefined {
  let node = root;
  let best = root?.loc;
  for (let i = 0; i < path.length && node !== undefined; i++) {
    const segment = path[i];
    if (typeof segment === "string" && node.kind === "map") {
      const entry = node.entries.get(segment);
      if (entry === undefined) break;
      const isLast = i === path.length - 1;
      best = (isLast && preferKey ? entry.keyLoc : undefined) ?? entry.value.loc ?? entry.keyLoc ?? best;
      node = entry.value;
    } else {
      node = child(node, segment);
      if (node?.loc) best = node.loc;
    }
  }
  return best;
}

/** Plain JSON for schema validation and normalisation; `!reset` entries are dropped (nothing to reset). */
export function toPlain(node: RawNode): JsonValue {
  switch (node.kind) {
    case "scalar":
      return node.tag === "!reset" ? null : node.value;
    case "seq":
      return node.items.filter((item) => item.tag !== "!reset").map(toPlain);
    case "map": {
      const out: Record<string, JsonValue> = {};
      for (const [key, entry] of node.entries) {
        if (entry.value.tag === "!reset") continue;
        out[key] = toPlain(entry.value);
      }
      return out;
    }
  }
}

/** Builds a raw tree from plain data (for values the loader makes, e.g. canonical forms), all at one location. */
export function fromPlain(value: JsonValue | undefined, loc?: SourceLocation): RawNode {
  if (value === undefined || value === null || typeof value !== "object") return scalar(value ?? null, loc);
  if (Array.isArray(value))
    return rawSeq(
      (value as readonly JsonValue[]).map((v) => fromPlain(v, loc)),
      loc,
    );
  const entries = Object.entries(value as Record<string, JsonValue>).map(([key, v]) => ({ key, keyLoc: loc, value: fromPlain(v, loc) }));
  return rawMap(entries, loc);
}

/** A new map with one entry replaced (or added, or removed when `value` is undefined). */
export function withEntry(map: RawMap, key: string, value: RawNode | undefined): RawMap {
  const next = new Map(map.entries);
  if (value === undefined) next.delete(key);
  else next.set(key, { key, keyLoc: map.entries.get(key)?.keyLoc ?? value.loc, value });
  return { ...map, entries: next };
}

/** Renders `["services","web","ports",0]` as `services.web.ports[0]`; keys with dots are quoted. */
export function formatPath(path: ComposePath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[^.[\]"\s]+$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Inverse of formatPath for the paths this project makes. */
export function parsePath(text: string): ComposePath {
  const out: PathSegment[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== undefined) out.push(match[1]);
    else if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[3] !== undefined) out.push(JSON.parse(match[3]) as string);
  }
  return out;
}

/** Scalar as text, the way compose reads numbers and booleans written where strings are expected. */
export function scalarText(value: ScalarValue): string {
  return value === null ? "" : String(value);
}

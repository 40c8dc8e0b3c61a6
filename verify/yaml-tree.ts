import { Document, LineCounter, Node, isAlias, isMap, isScalar, isSeq, parseDocument } from "yaml";

/**
 * YAML to plain values for the verifier: anchors, aliases and `<<` merge keys resolved, every
 * string scalar passed through an interpolation function, and the line of every mapping key and
 * sequence item remembered beside the value (a WeakMap), so findings can say `file:line`.
 *
 * Compose's `!reset` and `!override` tags survive as markers the merge step understands.
 */

/** Where a value was written. */
export interface Located {
  readonly file: string;
  readonly line: number;
}

export type Tree = string | number | boolean | null | TreeMap | Tree[] | ResetMarker;
export interface TreeMap {
  [key: string]: Tree;
}

/** `!reset`: the key is removed by a later file or an extending service. */
export interface ResetMarker {
  readonly reset: true;
}
export const RESET: ResetMarker = Object.freeze({ reset: true });

export function isReset(value: unknown): value is ResetMarker {
  return value === RESET;
}

/** Objects written with `!override`: a later file replaces instead of merging. */
const overridden = new WeakSet<object>();
const keyLines = new WeakMap<object, Map<string, Located>>();
const itemLines = new WeakMap<object, Located[]>();

export function isOverride(value: unknown): boolean {
  return typeof value === "object" && value !== null && overridden.has(value);
}

export function markOverride(value: object): void {
  overridden.add(value);
}

/** The place a key of a mapping was written, when known. */
export function locateKey(map: object, key: string): Located | undefined {
  return keyLines.get(map)?.get(key);
}

/** The place an item of a sequence was written, when known. */
export function locateItem(seq: object, index: number): Located | undefined {
  return itemLines.get(seq)?.[index];
}

/** Records where a key of a new map came from (merges copy locations from their sources). */
export function setKeyLocation(map: object, key: string, at: Located | undefined): void {
  if (at === undefined) return;
  let lines = keyLines.get(map);
  if (lines === undefined) {
    lines = new Map();
    keyLines.set(map, lines);
  }
  lines.set(key, at);
}

export function setItemLocations(seq: object, at: readonly (Located | undefined)[]): void {
  itemLines.set(
    seq,
    at.map((a) => a ?? { file: "", line: 0 }),
  );
}

export function isTreeMap(value: unknown): value is TreeMap {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isReset(value);
}

export interface ParsedYaml {
  readonly value: Tree;
  /** YAML errors (the verifier cannot read the file). */
  readonly errors: readonly string[];
}

/** Parses one YAML document; `scalar` rewrites every string scalar (interpolation). */
export function parseYamlTree(source: string, file: string, scalar: (s: string, at: Located) => string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) return { value: null, errors: doc.errors.map((e) => `${file}: ${e.message}`) };
  const at = (node: Node | null | undefined): Located => ({ file, line: node?.range ? lineCounter.linePos(node.range[0]).line : 0 });
  const convert = (node: unknown, seen: Set<unknown>): Tree => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc as Document);
      if (target === undefined || seen.has(target)) return null;
      return convert(target, new Set([...seen, target]));
    }
    const tag = (node as { tag?: string }).tag;
    if (tag === "!reset") return RESET;
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === "string") return scalar(v, at(node));
      if (typeof v === "number" || typeof v === "boolean") return v;
      if (v === null || v === undefined) return null;
      return String(v);
    }
    if (isSeq(node)) {
      const out: Tree[] = [];
      const lines: Located[] = [];
      for (const item of node.items) {
        out.push(convert(item, seen));
        lines.push(at(item as Node));
      }
      setItemLocations(out, lines);
      if (tag === "!override") markOverride(out);
      return out;
    }
    if (isMap(node)) {
      const out: TreeMap = {};
      const merged: { value: TreeMap; source: object }[] = [];
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && key.source === "<<") {
          // Merge sources: earlier ones win over later ones, explicit keys over all.
          const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const s of sources) {
            const v = convert(s, seen);
            if (isTreeMap(v)) merged.push({ value: v, source: v });
          }
          continue;
        }
        const name = isScalar(key) ? String(key.value) : String(convert(key, seen));
        out[name] = convert(pair.value, seen);
        setKeyLocation(out, name, at(key as Node));
      }
      for (const m of merged) {
        for (const [k, v] of Object.entries(m.value)) {
          if (k in out) continue;
          out[k] = v;
          setKeyLocation(out, k, locateKey(m.source, k));
        }
      }
      if (tag === "!override") markOverride(out);
      return out;
    }
    return null;
  };
  return { value: convert(doc.contents, new Set()), errors: [] };
}

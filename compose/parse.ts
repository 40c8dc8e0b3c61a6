import { Alias, Document, LineCounter, Node as YamlNode, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from "yaml";
import { error, warning } from "./diagnostics";
import { mergeProjects } from "./merge";
import { Diagnostic, SourceLocation } from "./model";
import { MergeTag, RawEntry, RawMap, RawNode, isMap as isRawMap, rawSeq, scalar } from "./raw";

export interface ParseResult {
  /** The file's content (several `---` documents are merged in order); undefined when unparseable. */
  readonly root?: RawNode;
  readonly diagnostics: readonly Diagnostic[];
}

const MERGE_TAGS: ReadonlySet<string> = new Set(["!reset", "!override"]);

/** Shared (aliased) subtrees count once per use: a "billion laughs" file is refused, not expanded. */
const MAX_EXPANDED_NODES = 1_000_000;

/** YAML's own limit idea: aliases that expand into too much are a denial of service, not a compose file. */
const MAX_ALIAS_RESOLUTIONS = 10_000;

interface Context {
  readonly file: string;
  readonly lines: LineCounter;
  readonly doc: Document.Parsed;
  readonly converted: Map<YamlNode, RawNode>;
  /** Nodes being converted: an alias to one of them is a recursive structure (`x: &a [*a]`). */
  readonly inProgress: Set<YamlNode>;
  /** Anchors seen so far in document order: an alias refers to the latest one before it (YAML 1.2, 3.2.2.2). */
  readonly anchors: Map<string, YamlNode>;
  readonly diagnostics: Diagnostic[];
  aliases: number;
}

/**
 * Stage 1: YAML text to the raw tree, keeping line/column of every node (yaml's LineCounter),
 * resolving anchors, aliases and `<<` merge keys (YAML 1.1 merge, which compose files rely on
 * even though YAML 1.2 dropped it), and keeping the compose `!reset` / `!override` tags.
 * `file` is the name used in messages.
 */
export function parseCompose(text: string, file: string): ParseResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    for (const e of doc.errors) diagnostics.push(error(yamlMessage(e.message), "", positionOf(file, e.linePos?.[0])));
    for (const w of doc.warnings) {
      if (w.code === "TAG_RESOLVE_FAILED" && MERGE_TAGS.has(tagIn(w.message))) continue;
      diagnostics.push(warning(yamlMessage(w.message), "", positionOf(file, w.linePos?.[0])));
    }
  }
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };

  let root: RawNode | undefined;
  for (const doc of list) {
    if (doc.contents === null) continue;
    const ctx: Context = { file, lines, doc, converted: new Map(), inProgress: new Set(), anchors: new Map(), diagnostics, aliases: 0 };
    const node = convert(doc.contents as YamlNode, ctx);
    if (ctx.diagnostics.some((d) => d.severity === "error")) return { diagnostics };
    if (expandedSize(node, new WeakMap()) > MAX_EXPANDED_NODES) {
      diagnostics.push(error(`aliases expand to more than ${MAX_EXPANDED_NODES} values; refusing to load`, "", node.loc));
      return { diagnostics };
    }
    root = root === undefined ? node : mergeDocuments(root, node);
  }
  if (root !== undefined && !isRawMap(root)) {
    diagnostics.push(error("a compose file must be a mapping (services:, networks:, ...)", "", root.loc ?? positionOf(file, undefined)));
    return { diagnostics };
  }
  return root === undefined ? { diagnostics } : { root, diagnostics };
}

/** compose-go loads the documents of one file in order and merges each like another `-f` file. */
function mergeDocuments(a: RawNode, b: RawNode): RawNode {
  if (!isRawMap(a) || !isRawMap(b)) return b;
  return mergeProjects(a, b);
}

function convert(node: YamlNode, ctx: Context): RawNode {
  const cached = ctx.converted.get(node);
  if (cached !== undefined) return cached;
  ctx.inProgress.add(node);
  const result = convertUncached(node, ctx);
  ctx.inProgress.delete(node);
  ctx.converted.set(node, result);
  return result;
}

function convertUncached(node: YamlNode, ctx: Context): RawNode {
  const loc = locationOf(node, ctx);
  const tag = mergeTag(node.tag);
  if (isAlias(node)) return resolveAlias(node, ctx);
  const anchor = (node as { anchor?: string }).anchor;
  if (anchor !== undefined) ctx.anchors.set(anchor, node);
  if (isScalar(node)) {
    // `key: !reset` parses as an empty string; it means "no value".
    if (tag === "!reset" && node.value === "") return { ...scalar(null, loc), tag };
    const value = node.value;
    const plain = typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null ? value : String(value);
    return tag ? { ...scalar(plain, loc), tag } : scalar(plain, loc);
  }
  if (isSeq(node)) {
    return rawSeq(
      node.items.map((item) => convert(item as YamlNode, ctx)),
      loc,
      tag,
    );
  }
  if (isMap(node)) {
    const explicit: RawEntry[] = [];
    const merged: RawMap[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyLoc = keyNode ? locationOf(keyNode, ctx) : loc;
      const valueNode = pair.value as YamlNode | null;
      if (isScalar(keyNode) && keyNode.value === "<<" && keyNode.type === "PLAIN") {
        merged.push(...mergeSources(valueNode, ctx, keyLoc));
        continue;
      }
      const key = keyNode === null ? "" : isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const value = valueNode === null ? scalar(null, keyLoc) : convert(valueNode, ctx);
      explicit.push({ key, keyLoc, value });
    }
    // YAML merge keys: explicit keys win, then earlier sources win over later ones.
    const entries = new Map<string, RawEntry>();
    for (const source of merged) for (const [key, entry] of source.entries) if (!entries.has(key)) entries.set(key, entry);
    for (const entry of explicit) {
      entries.delete(entry.key);
      entries.set(entry.key, entry);
    }
    return { kind: "map", entries, ...(loc ? { loc } : {}), ...(tag ? { tag } : {}) };
  }
  ctx.diagnostics.push(error("unsupported YAML node", "", loc));
  return scalar(null, loc);
}

function mergeSources(valueNode: YamlNode | null, ctx: Context, loc: SourceLocation | undefined): RawMap[] {
  const sources = valueNode !== null && isSeq(valueNode) ? (valueNode.items as YamlNode[]) : valueNode === null ? [] : [valueNode];
  const out: RawMap[] = [];
  for (const source of sources) {
    const converted = convert(source, ctx);
    if (isRawMap(converted)) out.push(converted);
    else ctx.diagnostics.push(error("the value of a `<<` merge key must be a mapping or a list of mappings", "", converted.loc ?? loc));
  }
  return out;
}

function resolveAlias(node: Alias, ctx: Context): RawNode {
  ctx.aliases += 1;
  const loc = locationOf(node, ctx);
  if (ctx.aliases > MAX_ALIAS_RESOLUTIONS) {
    ctx.diagnostics.push(error(`more than ${MAX_ALIAS_RESOLUTIONS} alias references; refusing to expand`, "", loc));
    return scalar(null, loc);
  }
  // yaml's Alias.resolve walks the whole document for every alias (quadratic on big files).
  const target = ctx.anchors.get(node.source);
  if (target === undefined) {
    ctx.diagnostics.push(error(`unknown alias *${node.source}`, "", loc));
    return scalar(null, loc);
  }
  if (ctx.inProgress.has(target as YamlNode)) {
    ctx.diagnostics.push(error(`alias *${node.source} refers to a value that contains it: a recursive structure cannot be a compose file`, "", loc));
    return scalar(null, loc);
  }
  return convert(target as YamlNode, ctx);
}

function expandedSize(node: RawNode, memo: WeakMap<RawNode, number>): number {
  const known = memo.get(node);
  if (known !== undefined) return known;
  let size = 1;
  if (node.kind === "seq") for (const item of node.items) size += expandedSize(item, memo);
  if (node.kind === "map") for (const entry of node.entries.values()) size += expandedSize(entry.value, memo);
  memo.set(node, size);
  return size;
}

function mergeTag(tag: string | undefined): MergeTag | undefined {
  return tag === "!reset" || tag === "!override" ? tag : undefined;
}

function locationOf(node: YamlNode, ctx: Context): SourceLocation | undefined {
  const start = node.range?.[0];
  if (start === undefined) return undefined;
  const pos = ctx.lines.linePos(start);
  return { file: ctx.file, line: pos.line, col: pos.col };
}

function positionOf(file: string, pos: { line: number; col: number } | undefined): SourceLocation {
  return { file, line: pos?.line ?? 1, col: pos?.col ?? 1 };
}

/** yaml's pretty messages carry a code frame; the location is printed separately. */
function yamlMessage(message: string): string {
  const first = message.split("\n")[0] ?? message;
  const text = first.replace(/ at line \d+, column \d+:?$/, "");
  return `invalid YAML: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

function tagIn(message: string): string {
  return /Unresolved tag: (\S+)/.exec(message)?.[1] ?? "";
}

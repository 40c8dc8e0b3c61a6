import { splitKeyValue } from "./key-value";
import { JsonValue } from "./model";
import { RawEntry, RawMap, RawNode, RawSeq, isMap, isScalar, isSeq, rawMap, rawSeq, scalar, scalarText, toPlain } from "./raw";

/**
 * Stage 3 (part): merging compose trees, by the Compose spec's merge rules (merge.md) as
 * compose-go implements them (override/merge.go, override/uncity.go):
 * - mappings merge key by key, later files win for scalars;
 * - sequences are appended, except the "unique resources" (ports, volumes, secrets, configs,
 *   expose), where a later entry with the same key replaces the earlier one;
 * - `command`, `entrypoint` and `healthcheck.test` are replaced, not appended;
 * - list-or-mapping keys (environment, labels, build.args, extra_hosts, depends_on, networks,
 *   sysctls, ...) are merged as mappings whichever syntax each side uses;
 * - `logging` options merge only when both sides use the same driver;
 * - `!reset` removes the inherited value, `!override` replaces it without merging.
 */
export function mergeProjects(base: RawMap, override: RawMap): RawMap {
  return mergeMaps(base, override, (key, a, b) => (key === "services" ? mergeServiceMaps(a, b) : mergeGeneric(a, b)));
}

/** Merges the `services` mappings of two files. */
function mergeServiceMaps(base: RawNode, override: RawNode): RawNode | undefined {
  if (!isMap(base) || !isMap(override)) return mergeGeneric(base, override);
  return mergeMaps(base, override, (_name, a, b) => mergeServices(a, b));
}

/** Merges one service definition over another (also used by `extends`). */
export function mergeServices(base: RawNode, override: RawNode): RawNode | undefined {
  if (override.tag === "!reset") return undefined;
  if (override.tag === "!override" || !isMap(base) || !isMap(override)) return stripTag(override);
  return mergeMaps(base, override, (key, a, b) => mergeServiceKey(key, a, b));
}

type KeyMerger = (key: string, base: RawNode, override: RawNode) => RawNode | undefined;

function mergeMaps(base: RawMap, override: RawMap, mergeKey: KeyMerger): RawMap {
  const entries = new Map<string, RawEntry>(base.entries);
  for (const [key, entry] of override.entries) {
    const existing = entries.get(key);
    if (entry.value.tag === "!reset") {
      entries.delete(key);
      continue;
    }
    if (existing === undefined || key.startsWith("x-")) {
      entries.set(key, { ...entry, value: stripTag(entry.value) });
      continue;
    }
    const merged = entry.value.tag === "!override" ? stripTag(entry.value) : mergeKey(key, existing.value, entry.value);
    if (merged === undefined) entries.delete(key);
    else entries.set(key, { ...entry, value: merged });
  }
  return { ...base, entries };
}

const REPLACED = new Set(["command", "entrypoint"]);
const AS_MAPPING = new Set(["environment", "labels", "annotations", "sysctls", "extra_hosts", "depends_on", "networks", "label_file"]);
const UNIQUE_BY: Readonly<Record<string, (item: RawNode) => string>> = {
  ports: portKey,
  volumes: volumeTarget,
  secrets: (item) => mountKey(item, "/run/secrets/"),
  configs: (item) => mountKey(item, "/"),
  expose: (item) => (isScalar(item) ? scalarText(item.value) : JSON.stringify(toPlain(item))),
};
const APPENDED_STRING_OR_LIST = new Set([
  "dns",
  "dns_search",
  "dns_opt",
  "env_file",
  "tmpfs",
  "cap_add",
  "cap_drop",
  "profiles",
  "devices",
  "security_opt",
  "group_add",
  "links",
  "external_links",
  "volumes_from",
]);

function mergeServiceKey(key: string, base: RawNode, override: RawNode): RawNode | undefined {
  if (REPLACED.has(key)) return stripTag(override);
  if (AS_MAPPING.has(key)) return mergeGeneric(canonicalMapping(key, base), canonicalMapping(key, override));
  const unique = UNIQUE_BY[key];
  if (unique !== undefined && isSeq(base) && isSeq(override)) return appendUnique(base, override, unique);
  if (APPENDED_STRING_OR_LIST.has(key)) return appendUnique(asSeq(base), asSeq(override), (n) => JSON.stringify(toPlain(n)));
  if (key === "healthcheck" && isMap(base) && isMap(override)) {
    return mergeMaps(base, override, (k, a, b) => (k === "test" ? stripTag(b) : mergeGeneric(a, b)));
  }
  if (key === "logging" && isMap(base) && isMap(override)) {
    const before = base.entries.get("driver")?.value;
    const after = override.entries.get("driver")?.value;
    const sameDriver = before === undefined || after === undefined || JSON.stringify(toPlain(before)) === JSON.stringify(toPlain(after));
    return sameDriver ? mergeGeneric(base, override) : stripTag(override);
  }
  if (key === "build") return mergeGeneric(canonicalBuild(base), canonicalBuild(override));
  if (key === "deploy" && isMap(base) && isMap(override)) {
    return mergeMaps(base, override, (k, a, b) => (k === "labels" ? mergeGeneric(canonicalMapping(k, a), canonicalMapping(k, b)) : mergeGeneric(a, b)));
  }
  return mergeGeneric(base, override);
}

/** Mappings merge, sequences append, anything else is replaced. */
export function mergeGeneric(base: RawNode, override: RawNode): RawNode | undefined {
  if (override.tag === "!reset") return undefined;
  if (override.tag === "!override") return stripTag(override);
  if (isMap(base) && isMap(override)) return mergeMaps(base, override, (_k, a, b) => mergeGeneric(a, b));
  if (isSeq(base) && isSeq(override)) return rawSeq([...base.items, ...override.items.filter((i) => i.tag !== "!reset")], override.loc ?? base.loc);
  return stripTag(override);
}

function appendUnique(base: RawSeq, override: RawSeq, keyOf: (item: RawNode) => string): RawSeq {
  const items: RawNode[] = [];
  const index = new Map<string, number>();
  for (const item of [...base.items, ...override.items]) {
    if (item.tag === "!reset") continue;
    const key = keyOf(item);
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, items.length);
      items.push(item);
    } else {
      items[at] = item;
    }
  }
  return rawSeq(items, override.loc ?? base.loc);
}

function asSeq(node: RawNode): RawSeq {
  if (isSeq(node)) return node;
  if (isScalar(node) && node.value === null) return rawSeq([], node.loc);
  return rawSeq([node], node.loc);
}

function stripTag(node: RawNode): RawNode {
  if (node.tag === undefined) return node;
  const { tag: _tag, ...rest } = node;
  return rest as RawNode;
}

/**
 * List-or-mapping values as a mapping, so both syntaxes merge alike:
 * `["A=1", "B"]` becomes `{A: "1", B: null}`; `depends_on: [db]` becomes
 * `{db: {condition: service_started}}`; `networks: [front]` becomes `{front: null}`.
 */
export function canonicalMapping(key: string, node: RawNode): RawNode {
  if (!isSeq(node)) return node;
  const entries: RawEntry[] = [];
  for (const item of node.items) {
    if (!isScalar(item)) continue;
    const text = scalarText(item.value);
    if (key === "depends_on") {
      entries.push({
        key: text,
        keyLoc: item.loc,
        value: rawMap([{ key: "condition", keyLoc: item.loc, value: scalar("service_started", item.loc) }], item.loc),
      });
    } else if (key === "networks") {
      entries.push({ key: text, keyLoc: item.loc, value: scalar(null, item.loc) });
    } else if (key === "extra_hosts") {
      // `host:ip` (compose v1 style) or `host=ip`; IPv6 addresses contain colons, so split at the first separator.
      const sep = text.includes("=") ? text.indexOf("=") : text.indexOf(":");
      entries.push({ key: sep < 0 ? text : text.slice(0, sep), keyLoc: item.loc, value: scalar(sep < 0 ? null : text.slice(sep + 1), item.loc) });
    } else {
      const [name, value] = splitKeyValue(text);
      entries.push({ key: name, keyLoc: item.loc, value: scalar(value, item.loc) });
    }
  }
  return rawMap(entries, node.loc, node.tag);
}

/** `build: ./dir` as `{context: ./dir}` so it merges with the long form. */
function canonicalBuild(node: RawNode): RawNode {
  if (!isScalar(node) || typeof node.value !== "string") {
    if (isMap(node) && node.entries.has("args")) {
      const args = node.entries.get("args") as RawEntry;
      const entries = new Map(node.entries);
      entries.set("args", { ...args, value: canonicalMapping("args", args.value) });
      return { ...node, entries };
    }
    return node;
  }
  return rawMap([{ key: "context", keyLoc: node.loc, value: node }], node.loc, node.tag);
}

function portKey(item: RawNode): string {
  if (isScalar(item)) return scalarText(item.value);
  const plain = toPlain(item) as Record<string, JsonValue>;
  return `${plain.host_ip ?? ""}:${plain.published ?? ""}:${plain.target ?? ""}/${plain.protocol ?? "tcp"}`;
}

function volumeTarget(item: RawNode): string {
  if (isMap(item)) {
    const target = item.entries.get("target")?.value;
    return isScalar(target) ? scalarText(target.value) : "";
  }
  if (!isScalar(item)) return JSON.stringify(toPlain(item));
  const text = scalarText(item.value);
  const parts = splitVolumeSpec(text);
  return parts.length === 1 ? (parts[0] ?? text) : (parts[1] ?? text);
}

function mountKey(item: RawNode, prefix: string): string {
  if (isScalar(item)) return `${prefix}${scalarText(item.value)}`;
  if (!isMap(item)) return JSON.stringify(toPlain(item));
  const target = item.entries.get("target")?.value;
  if (isScalar(target)) return scalarText(target.value);
  const source = item.entries.get("source")?.value;
  return `${prefix}${isScalar(source) ? scalarText(source.value) : ""}`;
}

/**
 * Splits `source:target:mode` volume short syntax. A Windows drive letter (`C:\x`) is
 * one part, as compose's format.ParseVolume treats it.
 */
export function splitVolumeSpec(spec: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === ":" && !(current.length === 1 && /[A-Za-z]/.test(current) && (spec[i + 1] === "\\" || spec[i + 1] === "/"))) {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

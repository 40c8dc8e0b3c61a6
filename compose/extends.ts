import { error } from "./diagnostics";
import { mergeServices } from "./merge";
import { Diagnostic } from "./model";
import { RawEntry, RawMap, RawNode, formatPath, isMap, isScalar, withEntry } from "./raw";
import { displayPath } from "./diagnostics";

/**
 * Reads another compose file for `extends.file` (already interpolated, validated, paths
 * absolute); `problem` says why it could not be read, undefined when its errors are reported.
 */
export type LoadOtherFile = (file: string) => RawMap | { readonly problem: string } | undefined;

export interface ExtendsResult {
  readonly root: RawMap;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Stage 3 (part): `extends` (Compose spec, services.md "extends"). The base service, with its
 * own `extends` resolved first, is merged under the extending one by the usual merge rules;
 * the base can be in the same (merged) project or in another file. Cycles are errors.
 */
export function resolveExtends(root: RawMap, file: string, loadOther: LoadOtherFile): ExtendsResult {
  const diagnostics: Diagnostic[] = [];
  const services = root.entries.get("services")?.value;
  if (!isMap(services)) return { root, diagnostics };
  const done = new Map<string, RawNode>();
  const resolveIn = (tree: RawMap, treeFile: string, name: string, stack: readonly string[]): RawNode | undefined => {
    const id = `${treeFile}\u0000${name}`;
    const cached = done.get(id);
    if (cached !== undefined) return cached;
    const svcs = tree.entries.get("services")?.value;
    const entry = isMap(svcs) ? svcs.entries.get(name) : undefined;
    if (entry === undefined) return undefined;
    const svc = entry.value;
    const ext = isMap(svc) ? svc.entries.get("extends") : undefined;
    if (!isMap(svc) || ext === undefined) {
      done.set(id, svc);
      return svc;
    }
    const path = formatPath(["services", name, "extends"]);
    if (stack.includes(id)) {
      const chain = [...stack, id].map((s) => s.split("\u0000")[1]).join(" -> ");
      diagnostics.push(error(`circular extends: ${chain}`, path, ext.value.loc ?? ext.keyLoc));
      return withEntry(svc, "extends", undefined);
    }
    const target = extendsTarget(ext.value);
    if (target === undefined) return withEntry(svc, "extends", undefined);
    let baseTree = tree;
    let baseFile = treeFile;
    if (target.file !== undefined && target.file !== treeFile) {
      const other = loadOther(target.file);
      if (other === undefined || "problem" in other) {
        const why = other === undefined ? "could not be loaded" : other.problem;
        diagnostics.push(error(`cannot extend service "${target.service}": file ${displayPath(target.file)}: ${why}`, path, ext.value.loc));
        return withEntry(svc, "extends", undefined);
      }
      baseTree = other;
      baseFile = target.file;
    }
    const base = resolveIn(baseTree, baseFile, target.service, [...stack, id]);
    if (base === undefined) {
      const where = baseFile === treeFile ? "" : ` in ${displayPath(baseFile)}`;
      diagnostics.push(error(`extends undefined service "${target.service}"${where}`, path, ext.value.loc));
      return withEntry(svc, "extends", undefined);
    }
    const merged = mergeServices(stripExtends(base), withEntry(svc, "extends", undefined)) ?? withEntry(svc, "extends", undefined);
    done.set(id, merged);
    return merged;
  };
  const entries = new Map<string, RawEntry>();
  for (const [name, entry] of services.entries) {
    entries.set(name, { ...entry, value: resolveIn(root, file, name, []) ?? entry.value });
  }
  return { root: withEntry(root, "services", { ...services, entries }), diagnostics };
}

function stripExtends(node: RawNode): RawNode {
  return isMap(node) ? withEntry(node, "extends", undefined) : node;
}

function extendsTarget(node: RawNode): { service: string; file?: string } | undefined {
  if (isScalar(node) && typeof node.value === "string") return { service: node.value };
  if (!isMap(node)) return undefined;
  const service = node.entries.get("service")?.value;
  const file = node.entries.get("file")?.value;
  if (!isScalar(service) || typeof service.value !== "string") return undefined;
  return isScalar(file) && typeof file.value === "string" ? { service: service.value, file: file.value } : { service: service.value };
}

import { SourceLocation } from "./model";
import { ComposePath, RawNode, formatPath } from "./raw";

/**
 * Every compose path of the merged tree with where its value is written
 * (`services.web.ports[0]` -> file:line:col), so stages after the loader (the conversion
 * report, the planner) point at the key they judge without the raw tree.
 */
export function indexLocations(root: RawNode): Record<string, SourceLocation> {
  const out: Record<string, SourceLocation> = {};
  const walk = (node: RawNode, path: ComposePath, inherited: SourceLocation | undefined): void => {
    const here = node.loc ?? inherited;
    if (path.length > 0 && here !== undefined) out[formatPath(path)] = here;
    if (node.kind === "map") {
      for (const [key, entry] of node.entries) walk(entry.value, [...path, key], entry.value.loc ?? entry.keyLoc ?? here);
    } else if (node.kind === "seq") {
      node.items.forEach((item, i) => walk(item, [...path, i], item.loc ?? here));
    }
  };
  walk(root, [], root.loc);
  return out;
}

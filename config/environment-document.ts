import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument } from "yaml";
import { Diagnostic, Severity, SourceLocation } from "../compose/model";
import { Path, SchemaProblem } from "../schema/problems";
import { ValidatedDocument } from "../schema/validated";
import { validateAgainst } from "../schema/validators";

/**
 * An environment file as text becomes a document checked against
 * schema/environment.schema.json, with every problem at its file, line and column. The typed
 * model is built from it by config/build-environment.ts.
 */
export class EnvironmentDocument {
  readonly diagnostics: Diagnostic[] = [];
  /** Where each key of the file is, by key path (`services.web` → the key's line and column). */
  readonly locations: Readonly<Record<string, SourceLocation>>;
  /** The file's values, readable where the schema found nothing wrong. */
  readonly values: ValidatedDocument;

  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    root: unknown,
    problems: readonly SchemaProblem[],
  ) {
    this.values = new ValidatedDocument(root, problems);
    this.locations = keyLocations(doc, lineCounter, file);
    for (const p of problems) this.report("error", p.path, p.message, p.atKey ? "key" : "value");
  }

  /**
   * Parses and validates `text`; `file` names it in messages. Undefined (with the reasons in
   * `diagnostics`) when the text is not YAML.
   */
  static parse(text: string, file: string): { readonly document?: EnvironmentDocument; readonly diagnostics: Diagnostic[] } {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const diagnostics = doc.errors.map((e): Diagnostic => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { severity: "error", path: "", message: `invalid YAML: ${e.message.split("\n")[0]}`, location: { file, line: pos.line, col: pos.col } };
      });
      return { diagnostics };
    }
    const js: unknown = doc.toJS();
    // An empty file is an environment of defaults.
    const root = js === null || js === undefined ? {} : js;
    const document = new EnvironmentDocument(file, doc, lineCounter, root, validateAgainst("environment", root));
    return { document, diagnostics: document.diagnostics };
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === "error");
  }

  /** Records an error at `path`, positioned on the key or on the value. */
  error(path: Path, message: string, at: "key" | "value" = "value"): void {
    this.report("error", path, message, at);
  }

  warning(path: Path, message: string, at: "key" | "value" = "value"): void {
    this.report("warning", path, message, at);
  }

  private report(severity: Severity, path: Path, message: string, at: "key" | "value"): void {
    const node = nodeAt(this.doc.contents, path, at);
    const offset = node?.range?.[0];
    const pos = offset === undefined ? { line: 1, col: 1 } : this.lineCounter.linePos(offset);
    this.diagnostics.push({ severity, path: pathString(path), message, location: { file: this.file, line: pos.line, col: pos.col } });
  }
}

/** `services.web.autoscaling`, `loadBalancer.allowedCidrs[1]`: the key path as messages show it. */
export function pathString(path: Path): string {
  return path.reduce<string>((out, s) => (typeof s === "number" ? `${out}[${s}]` : out === "" ? s : `${out}.${s}`), "");
}

/** The YAML node at `path` (its key node when `at` is "key"), or the nearest existing ancestor. */
function nodeAt(root: unknown, path: Path, at: "key" | "value"): Node | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (pair === undefined) return node;
      if (last && at === "key" && isScalar(pair.key)) return pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      if (item === undefined) return node;
      node = item;
    } else {
      break;
    }
  }
  return isMap(node) || isSeq(node) || isScalar(node) ? node : undefined;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** Every mapping key of the file by key path, so later stages can point at the key they judge. */
function keyLocations(doc: Document, lineCounter: LineCounter, file: string): Record<string, SourceLocation> {
  const out: Record<string, SourceLocation> = {};
  const visit = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const keyPath = [...path, keyText(pair.key)];
        const offset = pair.key.range?.[0];
        if (offset !== undefined) {
          const pos = lineCounter.linePos(offset);
          out[pathString(keyPath)] = { file, line: pos.line, col: pos.col };
        }
        visit(pair.value, keyPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(doc.contents, []);
  return out;
}

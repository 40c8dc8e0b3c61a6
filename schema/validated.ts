import { isRecord, Path, SchemaProblem } from "./problems";

/**
 * A value checked against a schema, read only where the schema found nothing wrong: a read
 * returns undefined for a value that is absent, or that (or anything inside it) broke a rule.
 * The typed model is then built from the sound parts, and the checks a schema cannot state
 * (CIDR math, cross-field rules) still run on them, so one run reports every problem.
 */
export class ValidatedDocument {
  private readonly broken: readonly Path[];

  constructor(
    readonly root: unknown,
    problems: readonly SchemaProblem[],
  ) {
    this.broken = problems.map((p) => p.path);
  }

  /** The raw value at `path`, sound or not (for presence checks). */
  raw(path: Path): unknown {
    let node = this.root;
    for (const segment of path) {
      if (Array.isArray(node) && typeof segment === "number") node = node[segment];
      else if (isRecord(node) && typeof segment === "string") node = node[segment];
      else return undefined;
    }
    return node;
  }

  has(path: Path): boolean {
    return this.raw(path) !== undefined;
  }

  /** Whether the value at `path` (sound or not) is a mapping. */
  isMapping(path: Path): boolean {
    return isRecord(this.raw(path));
  }

  /** Length of the list at `path` (sound or not); 0 for anything else. */
  length(path: Path): number {
    const node = this.raw(path);
    return Array.isArray(node) ? node.length : 0;
  }

  /** Keys of the mapping at `path` (sound or not), in file order. */
  keys(path: Path): string[] {
    const node = this.raw(path);
    return isRecord(node) ? Object.keys(node) : [];
  }

  value(path: Path): unknown {
    const broken = this.broken.some((b) => b.length >= path.length && path.every((s, i) => b[i] === s));
    return broken ? undefined : this.raw(path);
  }

  string(path: Path): string | undefined {
    const v = this.value(path);
    return typeof v === "string" ? v : undefined;
  }

  number(path: Path): number | undefined {
    const v = this.value(path);
    return typeof v === "number" ? v : undefined;
  }

  boolean(path: Path): boolean | undefined {
    const v = this.value(path);
    return typeof v === "boolean" ? v : undefined;
  }

  /** A list of strings, or (for keys that take either) one string as a list of one. */
  strings(path: Path): readonly string[] | undefined {
    const v = this.value(path);
    if (typeof v === "string") return [v];
    return Array.isArray(v) && v.every((item): item is string => typeof item === "string") ? v : undefined;
  }

  /** A mapping of strings (tags). */
  stringRecord(path: Path): Readonly<Record<string, string>> | undefined {
    const v = this.value(path);
    if (!isRecord(v)) return undefined;
    const entries = Object.entries(v);
    return entries.every(([, item]) => typeof item === "string") ? (Object.fromEntries(entries) as Record<string, string>) : undefined;
  }
}

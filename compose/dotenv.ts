import { interpolateString, Variables } from "./interpolate";

export interface DotenvResult {
  /** Variables in file order; a bare `NAME` line takes its value from `lookup` and is left out when unset there. */
  readonly values: Readonly<Record<string, string>>;
  /** The line each variable of `values` was set on (1-based), for messages about it. */
  readonly lines: Readonly<Record<string, number>>;
  readonly problems: readonly { readonly line: number; readonly message: string }[];
}

/**
 * Reads a `.env` / `env_file` the way docker compose does: `KEY=value` or `KEY: value`, an
 * optional `export ` prefix, `#` comments (inline only after whitespace in unquoted values),
 * single quotes literal, double quotes with escapes and multi-line values, and `${VAR}`
 * interpolation of unquoted and double-quoted values from earlier lines, then `lookup`.
 */
export function parseDotenv(text: string, lookup: Variables = {}): DotenvResult {
  const values: Record<string, string> = {};
  const lineOf: Record<string, number> = {};
  const problems: { line: number; message: string }[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const body = line.replace(/^export\s+/, "");
    const match = /^([^=:\s]+)\s*([=:])?\s*(.*)$/.exec(body);
    if (match === null || match[1] === undefined) {
      problems.push({ line: lineNo, message: `cannot read "${line}": expected NAME=value` });
      continue;
    }
    const name = match[1];
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      problems.push({ line: lineNo, message: `"${name}" is not a valid variable name` });
      continue;
    }
    if (name === "__proto__") {
      // Assigned to a JavaScript object, this name sets its prototype: the variable would vanish.
      problems.push({ line: lineNo, message: "the variable name __proto__ is not supported (it would be lost); rename it" });
      continue;
    }
    if (match[2] === undefined) {
      const fromHost = lookup[name];
      if (fromHost !== undefined) {
        values[name] = fromHost;
        lineOf[name] = lineNo;
      }
      continue;
    }
    let raw = match[3] ?? "";
    const quote = raw[0];
    if (quote === "'" || quote === '"') {
      // A quoted value may continue on the following lines until its closing quote.
      let j = i;
      while (!closesQuote(raw, quote) && j + 1 < lines.length) {
        j++;
        raw += "\n" + (lines[j] ?? "");
      }
      if (!closesQuote(raw, quote)) {
        problems.push({ line: lineNo, message: `unterminated ${quote === "'" ? "single" : "double"}-quoted value for ${name}` });
        i = j;
        continue;
      }
      i = j;
      const end = closingQuoteIndex(raw, quote);
      const inner = raw.slice(1, end);
      values[name] = quote === "'" ? inner : expand(unescapeDouble(inner), values, lookup, name, lineNo, problems);
      lineOf[name] = lineNo;
      continue;
    }
    const withoutComment = raw.replace(/\s+#.*$/, "").trim();
    values[name] = expand(withoutComment, values, lookup, name, lineNo, problems);
    lineOf[name] = lineNo;
  }
  return { values, lines: lineOf, problems };
}

function closingQuoteIndex(raw: string, quote: string): number {
  for (let k = 1; k < raw.length; k++) {
    if (raw[k] === "\\" && quote === '"') {
      k++;
      continue;
    }
    if (raw[k] === quote) return k;
  }
  return -1;
}

function closesQuote(raw: string, quote: string): boolean {
  return closingQuoteIndex(raw, quote) > 0;
}

function unescapeDouble(text: string): string {
  return text.replace(/\\([nrt"\\$])/g, (_m, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c as "n" | "r" | "t"] ?? c);
}

function expand(
  text: string,
  earlier: Readonly<Record<string, string>>,
  lookup: Variables,
  name: string,
  line: number,
  problems: { line: number; message: string }[],
): string {
  if (!text.includes("$")) return text;
  // The host environment wins over the file, as it does for the values themselves.
  const result = interpolateString(text, { ...earlier, ...lookup });
  for (const message of result.errors) problems.push({ line, message: `${name}: ${message}` });
  return result.value;
}

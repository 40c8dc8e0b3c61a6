import { interpolate, Lookup } from "./interpolate";

/**
 * `.env` and `env_file` syntax (docker compose's): `KEY=VALUE`, optional `export `, `#` comments,
 * single quotes literal, double quotes with `\n`-style escapes and interpolation, unquoted values
 * trimmed with ` #` comments cut, interpolation from earlier keys of the file and then `lookup`.
 * A bare `KEY` (no `=`) takes its value from `lookup`, or is left out.
 */

export interface DotenvEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based line of the key. */
  readonly line: number;
}

export function parseDotenv(text: string, lookup: Lookup): DotenvEntry[] {
  const entries: DotenvEntry[] = [];
  const own = new Map<string, string>();
  const find: Lookup = (name) => own.get(name) ?? lookup(name);
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const body = trimmed.startsWith("export ") ? trimmed.slice(7).trimStart() : trimmed;
    const eq = body.indexOf("=");
    const lineNo = i + 1;
    if (eq < 0) {
      const inherited = lookup(body);
      if (inherited !== undefined && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(body)) {
        own.set(body, inherited);
        entries.push({ key: body, value: inherited, line: lineNo });
      }
      continue;
    }
    const key = body.slice(0, eq).trim();
    let rest = body.slice(eq + 1).trimStart();
    let value: string;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // Quoted values may span lines.
      let closing = findClosing(rest, quote);
      while (closing < 0 && i + 1 < lines.length) {
        i++;
        rest += "\n" + (lines[i] ?? "");
        closing = findClosing(rest, quote);
      }
      const inner = rest.slice(1, closing < 0 ? undefined : closing);
      value = quote === "'" ? inner : interpolate(unescape(inner), find);
    } else {
      const comment = rest.search(/\s#/);
      value = interpolate((comment >= 0 ? rest.slice(0, comment) : rest).trim(), find);
    }
    own.set(key, value);
    entries.push({ key, value, line: lineNo });
  }
  return entries;
}

function findClosing(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\" && quote === '"') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

function unescape(text: string): string {
  return text.replace(/\\([nrt"\\])/g, (_m, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c as "n" | "r" | "t"] ?? c);
}

/**
 * Compose variable interpolation, as the spec describes it: `$VAR`, `${VAR}`, `${VAR:-default}`
 * (unset or empty), `${VAR-default}` (unset), `${VAR:?message}`/`${VAR?message}` (required),
 * `${VAR:+alternative}`/`${VAR+alternative}`, nested in defaults, and `$$` for a literal `$`.
 */

export type Lookup = (name: string) => string | undefined;

/** A required variable (`:?`, `?`) is missing; the verifier reports it instead of guessing. */
export class InterpolationError extends Error {}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function interpolate(text: string, lookup: Lookup): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        // An unterminated `${` stays as written (compose rejects it; the oracle does not guess).
        out += text.slice(i);
        break;
      }
      out += expand(text.slice(i + 2, end), lookup);
      i = end + 1;
      continue;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let j = i + 1;
      while (j < text.length && NAME_CHAR.test(text[j] ?? "")) j++;
      out += lookup(text.slice(i + 1, j)) ?? "";
      i = j;
      continue;
    }
    out += "$";
    i++;
  }
  return out;
}

/** Index of the `}` closing a `${` whose body starts at `from`, counting nested `${`. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "{") {
      depth++;
      i++;
    } else if (text[i] === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function expand(body: string, lookup: Lookup): string {
  let j = 0;
  while (j < body.length && NAME_CHAR.test(body[j] ?? "")) j++;
  const name = body.slice(0, j);
  const rest = body.slice(j);
  const value = lookup(name);
  const unsetOrEmpty = value === undefined || value === "";
  if (rest === "") return value ?? "";
  const op = rest.startsWith(":") ? rest.slice(0, 2) : rest.slice(0, 1);
  const word = () => interpolate(rest.slice(op.length), lookup);
  switch (op) {
    case ":-":
      return unsetOrEmpty ? word() : (value ?? "");
    case "-":
      return value === undefined ? word() : value;
    case ":?":
      if (unsetOrEmpty) throw new InterpolationError(`variable ${name} is required: ${word() || "not set"}`);
      return value ?? "";
    case "?":
      if (value === undefined) throw new InterpolationError(`variable ${name} is required: ${word() || "not set"}`);
      return value;
    case ":+":
      return unsetOrEmpty ? "" : word();
    case "+":
      return value === undefined ? "" : word();
    default:
      throw new InterpolationError(`cannot read \${${body}}`);
  }
}

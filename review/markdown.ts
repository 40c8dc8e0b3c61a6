import { JsonValue, showValue } from "./json";

/** Inline code that survives any content (backticks inside, table pipes, newlines). */
export function code(text: string): string {
  const clean = text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  const fence = clean.includes("`") ? "``" : "`";
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A value for a report line: long values cut so a PR comment stays readable. */
export function codeValue(value: JsonValue | undefined, max = 120): string {
  const text = showValue(value);
  return code(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}

/** A table cell of plain text. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

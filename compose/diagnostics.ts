import { Diagnostic, Severity, SourceLocation } from "./model";
import { pathInside } from "./paths";

/**
 * Diagnostics are values until the CLI prints them. One line each, the way compilers do:
 * `docker-compose.yml:12:7 services.web.ports[0]: what is wrong`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}` : "";
  const head = [where, d.path].filter((s) => s !== "").join(" ");
  const prefix = d.severity === "error" ? "" : `${d.severity}: `;
  const line = head === "" ? `${prefix}${d.message}` : `${head}: ${prefix}${d.message}`;
  return visible(line);
}

/**
 * Input text ends up in messages; control characters in it (a NUL, an escape sequence) would
 * corrupt a terminal or split the one-line-per-problem format, so they are shown escaped.
 */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Stable order: by file, line, column, path, then severity and message; equal diagnostics keep their order. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.location?.file ?? "";
  const fb = b.location?.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  const line = (a.location?.line ?? 0) - (b.location?.line ?? 0);
  if (line !== 0) return line;
  const col = (a.location?.col ?? 0) - (b.location?.col ?? 0);
  if (col !== 0) return col;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  const sev = SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
  if (sev !== 0) return sev;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Sorted copy without exact duplicates (the same problem found through two routes is said once). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.severity}\u0000${formatDiagnostic(d)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(d);
  }
  return unique.sort(compareDiagnostics);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

export function error(message: string, pathText = "", location?: SourceLocation): Diagnostic {
  return location ? { severity: "error", path: pathText, message, location } : { severity: "error", path: pathText, message };
}

export function warning(message: string, pathText = "", location?: SourceLocation): Diagnostic {
  return location ? { severity: "warning", path: pathText, message, location } : { severity: "warning", path: pathText, message };
}

export function info(message: string, pathText = "", location?: SourceLocation): Diagnostic {
  return location ? { severity: "info", path: pathText, message, location } : { severity: "info", path: pathText, message };
}

/** A file name for messages: relative to the current directory when the file is under it. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  return pathInside(file, cwd) ?? file;
}

/** Location of a whole file (problems with no better place, such as an unreadable file). */
export function fileLocation(file: string): SourceLocation {
  return { file: displayPath(file), line: 1, col: 1 };
}

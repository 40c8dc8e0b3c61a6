/**
 * A plain-text table for terminals: columns padded to their widest cell, two spaces apart, no
 * trailing spaces; with `rule`, a line of dashes under the header.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], options: { readonly rule?: boolean } = {}): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...(options.rule ? [line(widths.map((w) => "-".repeat(w)))] : []), ...rows.map(line)].join("\n");
}

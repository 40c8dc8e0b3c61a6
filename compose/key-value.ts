/**
 * `KEY=VALUE`, as compose writes the entries of its list-or-mapping keys (environment, labels,
 * build args, ...): the key up to the first `=`, the value after it (which may hold more `=`);
 * without `=`, the entry has no value (null), which compose reads as "take it from the shell"
 * for environment and as unset elsewhere.
 */
export function splitKeyValue(text: string): [key: string, value: string | null] {
  const eq = text.indexOf("=");
  return eq < 0 ? [text, null] : [text.slice(0, eq), text.slice(eq + 1)];
}

/** The same entries with their keys in sorted order, so JSON output never depends on input order. */
export function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  // fromEntries defines own properties: an assignment would turn a `__proto__` key (a legal
  // variable or label name) into the object's prototype and drop the entry.
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key] ?? ""]),
  );
}

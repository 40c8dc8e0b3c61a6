/** Value conversions compose defines by reference to Go and Docker: durations, byte sizes, CPU counts, shell words. */

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Go's time.ParseDuration format, which compose uses (`1m30s`, `500ms`, `1.5h`), in seconds.
 * A bare number is taken as seconds, as compose-go does for integers.
 */
export function parseDuration(value: unknown): Parsed<number> {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return ok(value);
  if (typeof value !== "string") return fail(`must be a duration like "30s" or "1m30s", got ${JSON.stringify(value)}`);
  const text = value.trim();
  if (text === "0") return ok(0);
  const pattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    total += Number(match[1]) * (DURATION_UNITS[match[2] as string] ?? 0);
    consumed = pattern.lastIndex;
  }
  if (text === "" || consumed !== text.length)
    return fail(`must be a duration like "30s" or "1m30s" (units h, m, s, ms, us, ns), got ${JSON.stringify(value)}`);
  return ok(Math.round(total * 1e9) / 1e9);
}

const BYTE_MULTIPLES: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/**
 * Docker's RAMInBytes (go-units), which compose uses for memory and sizes: binary multiples,
 * case-insensitive, an optional `i` and `b` after the unit letter (`512m`, `512M`, `1G`,
 * `10000Mb`, `1gb`, `512Mi`, `1GiB`); a bare number is bytes.
 */
export function parseBytes(value: unknown): Parsed<number> {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return ok(Math.round(value));
  if (typeof value !== "string") return fail(`must be a size like "512m" or "1g", got ${JSON.stringify(value)}`);
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?\s*$/i.exec(value);
  if (match === null) return fail(`must be a size like "512m" or "1g" (units b, k, m, g, t, p), got ${JSON.stringify(value)}`);
  return ok(Math.round(Number(match[1]) * (BYTE_MULTIPLES[(match[2] ?? "").toLowerCase()] ?? 1)));
}

/** `cpus: 0.5` or `"0.5"`: a fraction of CPUs. */
export function parseCpus(value: unknown): Parsed<number> {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) return fail(`must be a number of CPUs like 0.5 or "2", got ${JSON.stringify(value)}`);
  return ok(n);
}

/**
 * Splits a command string into words as compose does (POSIX shell quoting, no expansion):
 * `sh -c "echo Hello"` becomes ["sh", "-c", "echo Hello"].
 */
export function shellWords(text: string): Parsed<string[]> {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return fail(`unterminated single quote in ${JSON.stringify(text)}`);
      current += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let closed = false;
      for (; j < text.length; j++) {
        const d = text[j] as string;
        if (d === "\\" && j + 1 < text.length && '"\\$`\n'.includes(text[j + 1] as string)) {
          current += text[j + 1];
          j++;
        } else if (d === '"') {
          closed = true;
          break;
        } else {
          current += d;
        }
      }
      if (!closed) return fail(`unterminated double quote in ${JSON.stringify(text)}`);
      inWord = true;
      i = j;
    } else if (c === "\\" && i + 1 < text.length) {
      if (text[i + 1] !== "\n") current += text[i + 1];
      inWord = true;
      i++;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return ok(words);
}

import fc from "fast-check";
import { parseBytes, parseDuration, shellWords } from "../../compose/units";
import { assertProperty, textOf } from "../helpers/property";

/** Properties of Go durations, Docker byte sizes and shell words, each against a simple model. */

const SECONDS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
/** go-units' RAMInBytes: `<number>[ ][kmgtp][i][b]`, case-insensitive, binary multiples. */
const MULTIPLE: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
const sizeUnit = fc
  .tuple(fc.constantFrom(...Object.keys(MULTIPLE)), fc.constantFrom("", "i"), fc.constantFrom("", "b"), fc.constantFrom("", " "))
  .map(([letter, i, b, space]) => ({
    text: `${space}${letter}${i}${b}`,
    multiple: MULTIPLE[letter] ?? 1,
  }));

/** A decimal: `5`, `1.5`, `0.025`; with `bare`, Go's `.5` (durations only: sizes need a leading digit). */
const decimalOf = (bare: boolean) =>
  fc
    .tuple(fc.integer({ min: 0, max: 100_000 }), fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }), fc.boolean())
    .map(([whole, fraction, dropZero]) => ({
      text: fraction === undefined ? String(whole) : `${bare && dropZero && whole === 0 ? "" : whole}.${String(fraction).padStart(3, "0")}`,
      value: whole + (fraction ?? 0) / 1000,
    }));
const decimal = decimalOf(true);
const sizeNumber = decimalOf(false);

const closeTo = (actual: number, expected: number) => Math.abs(actual - expected) <= 1e-9 + Math.abs(expected) * 1e-12;

describe("duration properties (Go's time.ParseDuration, in seconds)", () => {
  test("GIVEN any sequence of number+unit parts WHEN parsed THEN it is the sum of the parts", () => {
    assertProperty(
      fc.property(fc.array(fc.tuple(decimal, fc.constantFrom(...Object.keys(SECONDS))), { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.map(([n, unit]) => `${n.text}${unit}`).join("");
        const parsed = parseDuration(text);
        const sum = parts.reduce((total, [n, unit]) => total + n.value * (SECONDS[unit] ?? 0), 0);
        expect(parsed.ok && closeTo(parsed.value, sum) ? "ok" : { text, parsed, sum }).toBe("ok");
      }),
    );
  });

  test("GIVEN whole seconds WHEN written as Go prints them (1h2m3s) and parsed THEN the same seconds come back", () => {
    assertProperty(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (seconds) => {
        const h = Math.floor(seconds / 3600);
        const m = Math.floor((seconds % 3600) / 60);
        const s = seconds % 60;
        const text = `${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${s}s`;
        expect(parseDuration(text)).toEqual({ ok: true, value: seconds });
      }),
    );
  });

  test("GIVEN a number without a unit, a unit Go does not know or a sign WHEN parsed THEN it is refused", () => {
    assertProperty(
      fc.property(decimal, fc.constantFrom("", "d", "sec", "S", "H", "min", " s", "s5"), (n, unit) => {
        fc.pre(!(unit === "" && n.text === "0"));
        expect(parseDuration(`${n.text}${unit}`).ok).toBe(false);
        expect(parseDuration(`-${n.text}s`).ok).toBe(false);
      }),
    );
  });
});

describe("byte size properties (Docker's RAMInBytes)", () => {
  test("GIVEN a number and a unit (k, m, g, t, p; i and b optional) in any letter case WHEN parsed THEN it is the number times the binary multiple, rounded", () => {
    assertProperty(
      fc.property(sizeNumber, sizeUnit, fc.boolean(), (n, unit, upper) => {
        const text = `${n.text}${upper ? unit.text.toUpperCase() : unit.text}`;
        expect(parseBytes(text)).toEqual({ ok: true, value: Math.round(Number(n.text) * unit.multiple) });
      }),
    );
  });

  test("GIVEN two numbers with the same unit WHEN parsed THEN the larger number is never fewer bytes", () => {
    assertProperty(
      fc.property(sizeNumber, sizeNumber, sizeUnit, (a, b, unit) => {
        const [x, y] = [parseBytes(`${a.text}${unit.text}`), parseBytes(`${b.text}${unit.text}`)];
        if (!x.ok || !y.ok) throw new Error(`${a.text}${unit.text} and ${b.text}${unit.text} must parse`);
        if (a.value <= b.value) expect(x.value).toBeLessThanOrEqual(y.value);
      }),
    );
  });

  test("GIVEN a unit go-units does not know, a sign or no number WHEN parsed THEN it is refused", () => {
    assertProperty(
      fc.property(sizeNumber, fc.constantFrom("x", "kk", "bi", "e3", "mib5"), (n, unit) => {
        expect(parseBytes(`${n.text}${unit}`).ok).toBe(false);
        expect(parseBytes(`-${n.text}m`).ok).toBe(false);
        expect(parseBytes(`m${n.text}`).ok).toBe(false);
      }),
    );
  });
});

/** Three ways to quote a word for a POSIX shell; each must read back as the word. */
const quoters: readonly ((word: string) => string)[] = [
  (w) => `'${w.replace(/'/g, `'\\''`)}'`,
  (w) => `"${w.replace(/["\\$`]/g, "\\$&")}"`,
  // Backslash before every character; a newline (backslash-newline continues the line) and the empty word in single quotes.
  (w) => (w === "" ? "''" : w.replace(/[^\n]/g, "\\$&").replace(/\n/g, "'\n'")),
];

describe("shell word properties (compose's command and entrypoint strings)", () => {
  test("GIVEN any words WHEN each is quoted in any POSIX way and joined by any white space THEN the split gives the words back", () => {
    const word = fc.oneof(textOf(" \t\n'\"\\$`ab=-", 8), fc.string({ maxLength: 8 }));
    const space = textOf(" \t\n", 3).filter((s) => s !== "");
    assertProperty(
      fc.property(fc.array(fc.tuple(word, fc.integer({ min: 0, max: quoters.length - 1 }), space), { maxLength: 6 }), textOf(" \t\n", 2), (words, leading) => {
        const text = leading + words.map(([w, q, s]) => `${(quoters[q] as (w: string) => string)(w)}${s}`).join("");
        expect(shellWords(text)).toEqual({ ok: true, value: words.map(([w]) => w) });
      }),
    );
  });

  test("GIVEN words without quotes or backslashes WHEN split THEN it is splitting at white space", () => {
    assertProperty(
      fc.property(textOf(" \t\nab=-/.$1", 30), (text) => {
        expect(shellWords(text)).toEqual({ ok: true, value: text.split(/\s+/).filter((w) => w !== "") });
      }),
    );
  });

  test("GIVEN a quote that is never closed WHEN split THEN it is refused, naming the quote", () => {
    assertProperty(
      fc.property(textOf("ab ", 6), fc.constantFrom("'", '"'), textOf("ab \\", 6), (before, quote, after) => {
        fc.pre(!after.includes(quote) && !(quote === '"' && after.endsWith("\\")));
        expect(shellWords(`${before}${quote}${after}`)).toEqual({ ok: false, message: expect.stringMatching(/^unterminated (single|double) quote/) });
      }),
    );
  });
});

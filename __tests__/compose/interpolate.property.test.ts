import fc from "fast-check";
import { interpolateString, Variables } from "../../compose/interpolate";
import { assertProperty, textOf } from "../helpers/property";

/**
 * Properties of compose interpolation, against a small reference model: a template is generated
 * as a tree (text, `$$`, `$NAME`, `${NAME}`, `${NAME<op>argument}` with nested arguments),
 * rendered to compose syntax, and the interpolator must give what the model evaluates.
 */

type Op = ":-" | "-" | ":+" | "+";
type Part =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "dollar" }
  | { readonly kind: "ref"; readonly name: string; readonly braced: boolean }
  | { readonly kind: "op"; readonly name: string; readonly op: Op; readonly argument: readonly Part[] };

const NAMES = ["A", "B", "_x", "LONG_NAME_9", "EMPTY"];
const name = fc.constantFrom(...NAMES);

/** Text without `$`; inside an argument also without `}` (it would end the expression). */
function parts(depth: number, inArgument: boolean): fc.Arbitrary<Part[]> {
  const text = textOf(inArgument ? "ab_1 -:?+{x/" : "ab_1 -:?+{}x/", 6)
    .filter((t) => t !== "")
    .map((t): Part => ({ kind: "text", text: t }));
  const leaves: fc.Arbitrary<Part>[] = [
    text,
    fc.constant<Part>({ kind: "dollar" }),
    fc.record({ kind: fc.constant("ref" as const), name, braced: fc.boolean() }),
  ];
  const op: fc.Arbitrary<Part>[] =
    depth > 0 ? [fc.record({ kind: fc.constant("op" as const), name, op: fc.constantFrom<Op>(":-", "-", ":+", "+"), argument: parts(depth - 1, true) })] : [];
  return fc.array(fc.oneof(...leaves, ...op), { maxLength: 5 });
}

function render(template: readonly Part[]): string {
  let out = "";
  for (let i = template.length - 1; i >= 0; i--) {
    const part = template[i] as Part;
    switch (part.kind) {
      case "text":
        out = part.text + out;
        break;
      case "dollar":
        out = "$$" + out;
        break;
      case "ref":
        // `$NAME` followed by a name character would read as a longer name: brace it then.
        out = (part.braced || /^[_a-zA-Z0-9]/.test(out) ? `\${${part.name}}` : `$${part.name}`) + out;
        break;
      case "op":
        out = `\${${part.name}${part.op}${render(part.argument)}}` + out;
        break;
    }
  }
  return out;
}

/** The Compose spec's rules, written the simple way. */
function evaluate(template: readonly Part[], vars: Variables, unset: string[]): string {
  return template
    .map((part) => {
      switch (part.kind) {
        case "text":
          return part.text;
        case "dollar":
          return "$";
        case "ref": {
          const value = vars[part.name];
          if (value === undefined) unset.push(part.name);
          return value ?? "";
        }
        case "op": {
          const value = vars[part.name];
          const present = part.op.startsWith(":") ? value !== undefined && value !== "" : value !== undefined;
          if (part.op.endsWith("-")) return present ? (value as string) : evaluate(part.argument, vars, unset);
          return present ? evaluate(part.argument, vars, unset) : "";
        }
      }
    })
    .join("");
}

/** Values may hold anything, `$` and `}` included: they are never interpolated again. */
const variables: fc.Arbitrary<Variables> = fc
  .record(Object.fromEntries(NAMES.map((n) => [n, fc.option(textOf("v$}{ 1", 5), { nil: undefined })])) as Record<string, fc.Arbitrary<string | undefined>>)
  .map((vars) => ({ ...vars, EMPTY: "" }));

describe("interpolation properties", () => {
  test("GIVEN any template and variables WHEN interpolated THEN the value and the unset variables are the reference model's, with no errors", () => {
    assertProperty(
      fc.property(parts(3, false), variables, (template, vars) => {
        const unset: string[] = [];
        const expected = evaluate(template, vars, unset);
        const result = interpolateString(render(template), vars);
        expect(result).toEqual({ value: expected, unset, errors: [] });
      }),
    );
  });

  test("GIVEN any text WHEN every $ is written $$ THEN interpolation gives the text back, whatever the variables", () => {
    assertProperty(
      fc.property(fc.string(), variables, (text, vars) => {
        expect(interpolateString(text.replace(/\$/g, "$$$$"), vars)).toEqual({ value: text, unset: [], errors: [] });
      }),
    );
  });

  test("GIVEN ${NAME:?message} or ${NAME?message} WHEN the variable is missing (or empty, for :?) THEN it is an error naming the variable, else its value", () => {
    assertProperty(
      fc.property(name, fc.constantFrom(":?", "?"), textOf("ab ", 6), variables, (n, op, message, vars) => {
        const value = vars[n];
        const missing = op === ":?" ? value === undefined || value === "" : value === undefined;
        const result = interpolateString(`\${${n}${op}${message}}`, vars);
        if (missing) {
          expect(result.value).toBe("");
          expect(result.errors).toEqual([expect.stringMatching(new RegExp(`^required variable ${n} is (not set|empty)`))]);
        } else {
          expect(result).toEqual({ value, unset: [], errors: [] });
        }
      }),
    );
  });

  test("GIVEN a $ that starts no expression WHEN interpolated THEN it is an error, never a silent substitution", () => {
    assertProperty(
      fc.property(textOf("ab ", 4), fc.constantFrom("$", "$-", "$ x", "${", "${1A}", "${A!x}"), textOf(" -/", 4), variables, (before, bad, after, vars) => {
        expect(interpolateString(`${before}${bad}${after}`, vars).errors.length).toBeGreaterThan(0);
      }),
    );
  });
});

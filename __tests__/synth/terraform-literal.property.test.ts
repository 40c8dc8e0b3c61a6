import fc from "fast-check";
import { terraformLiteral } from "../../stacks/terraform-literal";
import { assertProperty, textOf } from "../helpers/property";

/**
 * Properties of the one escaping function for Terraform, against a model of Terraform's template
 * lexer for literal text: `$${` reads as `${`, `%%{` as `%{`, any other `${` or `%{` starts an
 * interpolation or a directive, every other character is itself. (The terraform tier has
 * Terraform evaluate synthesized strings: __tests__/validate/terraform-literal.test.ts.)
 */

/** What Terraform reads from a template, or where it would start evaluating. */
function terraformReads(template: string): { readonly text: string } | { readonly live: number } {
  let text = "";
  for (let i = 0; i < template.length;) {
    if (template.startsWith("$${", i) || template.startsWith("%%{", i)) {
      text += template.slice(i + 1, i + 3);
      i += 3;
    } else if (template.startsWith("${", i) || template.startsWith("%{", i)) {
      return { live: i };
    } else {
      text += template[i];
      i += 1;
    }
  }
  return { text };
}

/** Strings dense in what Terraform treats specially. */
const userText = fc.oneof(textOf('$%{}a\\"', 16), fc.string());

describe("Terraform escaping properties", () => {
  test("GIVEN any text WHEN made literal THEN Terraform reads exactly that text and evaluates nothing", () => {
    assertProperty(fc.property(userText, (text) => expect(terraformReads(terraformLiteral(text))).toEqual({ text })));
  });

  test("GIVEN text with no ${ or %{ WHEN made literal THEN it is unchanged (nothing else is escaped)", () => {
    assertProperty(
      fc.property(userText, (text) => {
        fc.pre(!text.includes("${") && !text.includes("%{"));
        expect(terraformLiteral(text)).toBe(text);
      }),
    );
  });

  test("GIVEN literal text around a live reference WHEN the text alone is made literal THEN the reference is the only thing Terraform evaluates, unless the text ends in $ (the documented limit)", () => {
    assertProperty(
      fc.property(userText, userText, (before, after) => {
        const template = `${terraformLiteral(before)}\${aws_lb.this.dns_name}${terraformLiteral(after)}`;
        if (before.endsWith("$")) {
          // The limit stacks/terraform-literal.ts documents: `$` + `${` reads as the escape `$${`.
          expect(terraformReads(template)).not.toEqual({ live: terraformLiteral(before).length });
        } else {
          expect(terraformReads(template)).toEqual({ live: terraformLiteral(before).length });
        }
      }),
    );
  });
});

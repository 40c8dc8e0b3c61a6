import { parseDotenv } from "../../compose/dotenv";

describe("parseDotenv", () => {
  test("GIVEN the syntaxes docker compose reads WHEN parsed THEN each gives its value", () => {
    const text = [
      "# comment",
      "PLAIN=value",
      "export EXPORTED=yes",
      "SPACED = padded  ",
      "COLON: yaml-ish",
      "INLINE=value # comment",
      "HASH=a#b",
      "SINGLE='lit $PLAIN # x'",
      'DOUBLE="line\\nbreak ${PLAIN}"',
      'MULTI="first',
      'second"',
      "REF=${PLAIN}-x",
      "EMPTY=",
      "FROM_HOST",
      "NOT_ON_HOST",
      "",
    ].join("\n");
    const { values, problems } = parseDotenv(text, { FROM_HOST: "host" });
    expect(problems).toEqual([]);
    expect(values).toEqual({
      PLAIN: "value",
      EXPORTED: "yes",
      SPACED: "padded",
      COLON: "yaml-ish",
      INLINE: "value",
      HASH: "a#b",
      SINGLE: "lit $PLAIN # x",
      DOUBLE: "line\nbreak value",
      MULTI: "first\nsecond",
      REF: "value-x",
      EMPTY: "",
      FROM_HOST: "host",
    });
  });

  test("GIVEN an unterminated quote and a bad name WHEN parsed THEN problems carry line numbers", () => {
    const { problems } = parseDotenv('OK=1\n1BAD=x\nQ="open\n');
    expect(problems.map((p) => p.line)).toEqual([2, 3]);
  });

  test("GIVEN a variable named __proto__ WHEN parsed THEN it is a problem on its line, and the other variables are kept", () => {
    const { values, problems } = parseDotenv("A=1\n__proto__=x\nB=2\n");
    expect(problems).toEqual([{ line: 2, message: expect.stringMatching(/__proto__ is not supported/) }]);
    expect(values).toEqual({ A: "1", B: "2" });
  });
});

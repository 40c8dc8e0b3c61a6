import { interpolateString, interpolateTree } from "../../compose/interpolate";
import { parseCompose } from "../../compose/parse";
import { getNode } from "../../compose/raw";

describe("interpolateString (stage 2)", () => {
  const vars = { SET: "value", EMPTY: "", PORT: "8080", NESTED: "inner" };

  test.each([
    ["$SET", "value"],
    ["${SET}", "value"],
    ["pre-${SET}-post", "pre-value-post"],
    ["${UNSET:-default}", "default"],
    ["${EMPTY:-default}", "default"],
    ["${EMPTY-default}", ""],
    ["${UNSET-default}", "default"],
    ["${SET:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${UNSET+alt}", ""],
    ["${UNSET:-${NESTED:-x}}", "inner"],
    ["${UNSET:-${ALSO_UNSET:-deep}}", "deep"],
    ["$$SET", "$SET"],
    ["$${SET}", "${SET}"],
    ["${UNSET:-$$}", "$"],
    ["${UNSET:-a:b}", "a:b"],
    ["${PORT}:80", "8080:80"],
  ])("GIVEN %s WHEN interpolated THEN it becomes %s", (template, expected) => {
    const result = interpolateString(template, vars);
    expect(result.errors).toEqual([]);
    expect(result.value).toBe(expected);
  });

  test.each([
    ["${UNSET:?please set it}", /required variable UNSET is not set: please set it/],
    ["${EMPTY:?must not be empty}", /required variable EMPTY is empty/],
    ["${UNSET?}", /required variable UNSET is not set/],
    ["${SET", /missing "}"/],
    ["${1abc}", /variable name/],
    ["${SET:=x}", /expected one of/],
    ["cost $5", /write \$\$ for a literal \$/],
  ])("GIVEN %s WHEN interpolated THEN it is an error", (template, message) => {
    expect(interpolateString(template, vars).errors.join("\n")).toMatch(message);
  });

  test("GIVEN ${EMPTY?x} (no colon) WHEN the variable is set but empty THEN it is accepted", () => {
    expect(interpolateString("${EMPTY?x}", vars)).toMatchObject({ value: "", errors: [] });
  });

  test("GIVEN an unset variable without default WHEN interpolated THEN it becomes empty and is listed", () => {
    expect(interpolateString("a${NOPE}b$NOPE2", vars)).toEqual({ value: "ab", unset: ["NOPE", "NOPE2"], errors: [] });
  });
});

describe("interpolateTree", () => {
  const tree = (text: string) => parseCompose(text, "compose.yaml").root!;

  test("GIVEN an unset required variable WHEN the tree is interpolated THEN the error names file, line and compose path", () => {
    const { diagnostics } = interpolateTree(tree("services:\n  web:\n    image: ${IMAGE:?set IMAGE}\n"), {});
    expect(diagnostics).toEqual([
      {
        severity: "error",
        path: "services.web.image",
        message: "required variable IMAGE is not set: set IMAGE",
        location: { file: "compose.yaml", line: 3, col: 12 },
      },
    ]);
  });

  test("GIVEN values typed as numbers or booleans by the spec WHEN filled from variables THEN they are cast; other strings stay strings", () => {
    const { root } = interpolateTree(tree("services:\n  web:\n    image: ${N}\n    read_only: ${RO}\n    deploy:\n      replicas: ${N}\n"), {
      N: "3",
      RO: "true",
    });
    expect(getNode(root, ["services", "web", "deploy", "replicas"])).toMatchObject({ value: 3, template: "${N}" });
    expect(getNode(root, ["services", "web", "read_only"])).toMatchObject({ value: true });
    expect(getNode(root, ["services", "web", "image"])).toMatchObject({ value: "3" });
  });

  test("GIVEN the same unset variable twice WHEN interpolated THEN one warning is given", () => {
    const { diagnostics } = interpolateTree(tree("services:\n  a: {image: $X}\n  b: {image: $X}\n"), {});
    expect(diagnostics.map((d) => [d.severity, d.message])).toEqual([["warning", "variable X is not set; using an empty string"]]);
  });

  test("GIVEN keys with $ WHEN interpolated THEN keys are left as written", () => {
    const { root } = interpolateTree(tree("services:\n  web:\n    labels:\n      $KEY: $VALUE\n"), { KEY: "k", VALUE: "v" });
    expect(getNode(root, ["services", "web", "labels", "$KEY"])).toMatchObject({ value: "v" });
  });
});

import { parseCompose } from "../../compose/parse";
import { getNode, locate, toPlain } from "../../compose/raw";

describe("parseCompose (stage 1: YAML with positions)", () => {
  test("GIVEN nested values WHEN parsed THEN every node keeps its line and column", () => {
    const { root, diagnostics } = parseCompose('services:\n  web:\n    ports:\n      - "80:80"\n', "compose.yaml");
    expect(diagnostics).toEqual([]);
    expect(locate(root, ["services", "web", "ports", 0])).toEqual({ file: "compose.yaml", line: 4, col: 9 });
    expect(locate(root, ["services", "web"], true)).toEqual({ file: "compose.yaml", line: 2, col: 3 });
  });

  test("GIVEN anchors, aliases and << merge keys WHEN parsed THEN explicit keys win over merged ones and earlier sources win over later", () => {
    const text = [
      "x-a: &a {image: a, user: root}",
      "x-b: &b {image: b, working_dir: /b}",
      "services:",
      "  web:",
      "    <<: [*a, *b]",
      "    user: app",
      "  db: *a",
    ].join("\n");
    const { root } = parseCompose(text, "f.yml");
    expect(toPlain(getNode(root, ["services"])!)).toEqual({
      web: { image: "a", user: "app", working_dir: "/b" },
      db: { image: "a", user: "root" },
    });
  });

  test.each([
    ["!reset on a scalar", "command: !reset", { kind: "scalar", tag: "!reset", value: null }],
    ["!reset on a list", "ports: !reset []", { kind: "seq", tag: "!reset" }],
    ["!override on a list", 'ports: !override ["80:80"]', { kind: "seq", tag: "!override" }],
  ])("GIVEN %s WHEN parsed THEN the merge tag is kept without a warning", (_name, line, expected) => {
    const { root, diagnostics } = parseCompose(`services:\n  web:\n    ${line}\n`, "f.yml");
    expect(diagnostics).toEqual([]);
    const key = line.split(":")[0] as string;
    expect(getNode(root, ["services", "web", key])).toMatchObject(expected);
  });

  test("GIVEN malformed YAML WHEN parsed THEN each problem is an error with its line and no tree is returned", () => {
    const text = 'services:\n  wordpress:\n    ports:\n      - "80:80", "77:77"\n  mysql:\n\timage: mysql\n';
    const { root, diagnostics } = parseCompose(text, "bad.yml");
    expect(root).toBeUndefined();
    expect(diagnostics.length).toBeGreaterThanOrEqual(2);
    expect(diagnostics.every((d) => d.severity === "error" && d.message.startsWith("invalid YAML"))).toBe(true);
    expect(diagnostics.map((d) => d.location?.line)).toEqual(expect.arrayContaining([4, 6]));
    expect(diagnostics.some((d) => /tab/i.test(d.message))).toBe(true);
  });

  test("GIVEN a duplicate key WHEN parsed THEN it is an error", () => {
    const { diagnostics } = parseCompose("services:\n  a: {image: x}\n  a: {image: y}\n", "dup.yml");
    expect(diagnostics[0]).toMatchObject({ severity: "error", location: { line: 3 } });
    expect(diagnostics[0]?.message).toMatch(/unique/);
  });

  test("GIVEN a document marker and a top-level list WHEN parsed THEN the list is refused as not a mapping", () => {
    expect(parseCompose("---\nservices: {}\n", "f.yml").diagnostics).toEqual([]);
    expect(parseCompose("- a\n- b\n", "f.yml").diagnostics[0]?.message).toMatch(/must be a mapping/);
  });

  test("GIVEN aliases that expand exponentially WHEN parsed THEN loading is refused instead of expanding", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? "*a" : `*l${i - 1}`)
          .join(", ")}]`,
      );
    const { diagnostics } = parseCompose(levels.join("\n"), "bomb.yml");
    expect(diagnostics[0]?.message).toMatch(/refusing/);
  });

  test.each([
    ["a sequence", "x: &a [*a]\nservices: {}\n", 1, 8],
    ["a mapping", "x: &a\n  self: *a\nservices: {}\n", 2, 9],
  ])("GIVEN an alias inside %s it names WHEN parsed THEN it is an error at the alias, not a crash", (_name, text, line, col) => {
    const { root, diagnostics } = parseCompose(text, "loop.yml");
    expect(root).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: "error", location: { file: "loop.yml", line, col } });
    expect(diagnostics[0]?.message).toMatch(/alias \*a .*recursive/);
  });

  test("GIVEN several documents WHEN parsed THEN they merge like -f files: services of every document are kept, later values win", () => {
    const text = "services:\n  web:\n    image: nginx\n    environment: {A: '1'}\n---\nservices:\n  web:\n    environment: {B: '2'}\n  db:\n    image: redis\n";
    const { root, diagnostics } = parseCompose(text, "multi.yml");
    expect(diagnostics).toEqual([]);
    expect(toPlain(getNode(root, ["services"])!)).toEqual({
      web: { image: "nginx", environment: { A: "1", B: "2" } },
      db: { image: "redis" },
    });
  });
});

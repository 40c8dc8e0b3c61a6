import { formatDiagnostic, sortDiagnostics } from "../../compose/diagnostics";
import { loadProject, messages } from "./helpers";

describe("formatDiagnostic", () => {
  test.each([
    [
      "an error",
      { severity: "error" as const, path: "services.web.ports[0]", message: "bad", location: { file: "compose.yaml", line: 12, col: 7 } },
      "compose.yaml:12:7 services.web.ports[0]: bad",
    ],
    [
      "a warning",
      { severity: "warning" as const, path: "services.web.privileged", message: "dropped", location: { file: "c.yml", line: 3, col: 5 } },
      "c.yml:3:5 services.web.privileged: warning: dropped",
    ],
    ["a file-level problem", { severity: "error" as const, path: "", message: "not found" }, "not found"],
    ["control characters from the input", { severity: "error" as const, path: "x", message: 'value "a\u0000b\u001b[31m"' }, 'x: value "a\\u0000b\\u001b[31m"'],
  ])("GIVEN %s WHEN formatted THEN it is one line: file:line:col path: message", (_what, diagnostic, expected) => {
    expect(formatDiagnostic(diagnostic)).toBe(expected);
  });

  test("GIVEN a compose file with a control character in a value WHEN loaded THEN the message shows it escaped, on one line", () => {
    const result = loadProject({ "compose.yaml": 'services:\n  web:\n    image: nginx\n    ports: ["\\x01"]\n' });
    const lines = messages(result);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^.*compose\.yaml:4:\d+ services\.web\.ports\[0\]: .*\\u0001/);
    // eslint-disable-next-line no-control-regex -- no raw control character may reach the terminal
    expect(lines[0]).not.toMatch(/[\u0000-\u001f]/);
  });

  test("GIVEN an environment variable and a label named __proto__ WHEN loaded THEN each is an error at its key, never silently dropped", () => {
    const result = loadProject({
      "compose.yaml": "services:\n  web:\n    image: nginx\n    environment:\n      __proto__: x\n      B: y\n    labels:\n      - __proto__=z\n",
    });
    const lines = messages(result).filter((line) => line.includes("__proto__"));
    expect(lines).toEqual([
      expect.stringMatching(/compose\.yaml:5:7 services\.web\.environment\.__proto__: the key __proto__ is not supported/),
      expect.stringMatching(/compose\.yaml:8:\d+ services\.web\.labels\[0\]: the key __proto__ is not supported/),
    ]);
    expect(result.project).toBeUndefined();
  });

  test("GIVEN the same problem twice WHEN sorted THEN it is said once, in file/line order", () => {
    const a = { severity: "error" as const, path: "p", message: "m", location: { file: "f", line: 2, col: 1 } };
    const b = { severity: "error" as const, path: "q", message: "n", location: { file: "f", line: 1, col: 1 } };
    expect(sortDiagnostics([a, b, a]).map(formatDiagnostic)).toEqual(["f:1:1 q: n", "f:2:1 p: m"]);
  });
});

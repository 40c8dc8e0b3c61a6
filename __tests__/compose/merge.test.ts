import { resolveExtends } from "../../compose/extends";
import { mergeProjects } from "../../compose/merge";
import { parseCompose } from "../../compose/parse";
import { applyProfiles, parseProfileList } from "../../compose/profiles";
import { RawMap, getNode, toPlain } from "../../compose/raw";

const tree = (text: string, file = "f.yml"): RawMap => parseCompose(text, file).root as RawMap;
const web = (root: RawMap): unknown => toPlain(getNode(root, ["services", "web"])!);

describe("mergeProjects (stage 3: several -f files)", () => {
  test("GIVEN a base and an override WHEN merged THEN mappings merge key by key and scalars are replaced", () => {
    const merged = mergeProjects(tree("services:\n  web:\n    image: a\n    user: root\n"), tree("services:\n  web:\n    image: b\n  db:\n    image: pg\n"));
    expect(toPlain(getNode(merged, ["services"])!)).toEqual({ web: { image: "b", user: "root" }, db: { image: "pg" } });
  });

  test.each([
    ["command is replaced", "command: [a, b]", "command: [c]", { command: ["c"] }],
    ["entrypoint is replaced", "entrypoint: sh", "entrypoint: [bash]", { entrypoint: ["bash"] }],
    [
      "healthcheck.test is replaced, the rest merges",
      "healthcheck: {test: [CMD, a], retries: 3}",
      "healthcheck: {test: [CMD, b]}",
      { healthcheck: { test: ["CMD", "b"], retries: 3 } },
    ],
    ["ports merge by mapping", "ports: ['80:80', '443:443']", "ports: ['80:80', '8080:8080']", { ports: ["80:80", "443:443", "8080:8080"] }],
    ["volumes merge by target", "volumes: ['va:/data', 'vb:/logs']", "volumes: ['vc:/data']", { volumes: ["vc:/data", "vb:/logs"] }],
    ["environment list and map merge by name", "environment: [A=1, B=2]", "environment: {B: '3', C: '4'}", { environment: { A: "1", B: "3", C: "4" } }],
    [
      "depends_on list and map merge",
      "depends_on: [db]",
      "depends_on: {cache: {condition: service_healthy}}",
      { depends_on: { db: { condition: "service_started" }, cache: { condition: "service_healthy" } } },
    ],
    ["dns string and list append", "dns: 1.1.1.1", "dns: [8.8.8.8]", { dns: ["1.1.1.1", "8.8.8.8"] }],
    ["secrets merge by target", "secrets: [a, {source: b, target: t}]", "secrets: [{source: c, target: t}]", { secrets: ["a", { source: "c", target: "t" }] }],
    ["build string and mapping merge", "build: ./app", "build: {target: prod}", { build: { context: "./app", target: "prod" } }],
    [
      "logging with another driver is replaced",
      "logging: {driver: syslog, options: {a: '1'}}",
      "logging: {driver: awslogs}",
      { logging: { driver: "awslogs" } },
    ],
    [
      "logging with the same driver merges options",
      "logging: {driver: x, options: {a: '1'}}",
      "logging: {options: {b: '2'}}",
      { logging: { driver: "x", options: { a: "1", b: "2" } } },
    ],
    ["!reset removes the value", "ports: ['80:80']", "ports: !reset []", {}],
    ["!override replaces without merging", "ports: ['80:80']", "ports: !override ['81:81']", { ports: ["81:81"] }],
  ])("GIVEN %s", (_name, base, override, expected) => {
    const merged = mergeProjects(tree(`services:\n  web:\n    ${base}\n`), tree(`services:\n  web:\n    ${override}\n`));
    expect(web(merged)).toEqual(expected);
  });

  test("GIVEN a merged value WHEN located THEN it points at the file that set it", () => {
    const merged = mergeProjects(tree("services:\n  web:\n    image: a\n", "base.yml"), tree("services:\n  web:\n    user: b\n", "override.yml"));
    expect(getNode(merged, ["services", "web", "image"])?.loc?.file).toBe("base.yml");
    expect(getNode(merged, ["services", "web", "user"])?.loc?.file).toBe("override.yml");
  });
});

describe("resolveExtends", () => {
  test("GIVEN a same-file extends with !reset WHEN resolved THEN the base is merged under the service and the reset key removed", () => {
    const root = tree("services:\n  init:\n    image: alpine\n    command: sleep infinity\n  base:\n    extends: { service: init }\n    command: !reset\n");
    const { root: resolved, diagnostics } = resolveExtends(root, "f.yml", () => undefined);
    expect(diagnostics).toEqual([]);
    expect(toPlain(getNode(resolved, ["services", "base"])!)).toEqual({ image: "alpine" });
  });

  test("GIVEN a chain of extends in another file WHEN resolved THEN each level is applied", () => {
    const other = tree("services:\n  a:\n    image: a\n    environment: [X=1]\n  b:\n    extends: a\n    user: b\n", "other.yml");
    const root = tree("services:\n  web:\n    extends: {file: other.yml, service: b}\n    environment: {Y: '2'}\n");
    const { root: resolved } = resolveExtends(root, "f.yml", (file) => (file === "other.yml" ? other : undefined));
    expect(web(resolved)).toEqual({ image: "a", user: "b", environment: { X: "1", Y: "2" } });
  });

  test.each([
    ["a cycle", "services:\n  web:\n    extends: db\n  db:\n    extends: web\n", /circular extends: .*web -> db -> web|circular extends: .*db -> web -> db/],
    ["an undefined service", "services:\n  web:\n    extends: nothing\n", /extends undefined service "nothing"/],
  ])("GIVEN %s WHEN resolved THEN it is an error at the extends key", (_name, text, message) => {
    const { diagnostics } = resolveExtends(tree(text), "f.yml", () => undefined);
    expect(diagnostics[0]?.message).toMatch(message);
    expect(diagnostics[0]?.path).toMatch(/^services\.(web|db)\.extends$/);
  });
});

describe("applyProfiles", () => {
  const root = tree("services:\n  web: {image: w}\n  debug: {image: d, profiles: [debug]}\n  flower: {image: f, profiles: [flower, ops]}\n");
  test.each([
    [[], ["web"]],
    [["debug"], ["debug", "web"]],
    [["ops"], ["flower", "web"]],
    [["*"], ["debug", "flower", "web"]],
  ])("GIVEN active profiles %j THEN the enabled services are %j", (active, expected) => {
    const { root: out } = applyProfiles(root, active);
    expect(Object.keys(toPlain(getNode(out, ["services"])!) as object).sort()).toEqual(expected);
  });

  test("GIVEN COMPOSE_PROFILES and --profile values THEN they are split on commas, trimmed and de-duplicated", () => {
    expect(parseProfileList(["a, b", "b", undefined, ""])).toEqual(["a", "b"]);
  });
});

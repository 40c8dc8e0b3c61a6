import { checkConsistency } from "../../compose/consistency";
import { formatDiagnostic } from "../../compose/diagnostics";
import { parseCompose } from "../../compose/parse";
import { RawMap } from "../../compose/raw";
import { validateSchema } from "../../compose/validate-schema";

const tree = (text: string): RawMap => parseCompose(text, "compose.yaml").root as RawMap;
const schemaErrors = (text: string): string[] => validateSchema(tree(text)).map(formatDiagnostic);
const consistencyErrors = (text: string, disabled: ReadonlyMap<string, readonly string[]> = new Map()): string[] =>
  checkConsistency(tree(text), disabled).map(formatDiagnostic);

describe("validateSchema (stage 4: the Compose Specification schema)", () => {
  test("GIVEN a valid file WHEN validated THEN there is nothing to say", () => {
    expect(schemaErrors("services:\n  web:\n    image: nginx\n    ports: ['80:80', {target: 81, published: '8081'}]\n")).toEqual([]);
  });

  test.each([
    [
      "an unknown service key",
      "services:\n  web:\n    image: nginx\n    imagee: x\n",
      'compose.yaml:4:5 services.web.imagee: unknown key "imagee" in services.web',
    ],
    ["an unknown top-level key", "services: {}\nservice: {}\n", 'compose.yaml:2:1 service: unknown key "service" at the top level'],
    [
      "a service name with a space",
      "services:\n  bad name:\n    image: x\n",
      'compose.yaml:2:3 services["bad name"]: invalid service name "bad name": use only letters, digits, ".", "_" and "-"',
    ],
    [
      "a volume name with a slash",
      "services: {}\nvolumes:\n  a/b: {}\n",
      'compose.yaml:3:3 volumes.a/b: invalid volume name "a/b": use only letters, digits, ".", "_" and "-"',
    ],
    ["a wrong type", "services:\n  web:\n    image: [nginx]\n", "compose.yaml:3:12 services.web.image: must be a string, got a list"],
    [
      "a port of the wrong shape",
      "services:\n  web:\n    image: x\n    ports:\n      - [80]\n",
      "compose.yaml:5:9 services.web.ports[0]: must be a number, a string or a mapping, got a list",
    ],
    [
      "a long-syntax port with an unknown key",
      "services:\n  web:\n    image: x\n    ports:\n      - {target: 80, publised: 80}\n",
      'compose.yaml:5:22 services.web.ports[0].publised: unknown key "publised" in services.web.ports[0]',
    ],
    [
      "a bad depends_on condition",
      "services:\n  web:\n    image: x\n    depends_on:\n      db: {condition: healthy}\n",
      /services\.web\.depends_on\.db\.condition: must be one of "service_started", "service_healthy", "service_completed_successfully"/,
    ],
    [
      "an environment that is neither list nor mapping",
      "services:\n  web:\n    image: x\n    environment: 5\n",
      /services\.web\.environment: must be a mapping or a list, got number 5/,
    ],
  ])("GIVEN %s WHEN validated THEN one message names the compose path and line", (_name, text, expected) => {
    const errors = schemaErrors(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(expected instanceof RegExp ? expected : new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  });

  test("GIVEN several problems WHEN validated THEN all are reported in one run", () => {
    const errors = schemaErrors("services:\n  a:\n    image: 1.5\n    foo: 1\n  b:\n    restart: [x]\n");
    expect(errors.length).toBe(3);
  });
});

describe("checkConsistency (stage 4: the spec's consistency rules)", () => {
  test("GIVEN references to undefined resources WHEN checked THEN each is an error at the reference", () => {
    const errors = consistencyErrors(
      [
        "services:",
        "  web:",
        "    image: x",
        "    networks: [back]",
        "    volumes: ['data:/data', './local:/local']",
        "    secrets: [token]",
        "    configs: [{source: conf}]",
        "    depends_on: [db]",
        "    links: ['cache:c']",
        "    network_mode: service:proxy",
      ].join("\n"),
    );
    expect([...errors].sort()).toEqual(
      [
        'compose.yaml:4:16 services.web.networks[0]: refers to undefined network "back"',
        'compose.yaml:5:15 services.web.volumes[0]: refers to undefined volume "data"',
        'compose.yaml:6:15 services.web.secrets[0]: refers to undefined secret "token"',
        'compose.yaml:7:15 services.web.configs[0]: refers to undefined config "conf"',
        'compose.yaml:8:18 services.web.depends_on[0]: service "web" depends on undefined service "db"',
        'compose.yaml:9:13 services.web.links[0]: service "web" links to undefined service "cache"',
        'compose.yaml:10:19 services.web.network_mode: service "web" uses network_mode of undefined service "proxy"',
      ].sort(),
    );
  });

  test("GIVEN a dependency on a service disabled by a profile WHEN checked THEN the message says which profile enables it", () => {
    const errors = consistencyErrors("services:\n  web:\n    image: x\n    depends_on: [debug]\n", new Map([["debug", ["tools"]]]));
    expect(errors[0]).toMatch(/only enabled with profile "tools" \(activate it with --profile tools\)/);
  });

  test("GIVEN required: false WHEN the dependency is missing THEN it is only a warning", () => {
    const result = checkConsistency(
      tree("services:\n  web:\n    image: x\n    depends_on:\n      db: {condition: service_started, required: false}\n"),
      new Map(),
    );
    expect(result.map((d) => d.severity)).toEqual(["warning"]);
  });

  test("GIVEN a depends_on cycle WHEN checked THEN it is reported once, from its first service, with the whole chain", () => {
    const errors = consistencyErrors(
      "services:\n  c: {image: x, depends_on: [a]}\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [c]}\n  d: {image: x, depends_on: [a]}\n",
    );
    expect(errors).toEqual(["compose.yaml:3:17 services.a.depends_on: dependency cycle: a -> b -> c -> a"]);
  });

  test("GIVEN a service with neither image nor build WHEN checked THEN it is an error at the service", () => {
    expect(consistencyErrors("services:\n  web:\n    ports: ['80:80']\n")).toEqual([
      'compose.yaml:2:3 services.web: service "web" has neither an image nor a build section: nothing to deploy',
    ]);
  });

  test.each([
    ["two services on one host port", "  a: {image: x, ports: ['80:80']}\n  b: {image: x, ports: ['80:8080']}\n", 1],
    ["the same port on tcp and udp", "  a: {image: x, ports: ['53:53/tcp', '53:53/udp']}\n", 0],
    ["different host IPs", "  a: {image: x, ports: ['127.0.0.1:80:80']}\n  b: {image: x, ports: ['127.0.0.2:80:80']}\n", 0],
    ["a range overlapping a port", "  a: {image: x, ports: ['8000-8002:8000-8002']}\n  b: {image: x, ports: ['8001:80']}\n", 1],
  ])("GIVEN %s WHEN checked THEN %i duplicate published port warnings (docker compose could not start both; ECS can)", (_name, services, count) => {
    const found = checkConsistency(tree(`services:\n${services}`), new Map()).filter((d) => /already published/.test(d.message));
    expect(found).toHaveLength(count);
    expect(found.every((d) => d.severity === "warning")).toBe(true);
  });
});

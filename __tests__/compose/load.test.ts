import * as path from "path";
import { formatDiagnostic } from "../../compose/diagnostics";
import { load } from "../../compose/load";
import { loadProject, messages, project } from "./helpers";

const REPO = path.resolve(__dirname, "../..");

describe("load (the whole pipeline)", () => {
  test("GIVEN the bundled seed example WHEN loaded THEN it converts with no warning and the model is as written", () => {
    const result = load({ files: ["examples/seed/docker-compose.yml"], workingDir: REPO, environment: {} });
    expect(result.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    const project = result.project!;
    expect(project.name).toBe("multi-env");
    expect(project.files).toEqual(["examples/seed/docker-compose.yml"]);
    expect(project.services.map((s) => s.name)).toEqual(["boot", "redis", "web"]);
    const web = project.services.find((s) => s.name === "web")!;
    expect(web.build).toEqual({ context: "examples/seed/web" });
    expect(web.ports).toEqual([{ target: 5000, published: 5000, protocol: "tcp", entry: 0 }]);
    expect(web.deploy.limits).toEqual({ cpus: 0.25, memoryBytes: 512 * 1024 ** 2 });
    expect(web.ecs).toEqual({ path: "/" });
    expect(web.location).toEqual({ file: "examples/seed/docker-compose.yml", line: 6, col: 3 });
  });

  test("GIVEN no -f WHEN the folder has compose.yaml and compose.override.yaml THEN both load, the override last", () => {
    const dir = project({ "compose.yaml": "services:\n  web: {image: a}\n", "compose.override.yaml": "services:\n  web: {image: b}\n" });
    const result = load({ files: [], workingDir: dir, environment: {} });
    expect(result.project?.services[0]?.image).toBe("b");
    expect(result.project?.files).toEqual(["compose.yaml", "compose.override.yaml"]);
  });

  test("GIVEN COMPOSE_FILE (from .env) WHEN loading without -f THEN its files load in order", () => {
    const dir = project({ ".env": "COMPOSE_FILE=a.yml:b.yml\n", "a.yml": "services:\n  web: {image: a}\n", "b.yml": "services:\n  web: {user: b}\n" });
    const result = load({ files: [], workingDir: dir, environment: {} });
    expect(result.project?.services[0]).toMatchObject({ image: "a", user: "b" });
  });

  test("GIVEN an empty folder WHEN loading without -f THEN the error says which names were looked for", () => {
    const result = load({ files: [], workingDir: project({}), environment: {} });
    expect(messages(result)[0]).toMatch(/no compose file found .* compose\.yaml, compose\.yml, docker-compose\.yaml, docker-compose\.yml/);
  });

  test("GIVEN a .env in the project folder WHEN interpolating THEN host variables win over it", () => {
    const result = loadProject(
      { ".env": "TAG=fromfile\nIMG=nginx\n", "compose.yaml": "services:\n  web: {image: '${IMG}:${TAG}'}\n" },
      { environment: { TAG: "fromhost" } },
    );
    expect(result.project?.services[0]?.image).toBe("nginx:fromhost");
  });

  test("GIVEN include with an env_file and paths relative to the included file WHEN loaded THEN its services join with their own paths", () => {
    const result = loadProject({
      "compose.yaml": "include:\n  - path: ./sub/compose.yaml\n    env_file: ./sub/vars.env\nservices:\n  app: {image: app}\n",
      "sub/compose.yaml": "services:\n  lib:\n    image: 'lib:${LIB_TAG}'\n    env_file: [./lib.env]\n    build: .\n",
      "sub/vars.env": "LIB_TAG=2\n",
      "sub/lib.env": "FROM_FILE=1\n",
    });
    expect(messages(result)).toEqual([]);
    const lib = result.project?.services.find((s) => s.name === "lib");
    expect(lib).toMatchObject({ image: "lib:2", environment: { FROM_FILE: "1" }, build: { context: "sub" } });
  });

  test("GIVEN an included file redefining a service WHEN loaded THEN it is an error", () => {
    const result = loadProject({ "compose.yaml": "include: [other.yaml]\nservices:\n  web: {image: a}\n", "other.yaml": "services:\n  web: {image: b}\n" });
    expect(messages(result).join("\n")).toMatch(/compose\.yaml:3:3 services\.web: service "web" is defined here and in the included file/);
  });

  test.each([
    [
      "an included file",
      "include:\n  - missing/compose.yaml\nservices:\n  web: {image: a}\n",
      /compose\.yaml:2:5 include\[0\]: included file \S*missing\/compose\.yaml: file not found$/,
    ],
    [
      "an extends file",
      "services:\n  web:\n    image: a\n    extends: {file: missing.yaml, service: base}\n",
      /compose\.yaml:4:14 services\.web\.extends: cannot extend service "base": file .*missing\.yaml: file not found$/,
    ],
  ])("GIVEN %s that does not exist WHEN loaded THEN one error at the reference names it", (_name, text, expected) => {
    const errors = messages(loadProject({ "compose.yaml": text }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(expected);
  });

  test("GIVEN extends from another file WHEN loaded THEN that file's relative paths stay relative to it", () => {
    const result = loadProject({
      "compose.yaml": "services:\n  web:\n    extends: {file: base/common.yaml, service: common}\n",
      "base/common.yaml": "services:\n  common:\n    build: ./src\n",
    });
    expect(result.project?.services[0]?.build?.context).toBe("base/src");
  });

  test("GIVEN profiles WHEN given as an option or COMPOSE_PROFILES THEN only those services with profiles are enabled", () => {
    const files = { "compose.yaml": "services:\n  web: {image: a}\n  tools: {image: t, profiles: [debug]}\n" };
    expect(loadProject(files).project?.services.map((s) => s.name)).toEqual(["web"]);
    expect(loadProject(files, { profiles: ["debug"] }).project?.services.map((s) => s.name)).toEqual(["tools", "web"]);
    expect(loadProject(files, { environment: { COMPOSE_PROFILES: "debug" } }).project?.services.map((s) => s.name)).toEqual(["tools", "web"]);
  });

  test("GIVEN problems in several places WHEN loaded THEN all are reported in one run, sorted by line, and no project is returned", () => {
    const result = loadProject({ "compose.yaml": "services:\n  a:\n    image: x\n    bogus: 1\n  b:\n    image: y\n    ports: 80\n" });
    expect(result.project).toBeUndefined();
    expect(messages(result).map((m) => m.replace(/^.*compose\.yaml/, "compose.yaml"))).toEqual([
      'compose.yaml:4:5 services.a.bogus: unknown key "bogus" in services.a',
      "compose.yaml:7:12 services.b.ports: must be a list, got number 80",
    ]);
  });

  test.each([
    ["a missing -f file", { "compose.yaml": "services: {}\n" }, ["missing.yaml"], /missing\.yaml: file not found/],
    [
      "a missing env_file",
      { "compose.yaml": "services:\n  web: {image: a, env_file: [nope.env]}\n" },
      ["compose.yaml"],
      /services\.web\.env_file\[0\]: env file nope\.env not found/,
    ],
    [
      "an unset required variable",
      { "compose.yaml": "services:\n  web: {image: '${IMG:?set IMG}'}\n" },
      ["compose.yaml"],
      /compose\.yaml:2:16 services\.web\.image: required variable IMG is not set: set IMG/,
    ],
    [
      "the legacy v1 layout",
      { "compose.yaml": "web:\n  image: a\ndb:\n  image: b\n" },
      ["compose.yaml"],
      /compose\.yaml:1:1 web: legacy Compose file format \(version 1\)/,
    ],
    [
      "a volume whose source variable is unset",
      { "compose.yaml": "services:\n  web: {image: a, volumes: ['${DATA}:/data']}\n" },
      ["compose.yaml"],
      /services\.web\.volumes\[0\]: ":\/data" has an empty source .*\(written as "\$\{DATA\}:\/data"\)/,
    ],
    ["no services at all", { "compose.yaml": "networks: {}\n" }, ["compose.yaml"], /no services to deploy/],
    [
      "only services behind profiles",
      { "compose.yaml": "services:\n  t: {image: a, profiles: [x]}\n" },
      ["compose.yaml"],
      /every service needs a profile: t; use --profile/,
    ],
  ])("GIVEN %s WHEN loaded THEN a clear error naming the file", (_name, files, list, message) => {
    const result = loadProject(files, { files: list });
    expect(result.project).toBeUndefined();
    expect(messages(result).join("\n")).toMatch(message);
  });

  test("GIVEN a file under the current folder WHEN a problem is reported THEN the file name is relative", () => {
    const result = load({ files: ["examples/seed/docker-compose.yml"], workingDir: REPO, environment: {}, projectName: "Seed Project!" });
    expect(result.project?.name).toBe("seedproject");
    const located = load({ files: [path.join(REPO, "examples/seed/docker-compose.yml")], workingDir: project({}), environment: {} });
    expect(located.project?.services[0]?.location?.file).toBe(path.relative(process.cwd(), path.join(REPO, "examples/seed/docker-compose.yml")));
  });

  test("GIVEN the same input twice WHEN loaded THEN the results are identical", () => {
    const once = load({ files: ["examples/seed/docker-compose.yml"], workingDir: REPO, environment: {} });
    const twice = load({ files: ["examples/seed/docker-compose.yml"], workingDir: REPO, environment: {} });
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
    expect(once.diagnostics.map(formatDiagnostic)).toEqual(twice.diagnostics.map(formatDiagnostic));
  });
});

describe("volumes and images compose-go and ECS refuse", () => {
  test.each([
    [
      "an anonymous volume with a relative target",
      "services:\n  db:\n    image: postgres\n    volumes:\n      - db-data\n",
      /compose\.yaml:5:9 services\.db\.volumes\[0\]: "db-data": an anonymous volume needs an absolute container path; for a named volume write "db-data:\/path\/in\/container"/,
    ],
    [
      "a relative container path",
      "services:\n  db:\n    image: postgres\n    volumes: ['data:var/lib/data']\nvolumes: {data: {}}\n",
      /services\.db\.volumes\[0\]: "data:var\/lib\/data": the container path "var\/lib\/data" must be absolute/,
    ],
    [
      "an image ECS can never register",
      "services:\n  web:\n    image: 'app:|version|'\n",
      /compose\.yaml:3:12 services\.web\.image: "app:\|version\|" is not an image reference ECS can register/,
    ],
  ])("GIVEN %s WHEN loaded THEN it is an error at its line", (_what, text, message) => {
    const result = loadProject({ "compose.yaml": text });
    expect(result.project).toBeUndefined();
    expect(messages(result)).toContainEqual(expect.stringMatching(message));
  });

  test.each([
    ["short syntax", "      - 'C:\\data:/data:ro'\n", { type: "bind", source: "C:\\data", target: "/data", readOnly: true, entry: 0 }],
    [
      "short syntax with forward slashes",
      "      - 'D:/shared/media:/media'\n",
      { type: "bind", source: "D:/shared/media", target: "/media", readOnly: false, entry: 0 },
    ],
    [
      "long syntax",
      "      - {type: bind, source: 'C:\\data', target: /data}\n",
      { type: "bind", source: "C:\\data", target: "/data", readOnly: false, entry: 0 },
    ],
  ])("GIVEN a Windows drive-letter bind source in %s WHEN loaded THEN it is a bind mount as written, not a syntax error", (_what, entry, mount) => {
    const result = loadProject({ "compose.yaml": `services:\n  web:\n    image: app\n    volumes:\n${entry}` });
    expect(messages(result)).toEqual([]);
    expect(result.project?.services[0]?.volumes).toEqual([mount]);
  });
});

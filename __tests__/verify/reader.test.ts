import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ComposeProject, readCompose, ServiceSpec } from "../../verify/compose-reader";
import { parseDotenv } from "../../verify/dotenv";
import { interpolate, InterpolationError } from "../../verify/interpolate";

/** The verifier's own compose reader: what runtime promises depend on, read as docker compose reads it. */

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "verify-reader-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function service(p: ComposeProject, name: string): ServiceSpec {
  const s = p.services.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no service ${name} in ${p.services.map((x) => x.name).join(", ")}`);
  return s;
}

const env = (s: ServiceSpec) => Object.fromEntries(s.environment.map((e) => [e.key, e.value]));

describe("interpolation", () => {
  const vars: Record<string, string> = { SET: "value", EMPTY: "" };
  const lookup = (n: string) => vars[n];

  test.each([
    ["$SET", "value"],
    ["${SET}", "value"],
    ["${UNSET:-fallback}", "fallback"],
    ["${EMPTY:-fallback}", "fallback"],
    ["${EMPTY-fallback}", ""],
    ["${UNSET-fallback}", "fallback"],
    ["${SET:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${UNSET:-${SET}}", "value"],
    ["$$SET and $${SET}", "$SET and ${SET}"],
    ["postgres://u:p@${HOST:-db}:${PORT:-5432}/x", "postgres://u:p@db:5432/x"],
    ["cost: 5$", "cost: 5$"],
  ])("GIVEN %s WHEN interpolated THEN %s", (text, expected) => {
    expect(interpolate(text, lookup)).toBe(expected);
  });

  test("GIVEN ${VAR:?message} with VAR unset WHEN interpolated THEN it says the variable is required", () => {
    expect(() => interpolate("${NEEDED:?set it}", lookup)).toThrow(InterpolationError);
    expect(() => interpolate("${NEEDED:?set it}", lookup)).toThrow(/NEEDED is required: set it/);
    expect(interpolate("${SET:?x}", lookup)).toBe("value");
  });
});

describe("env files", () => {
  test("GIVEN quotes, export, comments and references WHEN parsed THEN values are as compose reads them, with lines", () => {
    const text = ["# comment", "export A=1", "B='literal ${A}'", 'C="line\\nbreak ${A}"', "D=plain # trailing comment", "E=${A}-${OUTER}", "", "F"].join("\n");
    const entries = parseDotenv(text, (n) => ({ OUTER: "o", F: "from-shell" })[n]);
    expect(entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ["A", "1", 2],
      ["B", "literal ${A}", 3],
      ["C", "line\nbreak 1", 4],
      ["D", "plain", 5],
      ["E", "1-o", 6],
      ["F", "from-shell", 8],
    ]);
  });
});

describe("readCompose", () => {
  test("GIVEN .env, a shell variable and every interpolation form WHEN read THEN the shell wins over .env and defaults apply", () => {
    const dir = project({
      ".env": "TAG=from-dotenv\nDB_HOST=db-from-dotenv\n",
      "compose.yml": [
        "services:",
        "  web:",
        "    image: shop/web:${TAG}",
        "    environment:",
        "      DB: ${DB_HOST:-db}",
        "      PORT: ${PORT-8080}",
        "      LITERAL: $$HOME",
        "  db:",
        "    image: postgres:16",
      ].join("\n"),
    });
    const p = readCompose({ files: [join(dir, "compose.yml")], environment: { DB_HOST: "db-from-shell" } });
    expect(service(p, "web").image).toBe("shop/web:from-dotenv");
    expect(env(service(p, "web"))).toEqual({ DB: "db-from-shell", PORT: "8080", LITERAL: "$HOME" });
    expect(p.notes).toEqual([]);
  });

  test("GIVEN env_file (string, list and {path, required}) and environment WHEN read THEN environment wins and each value knows its file and line", () => {
    const dir = project({
      "compose.yml": [
        "services:",
        "  app:",
        "    image: app",
        "    env_file:",
        "      - env/app.env",
        "      - path: env/missing.env",
        "        required: false",
        "    environment:",
        "      - OVERRIDE=from-compose",
        "  worker:",
        "    image: app",
        "    env_file: env/app.env",
      ].join("\n"),
      "env/app.env": "DATABASE_URL=postgres://u:p@db:5432/app\nOVERRIDE=from-file\n",
    });
    const p = readCompose({ files: [join(dir, "compose.yml")] });
    const app = service(p, "app");
    expect(env(app)).toEqual({ DATABASE_URL: "postgres://u:p@db:5432/app", OVERRIDE: "from-compose" });
    expect(app.environment.find((e) => e.key === "DATABASE_URL")?.at).toEqual({ file: join(dir, "env/app.env"), line: 1 });
    expect(app.environment.find((e) => e.key === "OVERRIDE")?.at).toEqual({ file: join(dir, "compose.yml"), line: 9 });
    expect(env(service(p, "worker")).DATABASE_URL).toBe("postgres://u:p@db:5432/app");
    expect(p.notes).toEqual([]);
  });

  test("GIVEN a required env_file that is missing WHEN read THEN the reader says so instead of guessing", () => {
    const dir = project({ "compose.yml": "services:\n  app:\n    image: app\n    env_file: nowhere.env\n" });
    const p = readCompose({ files: [join(dir, "compose.yml")] });
    expect(p.notes.join("\n")).toMatch(/services\.app\.env_file: .*nowhere\.env not found/);
  });

  test("GIVEN anchors, merge keys and extends in one file WHEN read THEN services inherit as compose merges them", () => {
    const dir = project({
      "compose.yml": [
        "x-common: &common",
        "  image: shop/app:1",
        "  environment:",
        "    REDIS_HOST: redis",
        "    MODE: web",
        "services:",
        "  web:",
        "    <<: *common",
        "    ports: ['8000:8000']",
        "  worker:",
        "    extends: web",
        "    environment:",
        "      MODE: worker",
        "    ports: ['9000']",
        "  beat:",
        "    extends:",
        "      service: worker",
        "    command: celery beat",
        "  redis:",
        "    image: redis:7",
      ].join("\n"),
    });
    const p = readCompose({ files: [join(dir, "compose.yml")] });
    expect(env(service(p, "web"))).toEqual({ REDIS_HOST: "redis", MODE: "web" });
    expect(service(p, "worker").image).toBe("shop/app:1");
    expect(env(service(p, "worker"))).toEqual({ REDIS_HOST: "redis", MODE: "worker" });
    expect(service(p, "worker").ports.map((x) => x.target)).toEqual([8000, 9000]);
    expect(service(p, "beat").command).toEqual(["celery", "beat"]);
    expect(env(service(p, "beat")).MODE).toBe("worker");
    expect(service(p, "web").environment.find((e) => e.key === "REDIS_HOST")?.at?.line).toBe(4);
  });

  test("GIVEN two files with !reset and profiles WHEN read THEN the later file merges, resets and profiled services are left out", () => {
    const dir = project({
      "compose.yml": [
        "services:",
        "  web:",
        "    image: web:1",
        "    ports: ['80:80']",
        "    environment: [A=1, B=2]",
        "  debug:",
        "    image: busybox",
        "    profiles: [debug]",
      ].join("\n"),
      "compose.override.yml": ["services:", "  web:", "    image: web:2", "    ports: !reset []", "    environment:", "      B: 3"].join("\n"),
    });
    const p = readCompose({ files: [join(dir, "compose.yml"), join(dir, "compose.override.yml")] });
    expect(p.services.map((s) => s.name)).toEqual(["web"]);
    expect(service(p, "web").image).toBe("web:2");
    expect(service(p, "web").ports).toEqual([]);
    expect(env(service(p, "web"))).toEqual({ A: "1", B: "3" });
  });

  test("GIVEN ports, expose, volumes, networks, links and depends_on in both syntaxes WHEN read THEN each is normalised", () => {
    const dir = project({
      "compose.yml": [
        "services:",
        "  web:",
        "    image: nginx",
        "    ports:",
        "      - '127.0.0.1:5432:5432'",
        "      - '3000'",
        "      - target: 25",
        "        published: 2525",
        "        app_protocol: smtp",
        "      - '9000-9001:9000-9001/udp'",
        "    expose: ['6000', 7000]",
        "    volumes:",
        "      - data:/data",
        "      - ./conf:/etc/conf:ro",
        "      - /anonymous",
        "      - type: volume",
        "        source: cache",
        "        target: /cache",
        "        read_only: true",
        "    networks:",
        "      back:",
        "        aliases: [api]",
        "    links: ['db:database', cache]",
        "    depends_on:",
        "      db: { condition: service_healthy }",
        "      init: { condition: service_completed_successfully }",
        "volumes: { data: {}, cache: {} }",
      ].join("\n"),
    });
    const web = service(readCompose({ files: [join(dir, "compose.yml")] }), "web");
    expect(web.ports.map((x) => [x.target, x.published, x.hostIp, x.protocol, x.appProtocol])).toEqual([
      [5432, "5432", "127.0.0.1", "tcp", undefined],
      [3000, "", undefined, "tcp", undefined],
      [25, "2525", undefined, "tcp", "smtp"],
      [9000, "9000-9001", undefined, "udp", undefined],
      [9001, "9000-9001", undefined, "udp", undefined],
    ]);
    expect(web.expose).toEqual([6000, 7000]);
    expect(web.volumes.map((v) => [v.type, v.source, v.target, v.readOnly])).toEqual([
      ["volume", "data", "/data", false],
      ["bind", "./conf", "/etc/conf", true],
      ["volume", undefined, "/anonymous", false],
      ["volume", "cache", "/cache", true],
    ]);
    expect(web.networks).toEqual([{ name: "back", aliases: ["api"] }]);
    expect(web.links.map((l) => [l.service, l.alias])).toEqual([
      ["db", "database"],
      ["cache", "cache"],
    ]);
    expect(web.dependsOn.map((d) => [d.name, d.condition])).toEqual([
      ["db", "service_healthy"],
      ["init", "service_completed_successfully"],
    ]);
  });

  test("GIVEN include and extends from another file WHEN read THEN their services are there", () => {
    const dir = project({
      "compose.yml": [
        "include:",
        "  - infra/db.yml",
        "services:",
        "  web:",
        "    extends:",
        "      file: base.yml",
        "      service: app",
        "    environment:",
        "      DB_HOST: db",
      ].join("\n"),
      "base.yml": "services:\n  app:\n    image: shop/app\n    environment:\n      LOG: info\n",
      "infra/db.yml": "services:\n  db:\n    image: postgres:16\n",
    });
    const p = readCompose({ files: [join(dir, "compose.yml")] });
    expect(p.services.map((s) => s.name)).toEqual(["db", "web"]);
    expect(service(p, "web").image).toBe("shop/app");
    expect(env(service(p, "web"))).toEqual({ LOG: "info", DB_HOST: "db" });
  });

  test("GIVEN an extends cycle WHEN read THEN the reader says it did not understand it", () => {
    const dir = project({ "compose.yml": "services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: y\n    extends: a\n" });
    const p = readCompose({ files: [join(dir, "compose.yml")] });
    expect(p.notes.join("\n")).toMatch(/extends: not understood \(or a cycle\)/);
  });
});

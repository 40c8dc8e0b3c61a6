import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCompose } from "../../verify/compose-reader";
import { referencesInValue, serviceReferences } from "../../verify/references";
import { IMAGE_TABLE, imageName, lookupImage, SCHEME_PORTS, schemePort } from "../../verify/well-known";

/** Which names in a service's configuration are references to siblings, and which port each means. */

const names = new Set(["db", "redis", "api", "clickhouse", "mongo1", "mongo2", "kafka", "postgres"]);
const refs = (value: string, key?: string, environment?: Record<string, string>) =>
  referencesInValue(value, {
    names,
    ...(key !== undefined ? { key } : {}),
    ...(environment !== undefined ? { environment: new Map(Object.entries(environment)) } : {}),
  }).map((r) => [r.form, r.host, r.port]);

describe("references in a value", () => {
  test.each([
    ["postgres://user:pw@db:5432/x", "DATABASE_URL", [["url", "db", 5432]]],
    ["postgresql+psycopg2://user:p@ss@db/x", "DATABASE_URL", [["url", "db", 5432]]],
    ["redis://redis:6379/0", "CACHE_URL", [["url", "redis", 6379]]],
    ["redis://:secret@redis/1", "CELERY_BROKER_URL", [["url", "redis", 6379]]],
    ["http://api:7000/v1", "API_URL", [["url", "api", 7000]]],
    ["http://api", "API_URL", [["url", "api", 80]]],
    ["clickhouse://clickhouse:9000", "CLICKHOUSE_MIGRATION_URL", [["url", "clickhouse", 9000]]],
    [
      "mongodb://mongo1:27017,mongo2:27018/app?replicaSet=rs",
      "MONGO_URL",
      [
        ["url", "mongo1", 27017],
        ["url", "mongo2", 27018],
      ],
    ],
    [
      "kafka:9092,db:5432",
      "BROKERS",
      [
        ["host-port", "kafka", 9092],
        ["host-port", "db", 5432],
      ],
    ],
    ["db", "DB_HOST", [["bare", "db", undefined]]],
    ["db", "PAPERLESS_DBHOST", [["bare", "db", undefined]]],
    ["postgres", "POSTGRES_SEEDS", [["bare", "postgres", undefined]]],
  ])("GIVEN %s in %s WHEN read THEN it references %j", (value, key, expected) => {
    expect(refs(value, key)).toEqual(expected);
  });

  test("GIVEN DB_HOST=db beside DB_PORT=6543 WHEN read THEN the bare name means the paired port", () => {
    expect(refs("db", "DB_HOST", { DB_HOST: "db", DB_PORT: "6543" })).toEqual([["bare", "db", 6543]]);
    expect(refs("redis", "QUEUE_BULL_REDIS_HOST", { QUEUE_BULL_REDIS_PORT: "6380" })).toEqual([["bare", "redis", 6380]]);
  });

  test.each([
    ["localhost", "DB_HOST"],
    ["http://localhost:3000", "NEXTAUTH_URL"],
    ["127.0.0.1:5432", "DB_ADDR"],
    ["postgres:16-alpine", "DB_IMAGE"],
    ["docker.io/library/postgres:16", "IMAGE"],
    ["redis:7", "REDIS_IMAGE"],
    ["/var/lib/postgresql/data", "PGDATA"],
    ["db/saleor", "SOMETHING"],
    ["postgres", "POSTGRES_USER"],
    ["postgres", "POSTGRES_DB"],
    ["postgres", "DB_TYPE"],
    ["redis", "CACHE_BACKEND"],
    ["db", "MODE"],
    ["localhost,127.0.0.1,api", "ALLOWED_HOSTS"],
    ["http://api:8000", "CORS_ORIGINS"],
    ["http://api:8000", "PUBLIC_URL"],
    ["db", "GREETING"],
    ["https://api.example.com/db", "WEBHOOK_URL"],
  ])("GIVEN %s in %s WHEN read THEN it is no reference", (value, key) => {
    expect(refs(value, key)).toEqual([]);
  });

  test("GIVEN a command line WHEN read without bare names THEN only URLs and host:port count", () => {
    expect(
      referencesInValue("wait-for db:5432 -- celery --broker=redis://redis:6379/0 worker db", { names, bare: false }).map((r) => [r.form, r.host, r.port]),
    ).toEqual([
      ["url", "redis", 6379],
      ["host-port", "db", 5432],
    ]);
  });
});

describe("the tables", () => {
  test("GIVEN image references in their usual spellings WHEN looked up THEN the well-known port is found", () => {
    expect(imageName("docker.io/library/postgres:16@sha256:abc")).toBe("postgres");
    expect(lookupImage("pgvector/pgvector:pg16")?.ports[0]).toEqual({ port: 5432, kind: "tcp" });
    expect(lookupImage("docker.io/valkey/valkey:8.0-alpine")?.ports[0]?.port).toBe(6379);
    expect(lookupImage("clickhouse/clickhouse-server:25.12")?.ports.map((p) => [p.port, p.kind])).toEqual([
      [8123, "http"],
      [9000, "tcp"],
      [9009, "tcp"],
    ]);
    expect(lookupImage("temporalio/auto-setup:1.29.1")?.ports[0]).toEqual({ port: 7233, kind: "grpc" });
    expect(lookupImage("ghcr.io/example/server:1")).toBeUndefined();
    expect(lookupImage("mongo-express:1")).toBeUndefined();
    expect(schemePort("postgresql+asyncpg")).toBe(5432);
    expect(schemePort("unknown")).toBeUndefined();
  });

  test("GIVEN docs/verify.md WHEN read THEN it prints every image entry with its ports, and every URL scheme", () => {
    const doc = readFileSync(join(__dirname, "../../docs/verify.md"), "utf8");
    const rows = doc.split("\n").filter((l) => l.startsWith("| "));
    const missing = IMAGE_TABLE.filter(
      (e) => !rows.some((r) => r.startsWith(`| ${e.label}`) && r.endsWith(`| ${e.ports.map((p) => `${p.port} ${p.kind}`).join(", ")} |`)),
    );
    expect(missing.map((e) => e.label)).toEqual([]);
    expect(Object.entries(SCHEME_PORTS).filter(([scheme, port]) => !doc.includes(`\`${scheme}\` ${port}`))).toEqual([]);
  });
});

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("references of a service", () => {
  test("GIVEN env_file, environment, depends_on, links and a command WHEN gathered THEN each reference says where it was written", () => {
    const dir = mkdtempSync(join(tmpdir(), "verify-refs-"));
    made.push(dir);
    writeFileSync(join(dir, "app.env"), "DATABASE_URL=postgres://u:p@db:5432/app\nREDIS_HOST=cache\n");
    writeFileSync(
      join(dir, "compose.yml"),
      [
        "services:",
        "  web:",
        "    image: shop/web",
        "    env_file: app.env",
        "    command: ['wait-for', 'db:5432']",
        "    depends_on: [db, init]",
        "    links: ['cache:kv']",
        "  init:",
        "    image: shop/web",
        "  db:",
        "    image: postgres:16",
        "  cache:",
        "    image: redis:7",
        "    networks:",
        "      default:",
        "        aliases: [sessions]",
      ].join("\n"),
    );
    const p = readCompose({ files: [join(dir, "compose.yml")] });
    const web = p.services.find((s) => s.name === "web");
    if (web === undefined) throw new Error("web missing");
    const found = serviceReferences(p, web).map((r) => [r.host, r.port, r.form, r.origin, r.at?.line]);
    expect(found).toEqual([
      ["db", 5432, "url", "DATABASE_URL", 1],
      ["cache", undefined, "bare", "REDIS_HOST", 2],
      ["db", 5432, "host-port", "command", undefined],
      ["db", undefined, "depends_on", "depends_on", 6],
      ["init", undefined, "depends_on", "depends_on", 6],
      ["kv", undefined, "link", "links", 7],
    ]);
  });
});

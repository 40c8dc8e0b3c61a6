import { hostsInValue, serviceReferences } from "../../compose/references";
import { imageDefaultPort, knownImage } from "../../compose/well-known";
import { project, service } from "../planner/fixtures";
import { loadProject } from "./helpers";

/** Siblings of the caller `app`: a database, a cache, an API and a mail catcher. */
const siblings = [
  service({ name: "db", image: "docker.io/library/postgres:16-alpine" }),
  service({ name: "cache", image: "valkey/valkey:8" }),
  service({ name: "api", image: "example/api:1" }),
  service({ name: "mailpit", image: "axllent/mailpit" }),
  service({ name: "search", image: "elasticsearch:8", containerName: "app-search" }),
];

function referencesOf(environment: Record<string, string>, extra: Partial<Parameters<typeof service>[0]> = {}) {
  const app = service({ name: "app", environment, ...extra });
  return serviceReferences(project([app, ...siblings]), app);
}

const siblingRefs = (environment: Record<string, string>) =>
  referencesOf(environment).siblings.map((r) => `${r.service}:${r.port ?? "?"} (${r.portSource ?? "none"}, ${r.form})`);
const outsideRefs = (environment: Record<string, string>) => referencesOf(environment).outside.map((r) => `${r.host}:${r.port} (${r.portSource})`);

describe("references: siblings named in environment values", () => {
  test.each([
    ["a URL with credentials and a port", { DATABASE_URL: "postgres://u:p@db:5432/x" }, ["db:5432 (written, url)"]],
    ["a URL without a port: the scheme's", { CACHE_URL: "redis://cache/0" }, ["cache:6379 (scheme, url)"]],
    ["an http URL without a port means 80, whatever the sibling", { API_URL: "http://api" }, ["api:80 (scheme, url)"]],
    ["an http URL with a port", { API_URL: "http://api:7000/v1" }, ["api:7000 (written, url)"]],
    ["a driver-qualified scheme", { SQLALCHEMY_DATABASE_URI: "postgresql+psycopg2://u:p@db/app" }, ["db:5432 (scheme, url)"]],
    ["several hosts in one URL", { MONGO_URL: "mongodb://u:p@db:27017,cache:27018/app" }, ["db:27017 (written, url)", "cache:27018 (written, url)"]],
    ["host:port", { MEMCACHED_LOCATION: "cache:11211" }, ["cache:11211 (written, host-port)"]],
    ["host:port in a list", { KAFKA: "api:9092,db:5433" }, ["api:9092 (written, host-port)", "db:5433 (written, host-port)"]],
    ["a bare name in a host variable: the image's port", { DB_HOST: "db" }, ["db:5432 (image, host)"]],
    ["a bare name with its <P>PORT partner", { DB_HOST: "db", DB_PORT: "5433" }, ["db:5433 (paired, host)"]],
    ["a bare name of an image the table does not know", { API_HOST: "api" }, ["api:? (none, host)"]],
    ["a bare name in a SEEDS list", { ES_SEEDS: "search" }, ["search:9200 (image, host)"]],
    ["a container_name", { ELASTIC_URL: "http://app-search:9200" }, ["search:9200 (written, url)"]],
    ["a URL with a smtp scheme and port", { EMAIL_URL: "smtp://mailpit:1025" }, ["mailpit:1025 (written, url)"]],
  ])("GIVEN %s THEN the sibling and the port are found", (_what, environment, expected) => {
    expect(siblingRefs(environment)).toEqual(expected);
  });

  test.each([
    ["localhost", { API_URL: "http://localhost:7000", REDIS_HOST: "localhost" }],
    ["an image name", { WORKER_IMAGE: "db:16", IMAGE: "library/postgres:16" }],
    ["a path", { MEDIA_ROOT: "/srv/db/cache", CONFIG: "./db:/data" }],
    ["an e-mail address", { ADMIN: "db@example.com", DEFAULT_FROM_EMAIL: "cache@example.com" }],
    ["a database, user or password that happens to be a sibling's name", { POSTGRES_DB: "db", DB_USER: "api", DB_PASSWORD: "cache", DB_NAME: "db" }],
    ["a bare name in a variable that does not hold a host", { GREETING: "db", MODE: "cache", DB_ENGINE: "db" }],
    [
      "a browser URL or an allow-list",
      { PUBLIC_URL: "http://api:7000", CORS_ORIGINS: "http://api:7000", ALLOWED_HOSTS: "localhost,api", NO_PROXY: "db,cache" },
    ],
    ["a time or a ratio", { BACKUP_AT: "12:30", RATIO: "16:9" }],
    ["a name that only contains a sibling's name", { REDIS_HOST: "cache-replica", URL: "http://database:5432" }],
    ["a scheme-less word with a colon", { LOG: "level:debug", NOTE: "see db: it is fine" }],
  ])("GIVEN %s THEN it is no reference", (_what, environment) => {
    expect(referencesOf(environment).siblings).toEqual([]);
  });

  test("GIVEN depends_on and links THEN each is a reference on the image's port, except one-shot jobs", () => {
    const refs = referencesOf(
      {},
      {
        dependsOn: [
          { service: "db", condition: "service_healthy" },
          { service: "api", condition: "service_completed_successfully" },
        ],
        links: ["cache"],
      },
    ).siblings;
    expect(refs.map((r) => [r.service, r.port, r.origin])).toEqual([
      ["db", 5432, "depends_on"],
      ["cache", 6379, "links"],
    ]);
  });

  test("GIVEN the same connection in two variables THEN each variable is named once", () => {
    const refs = referencesOf({ A_URL: "redis://cache:6379/0", B_URL: "redis://cache:6379/1", C_URL: "redis://cache:6379/2 redis://cache:6379/3" }).siblings;
    expect(refs.map((r) => r.origin)).toEqual(["environment.A_URL", "environment.B_URL", "environment.C_URL"]);
  });
});

describe("references: hosts outside the project", () => {
  test.each([
    ["an SMTP host with its port variable", { SMTP_HOST: "smtp.example.com", SMTP_PORT: "587" }, ["smtp.example.com:587 (paired)"]],
    ["an http URL", { WEBHOOK_URL: "http://hooks.example.com/x" }, ["hooks.example.com:80 (scheme)"]],
    ["an https URL", { RELEASE_CHECK_URL: "https://api.github.com/repos/x" }, ["api.github.com:443 (scheme)"]],
    ["host:port", { LDAP: "ldap.corp.example.org:636" }, ["ldap.corp.example.org:636 (written)"]],
    ["an IPv4 address", { SYSLOG_URL: "udp://203.0.113.5:514" }, ["203.0.113.5:514 (written)"]],
    ["an smtp URL with user and password", { EMAIL_URL: "smtp://me@example.com:pw@mail.example.com:2525" }, ["mail.example.com:2525 (written)"]],
  ])("GIVEN %s THEN the host and port are found", (_what, environment, expected) => {
    expect(outsideRefs(environment)).toEqual(expected);
  });

  test.each([
    ["a host without any port", { SMTP_HOST: "smtp.example.com" }],
    [
      "a loopback or docker host address",
      { SMTP_HOST: "localhost", SMTP_PORT: "25", X_URL: "http://127.0.0.1:8080", Y_URL: "http://host.docker.internal:3000" },
    ],
    ["an e-mail address", { ADMINISTRATOR: "admin@example.com", CONTACT: "ops@mail.example.com" }],
    ["a browser URL", { PUBLIC_URL: "http://shop.example.com", SETTING_EXTERNAL_HOST: "chat.example.com" }],
    ["a URL of an unknown scheme without a port", { BACKUP: "s3://bucket.example.com/x" }],
    ["a version or file name with dots", { APP_VERSION: "1.2.3", LOGO: "logo.png" }],
  ])("GIVEN %s THEN no outside reference is found", (_what, environment) => {
    expect(referencesOf(environment).outside).toEqual([]);
  });
});

describe("references: values from env_file count like environment values", () => {
  test("GIVEN DATABASE_URL in an env_file THEN it is a reference of the service", () => {
    const result = loadProject({
      "compose.yaml": "services:\n  app:\n    image: app:1\n    env_file: app.env\n  db:\n    image: postgres:16\n",
      "app.env": "DATABASE_URL=postgres://u:p@db/app\nSMTP_HOST=smtp.example.com\nSMTP_PORT=587\n",
    });
    const app = result.project?.services.find((s) => s.name === "app");
    if (result.project === undefined || app === undefined) throw new Error("not loaded");
    const refs = serviceReferences(result.project, app);
    expect(refs.siblings.map((r) => [r.service, r.port, r.origin])).toEqual([["db", 5432, "environment.DATABASE_URL"]]);
    expect(refs.outside.map((r) => [r.host, r.port, r.origin])).toEqual([["smtp.example.com", 587, "environment.SMTP_HOST"]]);
  });
});

describe("well-known ports", () => {
  test.each([
    ["docker.io/library/postgres:16@sha256:abc", 5432],
    ["mysql:8", 3306],
    ["mariadb:11", 3306],
    ["redis:7-alpine", 6379],
    ["valkey/valkey:8", 6379],
    ["memcached:alpine", 11211],
    ["mongo:7", 27017],
    ["rabbitmq:4-management", 5672],
    ["temporalio/auto-setup:1.24", 7233],
  ])("GIVEN image %s THEN its default port is %d", (image, port) => {
    expect(imageDefaultPort(image)).toBe(port);
  });

  test.each(["mongo-express:1", "example/redis-commander:1", "postgres-exporter:1", "ghcr.io/acme/app:1"])(
    "GIVEN image %s THEN the table does not claim it",
    (image) => {
      expect(knownImage(image)).toBeUndefined();
    },
  );

  test("GIVEN a value of a variable that holds no connection THEN hostsInValue finds nothing", () => {
    expect(hostsInValue("POSTGRES_PASSWORD", "postgres://u:p@db/x")).toEqual([]);
  });
});

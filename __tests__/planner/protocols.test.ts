import { Diagnostic, PortMapping, ServiceOverride } from "../../compose/model";
import { formatDiagnostic } from "../../compose/diagnostics";
import { planProject } from "../../planner/plan-project";
import { PortRef, portProtocol } from "../../planner/protocols";
import { servicePorts } from "../../planner/service-ports";
import { loadProject } from "../compose/helpers";
import { productionEnv, project, service } from "./fixtures";

const tcpPort = (target: number, extra: Partial<PortMapping> = {}): PortMapping => ({ target, published: target, protocol: "tcp", ...extra });

describe("planner: what a port speaks", () => {
  test.each<[string, string | undefined, ServiceOverride, PortRef, string]>([
    ["a udp port, whatever else is said", "nginx:1", { protocol: "http" }, { target: 80, protocol: "udp", appProtocol: "http" }, "udp"],
    ["compose app_protocol http on a database port", "postgres:16", {}, { target: 5432, protocol: "tcp", appProtocol: "http" }, "http"],
    ["compose app_protocol https", "example/app:1", {}, { target: 8443, protocol: "tcp", appProtocol: "https" }, "https"],
    ["compose app_protocol smtp", "example/app:1", {}, { target: 2525, protocol: "tcp", appProtocol: "smtp" }, "tcp"],
    ["compose app_protocol grpc (not an ALB target)", "example/app:1", {}, { target: 50051, protocol: "tcp", appProtocol: "grpc" }, "tcp"],
    ["app_protocol wins over x-ecs", "example/app:1", { protocol: "tcp" }, { target: 8080, protocol: "tcp", appProtocol: "http" }, "http"],
    ["x-ecs protocol for every port", "example/app:1", { protocol: "tcp" }, { target: 8080, protocol: "tcp" }, "tcp"],
    ["x-ecs protocol for this port", "postgres:16", { protocol: { 5432: "http" } }, { target: 5432, protocol: "tcp" }, "http"],
    ["x-ecs protocol for another port only", "postgres:16", { protocol: { 8080: "http" } }, { target: 5432, protocol: "tcp" }, "tcp"],
    ["x-ecs wins over x-aws-protocol", "example/app:1", { protocol: "http" }, { target: 8080, protocol: "tcp", awsProtocol: "tcp" }, "http"],
    ["x-aws-protocol tcp", "example/app:1", {}, { target: 8080, protocol: "tcp", awsProtocol: "tcp" }, "tcp"],
    ["x-aws-protocol http on a well-known database port", "postgres:16", {}, { target: 5432, protocol: "tcp", awsProtocol: "http" }, "http"],
    ["the image's port", "docker.io/library/postgres:16-alpine", {}, { target: 5432, protocol: "tcp" }, "tcp"],
    ["the image's HTTP port", "clickhouse/clickhouse-server:25", {}, { target: 8123, protocol: "tcp" }, "http"],
    ["the image's native port", "clickhouse/clickhouse-server:25", {}, { target: 9000, protocol: "tcp" }, "tcp"],
    ["the image's gRPC port", "temporalio/auto-setup:1.24", {}, { target: 7233, protocol: "tcp" }, "tcp"],
    ["a protocol's port on an unknown image", "example/mailer:1", {}, { target: 25, protocol: "tcp" }, "tcp"],
    ["redis's port on an unknown image", "example/cache:1", {}, { target: 6379, protocol: "tcp" }, "tcp"],
    ["an unmarked port of an unknown image", "example/app:1", {}, { target: 3000, protocol: "tcp" }, "http"],
    ["an unmarked port without an image (build)", undefined, {}, { target: 9000, protocol: "tcp" }, "http"],
  ])("GIVEN %s THEN it is %s", (_what, image, override, port, expected) => {
    expect(portProtocol(image !== undefined ? { image } : {}, override, port).kind).toBe(expected);
  });

  test("GIVEN nothing says WHEN HTTP is assumed THEN the decision says so", () => {
    expect(portProtocol({ image: "example/app:1" }, {}, { target: 3000, protocol: "tcp" })).toMatchObject({ kind: "http", decided: false });
    expect(portProtocol({ image: "postgres:16" }, {}, { target: 5432, protocol: "tcp" })).toMatchObject({
      kind: "tcp",
      decided: true,
      reason: "the PostgreSQL image speaks TCP on 5432",
    });
  });
});

describe("planner: which port each load balancer publishes", () => {
  const decide = (s: ReturnType<typeof service>, override: ServiceOverride = s.ecs, networkLoadBalancer = false) => {
    const found: Diagnostic[] = [];
    const ports = servicePorts(
      s,
      override,
      { networkLoadBalancer },
      (key) => ({ path: `services.${s.name}.x-ecs.${key}` }),
      (severity, path, message) => found.push({ severity, path, message }),
    );
    return { ports, messages: found.map(formatDiagnostic) };
  };

  test.each([
    ['"3000" (a random host port)', { target: 3000, protocol: "tcp" as const }],
    ["- target: 3000 (long syntax without published)", { target: 3000, protocol: "tcp" as const, name: "web" }],
    ['"3000:3000"', tcpPort(3000)],
  ])("GIVEN the port %s THEN it is routed like 3000:3000", (_what, port) => {
    expect(decide(service({ name: "web", image: "example/web:1", ports: [port] })).ports.routed).toEqual({ port: 3000, protocol: "HTTP" });
  });

  test('GIVEN "5432" of a postgres image THEN it is not routed, and the warning says how to publish it', () => {
    const { ports, messages } = decide(service({ name: "db", image: "postgres:16", ports: [{ target: 5432, protocol: "tcp" }] }));
    expect(ports).toEqual({ network: [] });
    expect(messages).toEqual([
      "services.db.ports: warning: port 5432 is not HTTP (the PostgreSQL image speaks TCP on 5432), so the application load balancer does not route it: on ECS only sibling services reach it (db:5432); to publish it, set x-ecs loadBalancer: network and add networkLoadBalancer to the environment",
    ]);
  });

  test.each([
    [
      "SMTP before HTTP (zulip)",
      [tcpPort(25, { appProtocol: "smtp" }), tcpPort(80, { appProtocol: "http" }), tcpPort(443, { appProtocol: "https" })],
      { port: 80, protocol: "HTTP" },
    ],
    ["a udp port first", [{ target: 53, published: 53, protocol: "udp" as const }, tcpPort(8080)], { port: 8080, protocol: "HTTP" }],
    ["TLS only", [tcpPort(8443, { appProtocol: "https" })], { port: 8443, protocol: "HTTPS" }],
    ["a loopback-bound port first", [tcpPort(3030, { hostIp: "127.0.0.1" }), tcpPort(3000)], { port: 3000, protocol: "HTTP" }],
  ])("GIVEN %s THEN the first HTTP port is routed", (_what, ports, expected) => {
    expect(decide(service({ name: "app", image: "example/app:1", ports })).ports.routed).toEqual(expected);
  });

  test("GIVEN only a port bound to 127.0.0.1 THEN nothing is routed and a note says why; public: true routes it", () => {
    const s = service({ name: "worker", image: "example/worker:1", ports: [tcpPort(3030, { hostIp: "127.0.0.1" })] });
    const quiet = decide(s);
    expect(quiet.ports.routed).toBeUndefined();
    expect(quiet.messages).toEqual([expect.stringMatching(/^services\.worker\.ports: info: port 3030 is bound to 127\.0\.0\.1 \(this machine only\)/)]);
    expect(decide(s, { public: true }).ports.routed).toEqual({ port: 3030, protocol: "HTTP" });
  });

  test("GIVEN loadBalancer: network THEN the TCP ports go on the network load balancer and HTTP stays on the ALB", () => {
    const s = service({ name: "rabbit", image: "rabbitmq:4-management", ports: [tcpPort(5672), tcpPort(15672)] });
    const { ports, messages } = decide(s, { loadBalancer: "network" }, true);
    expect(ports).toEqual({ routed: { port: 15672, protocol: "HTTP" }, network: [{ containerPort: 5672, publishedPort: 5672 }] });
    expect(messages).toEqual([]);
  });

  test("GIVEN a per-port loadBalancer mapping THEN exactly the named ports go on it, HTTP ones too, on their published port", () => {
    const s = service({ name: "proxy", image: "example/proxy:1", ports: [tcpPort(8080, { published: 80 }), tcpPort(5432, { published: 15432 })] });
    const { ports } = decide(s, { loadBalancer: { 8080: "network", 5432: "network" } }, true);
    expect(ports).toEqual({
      network: [
        { containerPort: 8080, publishedPort: 80 },
        { containerPort: 5432, publishedPort: 15432 },
      ],
    });
  });

  test("GIVEN loadBalancer: network in an environment without one THEN the port stays internal with a warning saying what to add", () => {
    const { ports, messages } = decide(service({ name: "db", image: "postgres:16", ports: [tcpPort(5432)] }), { loadBalancer: "network" }, false);
    expect(ports.network).toEqual([]);
    expect(messages).toEqual([
      expect.stringContaining(
        "services.db.x-ecs.loadBalancer: warning: port 5432 asks for the network load balancer, but the environment has none: add networkLoadBalancer",
      ),
    ]);
  });

  test.each<[string, ServiceOverride, string]>([
    [
      "x-ecs port on a database port",
      { port: 5432 },
      "services.db.x-ecs.port: port 5432 is not HTTP (the PostgreSQL image speaks TCP on 5432); the application load balancer routes HTTP only",
    ],
    ["x-ecs port that is not a port of the service", { port: 9999 }, "services.db.x-ecs.port: port 9999 is not one of the service's ports or expose entries"],
    [
      "a protocol mapping naming an unknown port",
      { protocol: { 5433: "http" } },
      "services.db.x-ecs.protocol: 5433 is not one of the service's ports (ports or expose)",
    ],
    [
      "a loadBalancer mapping naming unknown ports",
      { loadBalancer: { 1: "network", 2: "network" } },
      "services.db.x-ecs.loadBalancer: 1, 2 are not ports of the service (ports or expose)",
    ],
  ])("GIVEN %s THEN it is an error at the key", (_what, override, expected) => {
    const { messages } = decide(service({ name: "db", image: "postgres:16", ports: [tcpPort(5432)] }), override);
    expect(messages.join("\n")).toContain(expected);
  });

  test("GIVEN x-ecs protocol http on a port the table calls TCP THEN the user's word wins and it is routed", () => {
    const s = service({ name: "admin", image: "postgres:16", ports: [tcpPort(5432)] });
    expect(decide(s, { protocol: "http" }).ports.routed).toEqual({ port: 5432, protocol: "HTTP" });
  });
});

describe("planner: non-HTTP servers are never ALB targets (whole plan)", () => {
  test("GIVEN saleor-like services publishing postgres, valkey and a mail catcher THEN only HTTP ports get target groups", () => {
    const p = project([
      service({ name: "api", image: "ghcr.io/saleor/saleor:3", ports: [tcpPort(8000)] }),
      service({ name: "db", image: "library/postgres:15-alpine", ports: [tcpPort(5432)] }),
      service({ name: "cache", image: "valkey/valkey:8.1-alpine", ports: [tcpPort(6379)] }),
      service({ name: "mailpit", image: "axllent/mailpit", ports: [tcpPort(1025), tcpPort(8025)] }),
    ]);
    const result = planProject({ project: p, env: productionEnv() });
    const routes = result.plan?.app.services.flatMap((s) => s.routes.map((r) => `${r.service}:${r.containerPort}`));
    expect(routes?.sort()).toEqual(["api:8000", "mailpit:8025"]);
    expect(result.diagnostics.filter((d) => d.path.endsWith(".ports")).map((d) => d.path)).toEqual([
      "services.cache.ports",
      "services.db.ports",
      "services.mailpit.ports",
    ]);
  });
});

describe("planner: port protocols from compose files", () => {
  test.each([
    ["app_protocol: tcp", "app_protocol: tcp", []],
    ["x-aws-protocol: tcp (the retired Docker ECS integration)", "x-aws-protocol: tcp", []],
    ["x-aws-protocol: http", "x-aws-protocol: http", ["app:8080"]],
    ["nothing", "name: web", ["app:8080"]],
  ])("GIVEN a long-syntax port with %s WHEN loaded and planned THEN the routes are %j", (_what, line, expected) => {
    const loaded = loadProject({ "compose.yaml": `services:\n  app:\n    image: example/app:1\n    ports:\n      - target: 8080\n        ${line}\n` });
    if (loaded.project === undefined) throw new Error(loaded.diagnostics.map(formatDiagnostic).join("\n"));
    const plan = planProject({ project: loaded.project, env: productionEnv() }).plan;
    expect(plan?.app.services.flatMap((s) => s.routes.map((r) => `${r.service}:${r.containerPort}`))).toEqual(expected);
  });
});

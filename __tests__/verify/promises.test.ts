import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCompose } from "../../verify/compose-reader";
import { albPathMatches, Finding, healthCheckPaths, verifyAppEnvironment } from "../../verify/promises";
import { JsonObject, Terraform } from "../../verify/terraform";

/**
 * The promise checks on hand-written Terraform JSON, for the ways of keeping (or breaking) a
 * promise the generator does not produce today: ECS Service Connect, a missing search domain,
 * one task for several compose services, listener default actions, autoscaling a stateful service.
 */

const COMPOSE = `services:
  web:
    image: shop/web
    ports: ["8000:8000"]
    environment:
      DATABASE_URL: postgres://u:p@db:5432/shop
  db:
    image: postgres:16
    volumes: [pgdata:/var/lib/postgresql/data]
volumes:
  pgdata:
`;

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project() {
  const dir = mkdtempSync(join(tmpdir(), "verify-promises-"));
  made.push(dir);
  writeFileSync(join(dir, "compose.yml"), COMPOSE);
  return readCompose({ files: [join(dir, "compose.yml")] });
}

const container = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: `${name}:1`, essential: true, ...extra });
const sidecar = { name: "searchdomain-sidecar", image: "docker/ecs-searchdomain-sidecar:1.0", essential: false, command: ["prod.shop.internal"] };
const waitsForSidecar = { dependsOn: [{ containerName: "searchdomain-sidecar", condition: "SUCCESS" }] };

/** A per-service app stack: web and db each with a group, db in Cloud Map, one network group admitting 5432. */
function stack(
  overrides: {
    web?: Record<string, unknown>;
    db?: Record<string, unknown>;
    webContainers?: unknown[];
    dbVolume?: Record<string, unknown>;
    extra?: Record<string, Record<string, unknown>>;
  } = {},
): Terraform {
  const net = (sgs: string[]) => ({ subnets: ["subnet-1"], security_groups: sgs.map((s) => `\${aws_security_group.${s}.id}`) });
  const resource: Record<string, Record<string, unknown>> = {
    aws_security_group: { web: { name: "web" }, db: { name: "db" }, net: { name: "net" } },
    aws_vpc_security_group_ingress_rule: {
      db_5432: {
        security_group_id: "${aws_security_group.db.id}",
        referenced_security_group_id: "${aws_security_group.net.id}",
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
      },
    },
    aws_vpc_security_group_egress_rule: { web_out: { security_group_id: "${aws_security_group.web.id}", ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" } },
    aws_service_discovery_private_dns_namespace: { ns: { name: "prod.shop.internal", vpc: "vpc-1" } },
    aws_service_discovery_service: {
      db: { name: "db", dns_config: { namespace_id: "${aws_service_discovery_private_dns_namespace.ns.id}", dns_records: [{ type: "A", ttl: 10 }] } },
    },
    aws_ecs_task_definition: {
      web: { family: "web", container_definitions: JSON.stringify(overrides.webContainers ?? [sidecar, container("web", waitsForSidecar)]) },
      db: {
        family: "db",
        container_definitions: JSON.stringify([container("db", { mountPoints: [{ sourceVolume: "pgdata", containerPath: "/var/lib/postgresql/data" }] })]),
        volume: [overrides.dbVolume ?? { name: "pgdata", efs_volume_configuration: { file_system_id: "fs-1" } }],
      },
    },
    aws_ecs_service: {
      web: {
        name: "web",
        task_definition: "${aws_ecs_task_definition.web.arn}",
        desired_count: 1,
        network_configuration: net(["web", "net"]),
        ...overrides.web,
      },
      db: {
        name: "db",
        task_definition: "${aws_ecs_task_definition.db.arn}",
        desired_count: 1,
        deployment_maximum_percent: 100,
        network_configuration: net(["db", "net"]),
        service_registries: { registry_arn: "${aws_service_discovery_service.db.arn}" },
        ...overrides.db,
      },
    },
    ...overrides.extra,
  };
  return new Terraform({ app: { resource } as JsonObject });
}

const findings = (tf: Terraform) => verifyAppEnvironment({ app: "shop", env: "prod", project: project(), tf }).findings;
const one = (fs: readonly Finding[], kind: Finding["kind"]) => {
  const f = fs.filter((x) => x.kind === kind);
  if (f.length !== 1) throw new Error(`expected one ${kind}, got ${f.length}`);
  return f[0] as Finding;
};

describe("promise checks on hand-written stacks", () => {
  test("GIVEN Cloud Map, the search-domain sidecar and a network rule WHEN verified THEN web -> db resolves and is admitted", () => {
    const fs = findings(stack());
    expect(one(fs, "name-resolves")).toMatchObject({ service: "web", subject: "db", status: "hold", sources: ["compose.yml:6 DATABASE_URL"] });
    expect(one(fs, "sg-admits")).toMatchObject({ subject: "db:5432", status: "hold" });
    expect(one(fs, "stateful-one-task")).toMatchObject({ service: "db", status: "hold" });
    expect(one(fs, "stateful-on-efs")).toMatchObject({ status: "hold" });
  });

  test("GIVEN the web container does not wait for the sidecar WHEN verified THEN the bare name does not resolve, and the finding says why", () => {
    const f = one(findings(stack({ webContainers: [sidecar, container("web")] })), "name-resolves");
    expect(f.status).toBe("broken");
    expect(f.detail).toMatch(/web's task does not search prod\.shop\.internal: the bare name db only resolves as db\.prod\.shop\.internal/);
  });

  test("GIVEN no Cloud Map but ECS Service Connect with a client alias db WHEN verified THEN the name resolves", () => {
    const tf = stack({
      web: { service_connect_configuration: { enabled: true, namespace: "ns" } },
      db: {
        service_registries: undefined,
        service_connect_configuration: { enabled: true, namespace: "ns", service: [{ port_name: "pg", client_alias: [{ port: 5432, dns_name: "db" }] }] },
      },
      extra: { aws_service_discovery_service: {} },
    });
    expect(one(findings(tf), "name-resolves")).toMatchObject({ status: "hold", detail: "db is an ECS Service Connect alias of db" });
  });

  test("GIVEN web and db as containers of one task WHEN verified THEN the name db does not resolve there but no security group is in the way", () => {
    const tf = stack({ webContainers: [container("web"), container("db")] });
    const fs = findings(tf);
    expect(one(fs, "name-resolves")).toMatchObject({ status: "broken" });
    expect(one(fs, "name-resolves").detail).toMatch(/web and db run in one task .* the name db does not resolve/);
    expect(one(fs, "sg-admits").status).toBe("hold");
  });

  test("GIVEN the lone web service is a listener's default action WHEN verified THEN it is served at /", () => {
    const tf = stack({
      web: { load_balancer: [{ container_name: "web", container_port: 8000, target_group_arn: "${aws_lb_target_group.web.arn}" }] },
      extra: {
        aws_lb_target_group: { web: { port: 8000, protocol: "HTTP" } },
        aws_lb_listener: { branch: { port: 10001, default_action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.web.arn}" }] } },
      },
    });
    expect(one(findings(tf), "served-at-root")).toMatchObject({ status: "hold", detail: "web is the default action of listener aws_lb_listener.branch" });
  });

  test("GIVEN a stateful db with autoscaling up to 3 tasks WHEN verified THEN the one-task promise breaks, naming the scaling target", () => {
    const tf = stack({
      extra: { aws_appautoscaling_target: { db: { resource_id: "service/shop/${aws_ecs_service.db.name}", max_capacity: 3, min_capacity: 1 } } },
    });
    expect(one(findings(tf), "stateful-one-task")).toMatchObject({
      status: "broken",
      detail: "autoscaling (aws_appautoscaling_target.db) may run up to 3 tasks",
    });
  });

  test("GIVEN db's volume without EFS WHEN verified THEN the data is said to live in task storage", () => {
    const tf = stack({ dbVolume: { name: "pgdata" } });
    expect(one(findings(tf), "stateful-on-efs")).toMatchObject({
      status: "broken",
      detail: "/var/lib/postgresql/data is task volume pgdata without efs_volume_configuration: task storage, lost when the task stops",
    });
  });
});

describe("helpers", () => {
  test("GIVEN ALB path patterns WHEN matched THEN * and ? behave as on the load balancer", () => {
    expect(albPathMatches("/*", "/")).toBe(true);
    expect(albPathMatches("/*", "/a/b")).toBe(true);
    expect(albPathMatches("/web/*", "/")).toBe(false);
    expect(albPathMatches("/web", "/web")).toBe(true);
    expect(albPathMatches("/v?/x", "/v1/x")).toBe(true);
  });

  test("GIVEN compose healthchecks WHEN read for a port THEN the paths fetched on localhost at that port are known", () => {
    const base = project().services.find((s) => s.name === "web");
    if (base === undefined) throw new Error("web missing");
    const web = { ...base, healthcheck: ["CMD-SHELL", "curl -fsS http://localhost:8000/health/ready && wget -qO- http://127.0.0.1:9000/metrics"], xEcs: {} };
    expect(healthCheckPaths(web, 8000)).toEqual(["/health/ready"]);
    expect(healthCheckPaths(web, 9000)).toEqual(["/metrics"]);
    expect(healthCheckPaths({ ...web, healthcheck: ["CMD", "curl", "-f", "http://localhost/"] }, 80)).toEqual(["/"]);
    expect(healthCheckPaths({ ...web, xEcs: { healthCheckPath: "/up" } }, 8000)).toEqual(["/health/ready", "/up"]);
  });
});

import * as fs from "fs";
import * as path from "path";
import { ConversionStatus } from "../../compose/model";
import { reportedServiceKeys } from "../../compose/report";
import schema from "../../compose/schema/compose-spec.json";
import { loadProject } from "./helpers";

const reportFor = (yaml: string, extra = "") => {
  const result = loadProject({ "compose.yaml": `services:\n  web:\n${yaml}${extra}` });
  return result;
};

describe("conversion report", () => {
  test.each<[string, string, string, ConversionStatus, RegExp]>([
    ["a bind mount", "    volumes: ['./app:/app']\n", "volumes[0]", "not-applicable", /bind mount of host path \.\/app/],
    ["docker.sock", "    volumes: ['/var/run/docker.sock:/var/run/docker.sock']\n", "volumes[0]", "not-applicable", /no Docker daemon socket/],
    ["a named volume", "    volumes: ['data:/data']\n", "volumes[0]", "mapped", /EFS/],
    ["privileged", "    privileged: true\n", "privileged", "not-applicable", /never/],
    ["network_mode host", "    network_mode: host\n", "network_mode", "not-applicable", /awsvpc/],
    ["network_mode bridge", "    network_mode: bridge\n", "network_mode", "not-applicable", /awsvpc/],
    ["network_mode service:x", "    network_mode: service:db\n", "network_mode", "not-applicable", /single-task/],
    ["tmpfs", "    tmpfs: [/tmp]\n", "tmpfs", "not-applicable", /Fargate/],
    ["devices", "    devices: ['/dev/sda']\n", "devices", "not-applicable", /devices/],
    ["cap_add ALL", "    cap_add: [ALL]\n", "cap_add", "not-applicable", /SYS_PTRACE/],
    ["cap_add SYS_PTRACE", "    cap_add: [SYS_PTRACE]\n", "cap_add", "mapped", /capabilities/],
    ["ipc host", "    ipc: host\n", "ipc", "not-applicable", /Fargate/],
    ["pid host", "    pid: host\n", "pid", "not-applicable", /PID/],
    ["extra_hosts", "    extra_hosts: ['a:10.0.0.1']\n", "extra_hosts", "not-applicable", /awsvpc/],
    ["dns", "    dns: [8.8.8.8]\n", "dns", "not-applicable", /awsvpc/],
    ["build secrets", "    build: {context: ., secrets: [s]}\n", "build.secrets", "not-applicable", /image build/],
    ["container_name", "    container_name: cname\n", "container_name", "not-applicable", /service name/],
    ["hostname", "    hostname: h\n", "hostname", "not-applicable", /awsvpc/],
    ["restart no", "    restart: 'no'\n", "restart", "not-applicable", /always replaces/],
    ["restart always", "    restart: always\n", "restart", "mapped", /replaces tasks/],
    ["deploy.placement", "    deploy: {placement: {constraints: [node.role == manager]}}\n", "deploy.placement", "not-applicable", /swarm/],
    ["deploy.mode global", "    deploy: {mode: global}\n", "deploy.mode", "mapped-with-loss", /DAEMON.*EC2/],
    ["a host_ip", "    ports: ['127.0.0.1:80:80']\n", "ports[0]", "not-applicable", /host IP 127\.0\.0\.1/],
    ["udp behind the ALB", "    ports: ['53:53/udp']\n", "ports[0]", "not-applicable", /udp port 53/],
    ["several published ports", "    ports: ['80:80', '443:443']\n", "ports", "mapped-with-loss", /routes to one .* 443/],
    ["a secret-looking variable", "    environment: {DB_PASSWORD: hunter2, DB_PASSWORD_FILE: /run/secrets/x}\n", "environment.DB_PASSWORD", "mapped-with-loss", /plain text/],
    ["a healthcheck out of ECS range", "    healthcheck: {test: [CMD, x], retries: 50}\n", "healthcheck.retries", "mapped-with-loss", /1-10; 50 becomes 10/],
    ["a healthcheck without test", "    healthcheck: {interval: 10s}\n", "healthcheck", "mapped-with-loss", /HEALTHCHECK/],
    ["logging to syslog", "    logging: {driver: syslog}\n", "logging", "mapped-with-loss", /CloudWatch/],
    ["configs", "    configs: [c]\n", "configs", "not-applicable", /file configs/],
    ["a service_healthy dependency", "    depends_on: {db: {condition: service_healthy}}\n", "depends_on.db", "mapped-with-loss", /service_healthy is not enforced between ECS services/],
    ["volumes_from", "    volumes_from: [db]\n", "volumes_from", "not-applicable", /one task/],
    ["an engine-only key", "    oom_score_adj: 5\n", "oom_score_adj", "not-applicable", /Docker engine/],
    ["an invalid image reference", "", "image", "mapped-with-loss", /not a valid image reference/],
  ])("GIVEN %s WHEN reported THEN the key has its status and reason, and warnings name service and key", (_name, yaml, key, status, detail) => {
    const image = key === "image" ? "    image: 'app:|version|'\n" : "    image: app\n";
    const extra = "  db: {image: db}\nvolumes: {data: {}}\nconfigs: {c: {file: ./c.txt}}\nsecrets: {s: {file: ./s.txt}}\n";
    const result = reportFor(image + yaml, extra);
    const entry = result.report.find((e) => e.service === "web" && e.key === key && e.status === status);
    expect(entry).toBeDefined();
    expect(entry?.detail).toMatch(detail);
    expect(entry?.location?.file).toMatch(/compose\.yaml$/);
    if (status !== "mapped") {
      const path = `services.web.${key}`.replace(/\.(\[)/, "$1");
      expect(result.diagnostics.some((d) => d.severity === "warning" && d.path.startsWith(path.split("[")[0] as string) && d.message.includes(entry?.detail ?? "?"))).toBe(true);
    }
    expect(result.project).toBeDefined();
  });

  test.each(["yes", "true", "1", "off"])("GIVEN a secret-named switch set to %j WHEN reported THEN it is not taken for a secret", (value) => {
    const result = reportFor(`    image: mysql\n    environment: {MYSQL_RANDOM_ROOT_PASSWORD: '${value}', DB_PASSWORD: hunter2}\n`);
    const flagged = result.report.filter((e) => e.status === "mapped-with-loss" && /looks like a secret/.test(e.detail)).map((e) => e.key);
    expect(flagged).toEqual(["environment.DB_PASSWORD"]);
  });

  test("GIVEN top-level networks, volumes and secrets WHEN reported THEN they have entries without a service", () => {
    const result = loadProject({
      "compose.yaml": "services:\n  web: {image: a, networks: [front, ext], volumes: ['data:/d'], secrets: [token]}\nnetworks:\n  front: {}\n  ext: {external: {name: real}}\nvolumes: {data: {}}\nsecrets: {token: {file: ./t.txt}}\n",
    });
    const top = result.report.filter((e) => e.service === undefined).map((e) => [e.key, e.status]);
    expect(top).toEqual([
      ["networks.ext", "not-applicable"],
      ["networks.front", "mapped"],
      ["volumes.data", "mapped"],
      ["secrets.token", "mapped"],
    ]);
  });

  test("GIVEN a service WHEN reported THEN every key it sets appears once, in key order", () => {
    const result = reportFor("    image: a\n    user: u\n    environment: [A=1]\n    command: run\n");
    expect(result.report.map((e) => e.key)).toEqual(["command", "environment", "image", "user"]);
  });

  test("GIVEN the schema's service keys WHEN the report and docs/conversion.md are compared THEN every key has a rule and a row", () => {
    const keys = Object.keys((schema as { definitions: { service: { properties: Record<string, unknown> } } }).definitions.service.properties).filter((k) => k !== "extends");
    const ruled = new Set(reportedServiceKeys());
    expect(keys.filter((k) => !ruled.has(k))).toEqual([]);
    const docs = fs.readFileSync(path.resolve(__dirname, "../../docs/conversion.md"), "utf8");
    expect(keys.filter((k) => !docs.includes(`| \`${k}\``))).toEqual([]);
  });
});

import * as fs from "fs";
import * as path from "path";
import schema from "../../compose/schema/compose-spec.json";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { planProject } from "../../planner/plan-project";
import { ConversionStatus, MAPPINGS, conversionReport, keyPattern, reportDiagnostics, reportedServiceKeys } from "../../planner/report";
import { loadProject } from "../compose/helpers";

/** The built-in environment with a load balancer no CIDR question applies to (as check plans). */
const internalEnv = (overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig => {
  const env = defaultEnvironment("default");
  return { ...env, loadBalancer: { ...env.loadBalancer, internal: true }, ...overrides };
};

/** Loads compose.yaml (and companions), plans it, and reports, as `check` does. */
export function reportOf(files: Readonly<Record<string, string>>, env: EnvironmentConfig = internalEnv()) {
  const loaded = loadProject(files);
  if (loaded.project === undefined) throw new Error(`did not load: ${JSON.stringify(loaded.diagnostics)}`);
  const planned = planProject({ project: loaded.project, env });
  if (planned.plan === undefined) throw new Error(`did not plan: ${JSON.stringify(planned.diagnostics)}`);
  const report = conversionReport(loaded.project, planned.plan);
  return { report, diagnostics: [...planned.diagnostics, ...reportDiagnostics(report)], plan: planned.plan };
}

const reportFor = (yaml: string, extra = "") => reportOf({ "compose.yaml": `services:\n  web:\n${yaml}${extra}`, "c.txt": "c", "s.txt": "s" });

describe("conversion report (from the model and the plan)", () => {
  test.each<[string, string, string, ConversionStatus, RegExp]>([
    ["a bind mount", "    volumes: ['./app:/app']\n", "volumes[0]", "not-applicable", /bind mount of host path \.\/app/],
    ["a Windows bind mount", "    volumes: ['C:\\data:/data:ro']\n", "volumes[0]", "not-applicable", /Windows host path C:\\data/],
    ["docker.sock", "    volumes: ['/var/run/docker.sock:/var/run/docker.sock']\n", "volumes[0]", "not-applicable", /no Docker daemon socket/],
    ["a named volume", "    volumes: ['data:/data']\n", "volumes[0]", "mapped", /EFS/],
    ["privileged", "    privileged: true\n", "privileged", "not-applicable", /never/],
    ["network_mode host", "    network_mode: host\n", "network_mode", "not-applicable", /awsvpc/],
    ["network_mode bridge", "    network_mode: bridge\n", "network_mode", "not-applicable", /awsvpc/],
    ["network_mode service:x", "    network_mode: service:db\n", "network_mode", "not-applicable", /single-task/],
    ["tmpfs", "    tmpfs: [/tmp]\n", "tmpfs", "mapped-with-loss", /scratch volume/],
    ["devices", "    devices: ['/dev/sda']\n", "devices", "not-applicable", /devices/],
    ["cap_add ALL", "    cap_add: [ALL]\n", "cap_add", "not-applicable", /SYS_PTRACE/],
    ["cap_add SYS_PTRACE and NET_ADMIN", "    cap_add: [SYS_PTRACE, NET_ADMIN]\n", "cap_add", "mapped-with-loss", /NET_ADMIN dropped, SYS_PTRACE kept/],
    ["cap_add SYS_PTRACE", "    cap_add: [SYS_PTRACE]\n", "cap_add", "mapped", /capabilities/],
    ["ipc host", "    ipc: host\n", "ipc", "not-applicable", /Fargate/],
    ["pid host", "    pid: host\n", "pid", "not-applicable", /PID/],
    ["extra_hosts", "    extra_hosts: ['a:10.0.0.1']\n", "extra_hosts", "not-applicable", /awsvpc/],
    ["dns", "    dns: [8.8.8.8]\n", "dns", "not-applicable", /awsvpc/],
    ["build secrets", "    build: {context: ., secrets: [s]}\n", "build.secrets", "not-applicable", /image build/],
    ["container_name", "    container_name: cname\n", "container_name", "not-applicable", /service name/],
    ["hostname", "    hostname: h\n", "hostname", "not-applicable", /awsvpc/],
    ["restart no", "    restart: 'no'\n", "restart", "not-applicable", /always replaces/],
    ["restart always", "    restart: always\n", "restart", "mapped-default", /replaces tasks/],
    ["read_only false", "    read_only: false\n", "read_only", "mapped-default", /default/],
    ["init false", "    init: false\n", "init", "mapped-default", /no init process/],
    ["platform amd64", "    platform: linux/amd64\n", "platform", "mapped-default", /X86_64/],
    ["platform windows", "    platform: windows/amd64\n", "platform", "not-applicable", /windows\/amd64 is not one/],
    ["a sysctl ECS refuses", "    sysctls: {vm.swappiness: '10', net.core.somaxconn: '1024'}\n", "sysctls", "mapped-with-loss", /vm\.swappiness dropped/],
    [
      "cpu_shares with a reservation",
      "    cpu_shares: 512\n    deploy: {resources: {reservations: {cpus: '0.5'}}}\n",
      "cpu_shares",
      "mapped-with-loss",
      /reservations\.cpus sets the container's cpu/,
    ],
    [
      "a reservation above the task",
      "    deploy: {resources: {limits: {cpus: '0.25'}, reservations: {cpus: '1'}}}\n",
      "deploy.resources.reservations.cpus",
      "mapped-with-loss",
      /exceed the task's 256 CPU units/,
    ],
    ["deploy.placement", "    deploy: {placement: {constraints: [node.role == manager]}}\n", "deploy.placement", "not-applicable", /swarm/],
    ["deploy.mode global", "    deploy: {mode: global}\n", "deploy.mode", "mapped-with-loss", /DAEMON.*EC2/],
    ["deploy.rollback_config", "    deploy: {rollback_config: {parallelism: 1}}\n", "deploy.rollback_config", "not-applicable", /circuit breaker/],
    [
      "deploy.resources.limits.pids",
      "    deploy: {resources: {limits: {pids: 10}}}\n",
      "deploy.resources.limits.pids",
      "not-applicable",
      /cannot be set on ECS tasks/,
    ],
    ["a loopback host_ip", "    ports: ['127.0.0.1:80:80']\n", "ports[0]", "mapped-with-loss", /bound to 127\.0\.0\.1 \(this machine only\): not routed/],
    ["another host_ip", "    ports: ['10.0.0.5:80:80']\n", "ports[0]", "not-applicable", /host IP 10\.0\.0\.5/],
    ["udp behind the ALB", "    ports: ['53:53/udp']\n", "ports[0]", "mapped-with-loss", /udp port 53: reachable from sibling services only/],
    [
      "a published database port",
      "    ports: [{target: 5432, published: 5432, app_protocol: postgresql}]\n",
      "ports[0]",
      "mapped-with-loss",
      /port 5432 is not HTTP \(.*\): never an HTTP target/,
    ],
    ["several published ports", "    ports: ['80:80', '443:443']\n", "ports", "mapped-with-loss", /routes to 80 .* 443/],
    [
      "a secret-looking variable",
      "    environment: {DB_PASSWORD: hunter2, DB_PASSWORD_FILE: /run/secrets/x}\n",
      "environment.DB_PASSWORD",
      "mapped-with-loss",
      /plain text/,
    ],
    ["a healthcheck out of ECS range", "    healthcheck: {test: [CMD, x], retries: 50}\n", "healthcheck.retries", "mapped-with-loss", /1-10; 50 becomes 10/],
    ["a healthcheck without test", "    healthcheck: {interval: 10s}\n", "healthcheck", "mapped-with-loss", /HEALTHCHECK/],
    ["a start_interval", "    healthcheck: {test: [CMD, x], start_interval: 1s}\n", "healthcheck.start_interval", "not-applicable", /start interval/],
    ["logging to syslog", "    logging: {driver: syslog}\n", "logging", "mapped-with-loss", /CloudWatch/],
    ["configs", "    configs: [c]\n", "configs", "not-applicable", /file configs/],
    [
      "a service_healthy dependency",
      "    depends_on: {db: {condition: service_healthy}}\n",
      "depends_on.db",
      "mapped-with-loss",
      /service_healthy is not enforced between ECS services/,
    ],
    ["volumes_from", "    volumes_from: [db]\n", "volumes_from", "not-applicable", /one task/],
    ["an engine-only key", "    oom_score_adj: 5\n", "oom_score_adj", "not-applicable", /Docker engine/],
    ["a network alias", "    networks: {default: {aliases: [www]}}\n", "networks.default.aliases", "not-applicable", /aliases are not registered/],
    ["secrets as files", "    secrets: [s]\n", "secrets", "mapped", /files under \/run\/secrets\//],
    ["a secret outside /run/secrets", "    secrets: [{source: s, target: /etc/s.pem}]\n", "secrets[0]", "mapped-with-loss", /outside \/run\/secrets/],
    ["a ulimit ECS does not know", "    ulimits: {nofile: 10, bogus: 1}\n", "ulimits", "mapped-with-loss", /no bogus/],
    ["an unknown x-aws key", "    x-aws-bogus: 1\n", "x-aws-bogus", "not-applicable", /not a key of the Docker ECS integration/],
    [
      "x-aws-pull_credentials",
      "    x-aws-pull_credentials: arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub\n",
      "x-aws-pull_credentials",
      "mapped",
      /repositoryCredentials/,
    ],
    [
      "an x-aws-protocol on a routed port",
      "    ports: [{target: 80, published: 80, x-aws-protocol: http}]\n",
      "ports[0].x-aws-protocol",
      "mapped-default",
      /as it does without the key/,
    ],
  ])("GIVEN %s WHEN reported THEN the key has its status and reason, and warnings name service and key", (_name, yaml, key, status, detail) => {
    const extra = "  db: {image: db}\nvolumes: {data: {}}\nconfigs: {c: {file: ./c.txt}}\nsecrets: {s: {file: ./s.txt}}\n";
    const result = reportFor("    image: app\n" + yaml, extra);
    const entry = result.report.find((e) => e.service === "web" && e.key === key && e.status === status);
    expect([key, result.report.filter((e) => e.service === "web" && e.key === key).map((e) => `${e.status}: ${e.detail}`)]).toEqual([
      key,
      expect.arrayContaining([expect.stringContaining(entry?.detail ?? "(missing)")]),
    ]);
    expect(entry?.detail).toMatch(detail);
    expect(entry?.location?.file).toMatch(/compose\.yaml$/);
    if (status === "mapped") expect(MAPPINGS.some((m) => m.key === keyPattern(key, "web") && m.attribute === entry?.attribute)).toBe(true);
    if (status === "mapped-with-loss" || status === "not-applicable") {
      const path = `services.web.${key}`.replace(/\.(\[)/, "$1");
      expect(
        result.diagnostics.some((d) => d.severity === "warning" && d.path.startsWith(path.split("[")[0] as string) && d.message.includes(entry?.detail ?? "?")),
      ).toBe(true);
    } else {
      expect(result.diagnostics.filter((d) => d.path === `services.web.${key}`)).toEqual([]);
    }
  });

  test.each(["yes", "true", "1", "off"])("GIVEN a secret-named switch set to %j WHEN reported THEN it is not taken for a secret", (value) => {
    const result = reportFor(`    image: mysql\n    environment: {MYSQL_RANDOM_ROOT_PASSWORD: '${value}', DB_PASSWORD: hunter2}\n`);
    const flagged = result.report.filter((e) => e.status === "mapped-with-loss" && /looks like a secret/.test(e.detail)).map((e) => e.key);
    expect(flagged).toEqual(["environment.DB_PASSWORD"]);
  });

  test("GIVEN a secret-looking variable in an env_file WHEN reported THEN it is flagged at its line in the env file", () => {
    const result = reportOf({
      "compose.yaml": "services:\n  web:\n    image: app\n    env_file: [app.env]\n",
      "app.env": "# settings\nLOG_LEVEL=info\nDB_PASSWORD=hunter2\n",
    });
    const entry = result.report.find((e) => e.key === "env_file.DB_PASSWORD");
    expect(entry).toMatchObject({ status: "mapped-with-loss", location: { file: expect.stringMatching(/app\.env$/), line: 3, col: 1 } });
    expect(result.diagnostics.find((d) => d.path === "services.web.env_file.DB_PASSWORD")?.location).toMatchObject({ line: 3 });
    expect(result.report.some((e) => e.key === "env_file.LOG_LEVEL")).toBe(false);
  });

  test("GIVEN a secret-looking variable served from Secrets Manager by the environment WHEN reported THEN it is not flagged and not plain", () => {
    const files = { "compose.yaml": "services:\n  web:\n    image: app\n    env_file: [app.env]\n", "app.env": "DB_PASSWORD=hunter2\n" };
    const env = internalEnv({ services: { web: { secretEnvironment: { DB_PASSWORD: { from: "secretsmanager" } } } } });
    const result = reportOf(files, env);
    expect(result.report.some((e) => e.key === "env_file.DB_PASSWORD")).toBe(false);
    const container = result.plan.app.services[0]?.containers.find((c) => c.name === "web");
    expect(container?.environment).toEqual([]);
    expect(container?.secrets).toEqual([{ name: "DB_PASSWORD", source: { kind: "variable", id: "web/DB_PASSWORD" } }]);
  });

  test("GIVEN top-level networks, volumes and secrets WHEN reported THEN they have entries without a service", () => {
    const result = reportOf({
      "compose.yaml":
        "services:\n  web: {image: a, networks: [front, ext], volumes: ['data:/d'], secrets: [token]}\nnetworks:\n  front: {}\n  ext: {external: {name: real}}\n  unused: {}\nvolumes: {data: {}}\nsecrets: {token: {file: ./t.txt}}\n",
      "t.txt": "t",
    });
    const top = result.report.filter((e) => e.service === undefined).map((e) => [e.key, e.status]);
    expect(top).toEqual([
      ["networks.ext", "not-applicable"],
      ["networks.front", "mapped"],
      ["networks.unused", "mapped-default"],
      ["volumes.data", "mapped"],
      ["secrets.token", "mapped"],
    ]);
  });

  test("GIVEN the Docker ECS integration's top-level keys WHEN reported THEN none is silent, and the environment's keys are named", () => {
    const result = reportOf({
      "compose.yaml":
        "services:\n  web: {image: a}\nx-aws-cluster: my-cluster\nx-aws-vpc: vpc-0123abcd\nx-aws-loadbalancer: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/1\nx-aws-logs_retention: 10\nx-aws-cloudformation: {Resources: {}}\nx-aws-other: 1\n",
    });
    const top = Object.fromEntries(result.report.filter((e) => e.service === undefined).map((e) => [e.key, [e.status, e.detail]]));
    expect(top["x-aws-cluster"]?.[0]).toBe("not-applicable");
    expect(top["x-aws-vpc"]).toEqual(["not-applicable", expect.stringContaining("set network.vpcId: vpc-0123abcd")]);
    expect(top["x-aws-loadbalancer"]?.[1]).toMatch(/loadBalancer\.\*/);
    expect(top["x-aws-logs_retention"]).toEqual(["mapped-with-loss", expect.stringContaining("keeps 14 days")]);
    expect(top["x-aws-cloudformation"]?.[0]).toBe("not-applicable");
    expect(top["x-aws-other"]?.[0]).toBe("not-applicable");
    expect(result.plan.app.logRetentionDays).toBe(14);
  });

  test("GIVEN a service WHEN reported THEN every key it sets appears, in key order", () => {
    const result = reportFor("    image: a\n    user: u\n    environment: [A=1]\n    command: run\n");
    expect(result.report.map((e) => e.key)).toEqual(["command", "environment", "image", "user"]);
  });

  test("GIVEN every mapped row of MAPPINGS THEN its key pattern and attribute are one of a kind (the generated test has one sample each)", () => {
    const pairs = MAPPINGS.map((m) => `${m.key} -> ${m.attribute}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  test("GIVEN the schema's service keys WHEN the report and docs/conversion.md are compared THEN every key has a rule and a row", () => {
    const keys = Object.keys((schema as { definitions: { service: { properties: Record<string, unknown> } } }).definitions.service.properties).filter(
      (k) => k !== "extends",
    );
    const ruled = new Set(reportedServiceKeys());
    expect(keys.filter((k) => !ruled.has(k))).toEqual([]);
    const docs = fs.readFileSync(path.resolve(__dirname, "../../docs/conversion.md"), "utf8");
    expect(keys.filter((k) => !docs.includes(`| \`${k}\``))).toEqual([]);
  });
});

describe("conversion report in single-task placement", () => {
  test("GIVEN deployment settings of one service WHEN the whole project is one task THEN they are not applicable, and depends_on is a container dependency", () => {
    const { report } = reportOf(
      {
        "compose.yaml":
          "services:\n  web:\n    image: app\n    depends_on: [db]\n    deploy: {update_config: {order: start-first, x-aws-max_percent: 150}, x-aws-autoscaling: 50}\n  db: {image: db}\n",
      },
      internalEnv({ placement: "single-task" }),
    );
    const web = Object.fromEntries(report.filter((e) => e.service === "web").map((e) => [e.key, e.status]));
    expect(web).toMatchObject({
      "deploy.update_config.order": "not-applicable",
      "deploy.update_config.x-aws-max_percent": "not-applicable",
      "deploy.x-aws-autoscaling": "not-applicable",
      depends_on: "mapped",
    });
  });
});

describe("conversion report: settings an environment overrides", () => {
  test("GIVEN x-ecs and deploy.replicas that the environment overrides WHEN reported THEN the environment's key decides (no warning: the environment is the user's choice)", () => {
    const { report } = reportOf(
      { "compose.yaml": "services:\n  web:\n    image: app\n    ports: ['80:80']\n    deploy: {replicas: 3}\n    x-ecs: {path: /api, cpu: 512}\n" },
      internalEnv({ services: { web: { replicas: 1, path: "/web" } } }),
    );
    const web = Object.fromEntries(report.filter((e) => e.service === "web").map((e) => [e.key, [e.status, e.detail]]));
    expect(web["deploy.replicas"]).toEqual(["mapped-default", expect.stringContaining("services.web.replicas decides the desired count (1) here")]);
    expect(web["x-ecs.path"]).toEqual(["mapped-default", expect.stringContaining("the environment's services.web.path")]);
    expect(web["x-ecs.cpu"]?.[0]).toBe("mapped");
  });
});

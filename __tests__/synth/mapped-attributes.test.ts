import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { load } from "../../compose/load";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { planProject } from "../../planner/plan-project";
import { ConversionEntry, MAPPINGS, conversionReport, keyPattern } from "../../planner/report";
import { AppStack } from "../../stacks/app-stack";
import { loadProject } from "../compose/helpers";
import { CORPUS, materialise, readManifest } from "../validate/corpus";

/**
 * The report's promise, tested row by row: for every (key, attribute) pair the report may call
 * mapped (MAPPINGS), a compose service with the key changed synthesizes to Terraform whose named
 * attribute differs from the same service without the change, and the report of the changed
 * project calls the key mapped with that attribute. A key reported mapped whose attribute does
 * not change fails here; a new MAPPINGS row without a sample fails here.
 */

type Env = Partial<EnvironmentConfig>;

interface Sample {
  /** The compose key written in the report (a MAPPINGS pattern made concrete). */
  readonly key: string;
  /** Lines of service `web` (4-space indent) in the changed file; `base` in the unchanged one. */
  readonly changed: string;
  readonly base?: string;
  /** Top-level YAML of the changed file; `baseTop` of the unchanged one (default: the same). */
  readonly top?: string;
  readonly baseTop?: string;
  /** Other services (2-space indent), in both files. */
  readonly others?: string;
  readonly env?: Env;
  /** Companion files. */
  readonly files?: Readonly<Record<string, string>>;
}

const PORT = "    ports: ['80:80']\n";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-AbCdEf";
const singleTask: Env = { placement: "single-task" };
const ec2: Env = { capacity: { kind: "ec2", containerInsights: false } };

/** One sample per MAPPINGS row, keyed `<pattern> -> <attribute>`. */
const SAMPLES: Readonly<Record<string, Sample>> = {
  "image -> containerDefinitions[].image": { key: "image", base: "    image: app:1\n", changed: "    image: app:2\n" },
  "build -> containerDefinitions[].image": { key: "build", base: "    image: app:1\n", changed: "    build: ./web\n" },
  "command -> containerDefinitions[].command": { key: "command", changed: "    command: [serve, --port, '80']\n" },
  "entrypoint -> containerDefinitions[].entryPoint": { key: "entrypoint", changed: "    entrypoint: [/bin/sh, -c]\n" },
  "environment -> containerDefinitions[].environment": { key: "environment", changed: "    environment: {LOG_LEVEL: debug}\n" },
  "env_file -> containerDefinitions[].environment": { key: "env_file", changed: "    env_file: [app.env]\n", files: { "app.env": "LOG_LEVEL=debug\n" } },
  "ports -> containerDefinitions[].portMappings": { key: "ports", changed: "    ports: ['8080:8080']\n" },
  "expose -> containerDefinitions[].portMappings": { key: "expose", changed: "    expose: ['6379']\n" },
  "volumes[] -> containerDefinitions[].mountPoints": { key: "volumes[0]", changed: "    volumes: [/cache]\n" },
  "depends_on -> containerDefinitions[].dependsOn": {
    key: "depends_on",
    changed: "    depends_on: [db]\n",
    others: "  db: {image: postgres:16}\n",
    env: singleTask,
  },
  "healthcheck -> containerDefinitions[].healthCheck": { key: "healthcheck", changed: "    healthcheck: {test: [CMD, /bin/true], interval: 10s}\n" },
  "deploy.mode -> aws_ecs_service.scheduling_strategy": { key: "deploy.mode", changed: "    deploy: {mode: global}\n", env: ec2 },
  "deploy.replicas -> aws_ecs_service.desired_count": { key: "deploy.replicas", changed: "    deploy: {replicas: 3}\n" },
  "scale -> aws_ecs_service.desired_count": { key: "scale", changed: "    scale: 3\n" },
  "deploy.resources.limits.cpus -> aws_ecs_task_definition.cpu": {
    key: "deploy.resources.limits.cpus",
    changed: "    deploy: {resources: {limits: {cpus: '2'}}}\n",
  },
  "deploy.resources.limits.memory -> aws_ecs_task_definition.memory": {
    key: "deploy.resources.limits.memory",
    changed: "    deploy: {resources: {limits: {memory: 2G}}}\n",
  },
  "cpus -> aws_ecs_task_definition.cpu": { key: "cpus", changed: "    cpus: 2\n" },
  "mem_limit -> aws_ecs_task_definition.memory": { key: "mem_limit", changed: "    mem_limit: 2g\n" },
  "deploy.resources.reservations.cpus -> containerDefinitions[].cpu": {
    key: "deploy.resources.reservations.cpus",
    changed: "    deploy: {resources: {reservations: {cpus: '0.125'}}}\n",
  },
  "deploy.resources.reservations.memory -> containerDefinitions[].memoryReservation": {
    key: "deploy.resources.reservations.memory",
    changed: "    deploy: {resources: {reservations: {memory: 256M}}}\n",
  },
  "mem_reservation -> containerDefinitions[].memoryReservation": { key: "mem_reservation", changed: "    mem_reservation: 256m\n" },
  "cpu_shares -> containerDefinitions[].cpu": { key: "cpu_shares", changed: "    cpu_shares: 128\n" },
  "deploy.update_config.order -> aws_ecs_service.deployment_minimum_healthy_percent": {
    key: "deploy.update_config.order",
    changed: "    deploy: {update_config: {order: start-first}}\n",
  },
  "deploy.update_config.x-aws-min_percent -> aws_ecs_service.deployment_minimum_healthy_percent": {
    key: "deploy.update_config.x-aws-min_percent",
    changed: "    deploy: {update_config: {x-aws-min_percent: 25}}\n",
  },
  "deploy.update_config.x-aws-max_percent -> aws_ecs_service.deployment_maximum_percent": {
    key: "deploy.update_config.x-aws-max_percent",
    changed: "    deploy: {update_config: {x-aws-max_percent: 150}}\n",
  },
  "deploy.x-aws-autoscaling -> aws_appautoscaling_target.max_capacity": {
    key: "deploy.x-aws-autoscaling",
    changed: "    deploy: {x-aws-autoscaling: {max: 4, cpu: 70}}\n",
  },
  "secrets -> containerDefinitions[].mountPoints": {
    key: "secrets",
    changed: "    secrets: [db_password]\n",
    top: "secrets: {db_password: {file: ./pw.txt}}\n",
    files: { "pw.txt": "x" },
  },
  "ulimits -> containerDefinitions[].ulimits": { key: "ulimits", changed: "    ulimits: {nofile: 65535}\n" },
  "user -> containerDefinitions[].user": { key: "user", changed: "    user: '1000:1000'\n" },
  "working_dir -> containerDefinitions[].workingDirectory": { key: "working_dir", changed: "    working_dir: /srv\n" },
  "labels -> containerDefinitions[].dockerLabels": { key: "labels", changed: "    labels: {team: platform}\n" },
  "label_file -> containerDefinitions[].dockerLabels": {
    key: "label_file",
    changed: "    label_file: labels.txt\n",
    files: { "labels.txt": "team=platform\n" },
  },
  "networks -> aws_ecs_service.network_configuration": { key: "networks", changed: "    networks: [back]\n", top: "networks: {back: {}}\n" },
  "read_only -> containerDefinitions[].readonlyRootFilesystem": { key: "read_only", changed: "    read_only: true\n" },
  "stop_grace_period -> containerDefinitions[].stopTimeout": { key: "stop_grace_period", changed: "    stop_grace_period: 20s\n" },
  "tty -> containerDefinitions[].pseudoTerminal": { key: "tty", changed: "    tty: true\n" },
  "stdin_open -> containerDefinitions[].interactive": { key: "stdin_open", changed: "    stdin_open: true\n" },
  "init -> containerDefinitions[].linuxParameters.initProcessEnabled": { key: "init", changed: "    init: true\n" },
  "cap_add -> containerDefinitions[].linuxParameters.capabilities.add": { key: "cap_add", changed: "    cap_add: [SYS_PTRACE]\n" },
  "cap_drop -> containerDefinitions[].linuxParameters.capabilities.drop": { key: "cap_drop", changed: "    cap_drop: [NET_RAW]\n" },
  "sysctls -> containerDefinitions[].systemControls": { key: "sysctls", changed: "    sysctls: {net.core.somaxconn: '1024'}\n" },
  "platform -> aws_ecs_task_definition.runtime_platform.cpu_architecture": { key: "platform", changed: "    platform: linux/arm64\n" },
  "x-ecs.replicas -> aws_ecs_service.desired_count": { key: "x-ecs.replicas", changed: "    x-ecs: {replicas: 3}\n" },
  "x-ecs.cpu -> aws_ecs_task_definition.cpu": { key: "x-ecs.cpu", changed: "    x-ecs: {cpu: 1024}\n" },
  "x-ecs.memory -> aws_ecs_task_definition.memory": { key: "x-ecs.memory", changed: "    x-ecs: {memory: 2048}\n" },
  "x-ecs.path -> aws_lb_listener_rule.condition": { key: "x-ecs.path", base: PORT, changed: `${PORT}    x-ecs: {path: /api}\n` },
  "x-ecs.host -> aws_lb_listener_rule.condition": { key: "x-ecs.host", base: PORT, changed: `${PORT}    x-ecs: {host: api.example.com}\n` },
  "x-ecs.healthCheckPath -> aws_lb_target_group.health_check": {
    key: "x-ecs.healthCheckPath",
    base: PORT,
    changed: `${PORT}    x-ecs: {healthCheckPath: /healthz}\n`,
  },
  "x-ecs.access -> aws_vpc_security_group_ingress_rule.from_port": { key: "x-ecs.access", base: PORT, changed: `${PORT}    x-ecs: {access: declared-ports}\n` },
  "x-ecs.protocol -> aws_lb_target_group.protocol": { key: "x-ecs.protocol", base: PORT, changed: `${PORT}    x-ecs: {protocol: https}\n` },
  "x-ecs.loadBalancer -> aws_lb_listener.port": {
    key: "x-ecs.loadBalancer",
    base: "    image: postgres:16\n    ports: ['5432:5432']\n",
    changed: "    image: postgres:16\n    ports: ['5432:5432']\n    x-ecs: {loadBalancer: network}\n",
    env: { networkLoadBalancer: { internal: true, allowedCidrs: [] } },
  },
  "x-ecs.egress -> aws_vpc_security_group_egress_rule.to_port": { key: "x-ecs.egress", changed: "    x-ecs: {egress: [{ports: [587], cidrs: [0.0.0.0/0]}]}\n" },
  "ports[].app_protocol -> aws_lb_target_group.protocol": {
    key: "ports[0].app_protocol",
    base: PORT,
    changed: "    ports: [{target: 80, published: 80, app_protocol: https}]\n",
  },
  "ports[].x-aws-protocol -> aws_lb_target_group.protocol": {
    key: "ports[0].x-aws-protocol",
    base: PORT,
    changed: "    ports: [{target: 80, published: 80, x-aws-protocol: tcp}]\n",
  },
  "x-ecs.port -> aws_lb_target_group.port": {
    key: "x-ecs.port",
    base: "    ports: ['80:80', '8080:8080']\n",
    changed: "    ports: ['80:80', '8080:8080']\n    x-ecs: {port: 8080}\n",
  },
  "x-ecs.public -> aws_lb_target_group.port": { key: "x-ecs.public", base: PORT, changed: `${PORT}    x-ecs: {public: false}\n` },
  "x-ecs.autoscaling -> aws_appautoscaling_target.max_capacity": { key: "x-ecs.autoscaling", changed: "    x-ecs: {autoscaling: {min: 1, max: 4, cpu: 60}}\n" },
  "x-ecs.stateful -> aws_ecs_service.deployment_maximum_percent": { key: "x-ecs.stateful", changed: "    x-ecs: {stateful: true}\n" },
  "x-ecs.secretEnvironment -> containerDefinitions[].secrets": {
    key: "x-ecs.secretEnvironment",
    changed: "    x-ecs: {secretEnvironment: {DB_PASSWORD: secretsmanager}}\n",
  },
  "x-ecs.taskRole.policies -> aws_iam_role_policy_attachment.policy_arn": {
    key: "x-ecs.taskRole.policies",
    changed: "    x-ecs: {taskRole: {policies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']}}\n",
  },
  "x-ecs.taskRole.statements -> aws_iam_role_policy.policy": {
    key: "x-ecs.taskRole.statements",
    changed: "    x-ecs: {taskRole: {statements: [{Action: ['sqs:SendMessage'], Resource: ['arn:aws:sqs:eu-west-1:123456789012:jobs']}]}}\n",
  },
  "x-aws-role -> aws_iam_role_policy.policy": {
    key: "x-aws-role",
    changed:
      "    x-aws-role: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: ['sqs:SendMessage'], Resource: 'arn:aws:sqs:eu-west-1:123456789012:jobs'}]}\n",
  },
  "x-aws-policies -> aws_iam_role_policy_attachment.policy_arn": {
    key: "x-aws-policies",
    changed: "    x-aws-policies: ['arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess']\n",
  },
  "x-aws-pull_credentials -> containerDefinitions[].repositoryCredentials": {
    key: "x-aws-pull_credentials",
    changed: `    x-aws-pull_credentials: ${SECRET_ARN}\n`,
  },
  "networks.* -> aws_security_group.name": { key: "networks.back", changed: "    networks: [back]\n", top: "networks: {back: {}}\n", baseTop: "" },
  "volumes.* -> aws_efs_file_system.creation_token": {
    key: "volumes.data",
    changed: "    volumes: ['data:/data']\n",
    top: "volumes: {data: {}}\n",
    baseTop: "",
  },
  "secrets.* -> aws_secretsmanager_secret.name": {
    key: "secrets.token",
    changed: "    secrets: [token]\n",
    top: "secrets: {token: {file: ./t.txt}}\n",
    baseTop: "",
    files: { "t.txt": "x" },
  },
  "secrets.* -> data.aws_secretsmanager_secret.name": {
    key: "secrets.token",
    changed: "    secrets: [token]\n",
    top: "secrets: {token: {external: true, name: prod/token}}\n",
    baseTop: "",
  },
  "secrets.* -> aws_iam_role_policy.policy": {
    key: "secrets.token",
    changed: "    secrets: [token]\n",
    top: `secrets: {token: {external: true, name: '${SECRET_ARN}'}}\n`,
    baseTop: "",
  },
  "x-aws-logs_retention -> aws_cloudwatch_log_group.retention_in_days": {
    key: "x-aws-logs_retention",
    changed: "",
    top: "x-aws-logs_retention: 30\n",
    baseTop: "",
  },
};

function environment(overrides: Env = {}): EnvironmentConfig {
  const env = defaultEnvironment("default");
  return { ...env, loadBalancer: { ...env.loadBalancer, internal: true }, ...overrides };
}

interface Synthesized {
  readonly json: {
    readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
    readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  };
  readonly report: readonly ConversionEntry[];
}

const cache = new Map<string, Synthesized>();

/** Loads, plans and synthesizes the application stack of a one-file project. */
function synthesize(compose: string, files: Readonly<Record<string, string>>, env: Env): Synthesized {
  const key = JSON.stringify([compose, files, env]);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const loaded = loadProject({ "compose.yaml": compose, ...files });
  if (loaded.project === undefined) throw new Error(`did not load:\n${compose}\n${JSON.stringify(loaded.diagnostics)}`);
  const planned = planProject({ project: loaded.project, env: environment(env) });
  if (planned.plan === undefined) throw new Error(`did not plan:\n${compose}\n${JSON.stringify(planned.diagnostics)}`);
  const app = Testing.app();
  const stack = new AppStack(app, planned.plan, { projectDir: "/project", outDir: "/project/cdktf.out" });
  const result = { json: JSON.parse(Testing.synth(stack)) as Synthesized["json"], report: conversionReport(loaded.project, planned.plan) };
  cache.set(key, result);
  return result;
}

function compose(service: string, top: string, others: string): string {
  const body = service.includes("image:") || service.includes("build:") ? service : `    image: app:1\n${service}`;
  return `services:\n  web:\n${body}${others}${top}`;
}

function dig(value: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return value;
  if (Array.isArray(value)) return value.map((v) => dig(v, segments));
  if (value === null || typeof value !== "object") return undefined;
  const [first, ...rest] = segments;
  return dig((value as Record<string, unknown>)[first as string], rest);
}

/**
 * The value of an attribute for service `web`: `containerDefinitions[].<path>` in its container
 * (whichever task holds it), or `[data.]<type>.<path>` over the service's resources of that
 * type (the stack's, for top-level keys).
 */
function attributeValue(json: Synthesized["json"], attribute: string, service: string | undefined): unknown {
  if (attribute.startsWith("containerDefinitions[].")) {
    if (service === undefined) throw new Error(`${attribute} needs a service`);
    const segments = attribute.slice("containerDefinitions[].".length).split(".");
    const definitions = Object.values(json.resource?.aws_ecs_task_definition ?? {}).flatMap(
      (td) => JSON.parse(String(td.container_definitions)) as Record<string, unknown>[],
    );
    return dig(
      definitions.find((c) => c.name === service),
      segments,
    );
  }
  const isData = attribute.startsWith("data.");
  const [type, ...segments] = (isData ? attribute.slice(5) : attribute).split(".");
  const all = Object.entries((isData ? json.data : json.resource)?.[type as string] ?? {});
  const own = service === undefined ? all : all.filter(([address]) => address.startsWith(`services_${service}_`));
  return own.sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => dig(r, segments));
}

describe("every key the report calls mapped changes the ECS attribute it names", () => {
  const rows = MAPPINGS.map((m) => [m.key, m.attribute] as const);

  test.each(rows)("GIVEN %s changed WHEN synthesized THEN %s differs", (pattern, attribute) => {
    const sample = SAMPLES[`${pattern} -> ${attribute}`];
    if (sample === undefined) throw new Error(`no sample for the MAPPINGS row "${pattern} -> ${attribute}": add one to SAMPLES`);
    const files = sample.files ?? {};
    const base = synthesize(compose(sample.base ?? "", sample.baseTop ?? sample.top ?? "", sample.others ?? ""), files, sample.env ?? {});
    const changed = synthesize(compose(sample.changed, sample.top ?? "", sample.others ?? ""), files, sample.env ?? {});
    const service =
      sample.key.startsWith("networks.") || sample.key.startsWith("volumes.") || sample.key.startsWith("secrets.") || sample.key === "x-aws-logs_retention"
        ? undefined
        : "web";
    const row = changed.report.find((e) => e.service === service && e.key === sample.key && e.status === "mapped" && e.attribute === attribute);
    expect([sample.key, row?.attribute]).toEqual([sample.key, attribute]);
    expect(keyPattern(sample.key, service)).toBe(pattern);
    const before = attributeValue(base.json, attribute, service);
    const after = attributeValue(changed.json, attribute, service);
    // Absent, an empty list and a list of absents are one "nothing": a difference between them is no change.
    const nothing = (v: unknown): string => (/^(null|\[\]|\[null\])$/.test(JSON.stringify(v ?? null)) ? "(nothing)" : JSON.stringify(v));
    expect(nothing(after)).not.toEqual(nothing(before));
  });

  test("GIVEN SAMPLES THEN every sample belongs to a MAPPINGS row (no stale samples)", () => {
    const rowsText = new Set(rows.map(([k, a]) => `${k} -> ${a}`));
    expect(Object.keys(SAMPLES).filter((k) => !rowsText.has(k))).toEqual([]);
  });

  test("GIVEN the visible corpus and the bundled example WHEN reported THEN every mapped row is a MAPPINGS row", () => {
    const pairs = new Set(MAPPINGS.map((m) => `${m.key} -> ${m.attribute}`));
    const projects: { dir: string; file: string }[] = [{ dir: path.resolve(__dirname, "../.."), file: "examples/seed/docker-compose.yml" }];
    if (!fs.existsSync(path.join(CORPUS, "MANIFEST.tsv"))) throw new Error(`corpus not found at ${CORPUS}`);
    for (const entry of readManifest().filter((e) => !e.expectation.startsWith("error"))) {
      const { dir, composeFile } = materialise(entry);
      projects.push({ dir, file: composeFile });
    }
    let mapped = 0;
    for (const p of projects) {
      const loaded = load({ files: [p.file], workingDir: p.dir, environment: { AIRFLOW_IMAGE_NAME: "apache/airflow:2.10.4", DB_PORT: "5432" } });
      if (loaded.project === undefined) continue;
      const planned = planProject({ project: loaded.project, env: environment() });
      if (planned.plan === undefined) continue;
      for (const e of conversionReport(loaded.project, planned.plan)) {
        if (e.status !== "mapped") continue;
        mapped++;
        expect([p.file, `${keyPattern(e.key, e.service)} -> ${e.attribute ?? "(none)"}`]).toEqual([p.file, expect.stringMatching(/ -> /)]);
        expect(
          pairs.has(`${keyPattern(e.key, e.service)} -> ${e.attribute ?? ""}`) ? "in MAPPINGS" : `${e.service ?? ""} ${e.key} -> ${e.attribute ?? ""}`,
        ).toBe("in MAPPINGS");
      }
    }
    expect(mapped).toBeGreaterThan(100);
  });
});

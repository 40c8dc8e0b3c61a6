import { Testing } from "cdktf";
import { ComposeProject } from "../../compose/model";
import { EnvironmentConfig } from "../../config/environment-model";
import { clusterName, loadBalancerName, loadBalancerSecurityGroupName } from "../../naming/names";
import { planProject } from "../../planner/plan-project";
import { AppStack } from "../../stacks/app-stack";
import { BaseStack } from "../../stacks/base-stack";
import { productionEnv, project, seedProject, service } from "../planner/fixtures";
import { SynthJson, only, resourcesOf } from "./synth-helpers";

function synthApp(
  p: ComposeProject,
  env: EnvironmentConfig,
  branch?: { branch: string; slug: string; slot: number },
): { json: SynthJson; text: string; base: SynthJson } {
  const result = planProject({ project: p, env, ...(branch ? { branch } : {}) });
  if (result.plan === undefined) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  const app = Testing.app();
  const options = { projectDir: "/project", outDir: "/project/cdktf.out" };
  const base = new BaseStack(app, result.plan, options);
  const stack = new AppStack(app, result.plan, options);
  const text = Testing.synth(stack, true);
  return { json: JSON.parse(text) as SynthJson, text, base: JSON.parse(Testing.synth(base)) as SynthJson };
}

interface Container {
  name: string;
  image: string;
  environment: { name: string; value: string }[];
  secrets?: { name: string; valueFrom: string }[];
  [key: string]: unknown;
}
function containers(taskDefinition: Record<string, unknown>): Container[] {
  return JSON.parse(String(taskDefinition.container_definitions)) as Container[];
}
/** Testing.synth drops metadata; cdktf addresses start with the construct path joined by "_". */
function byPath(json: SynthJson, type: string, path: string): Record<string, unknown> {
  const prefix = ["services", ...path.split("/").slice(1).filter(Boolean)].join("_");
  const found = Object.entries(json.resource[type] ?? {}).filter(([address]) => address.startsWith(`${prefix}_`));
  if (found.length !== 1) throw new Error(`expected one ${type} under ${path}, found ${found.length}`);
  return found[0]?.[1] as Record<string, unknown>;
}

describe("AppStack with the seed example (production)", () => {
  const { json, text } = synthApp(seedProject(), productionEnv());

  test("THEN every task definition is awsvpc Fargate with separate execution and task roles", () => {
    for (const td of resourcesOf(json, "aws_ecs_task_definition")) {
      expect(td).toMatchObject({ network_mode: "awsvpc", requires_compatibilities: ["FARGATE"] });
      expect(td.execution_role_arn).not.toEqual(td.task_role_arn);
    }
    expect(byPath(json, "aws_ecs_task_definition", "production-app/boot/")).toMatchObject({
      cpu: "512",
      memory: "1024",
      family: expect.stringMatching(/^multi-env-production-boot-[a-z0-9]{6}$/),
    });
  });

  test("THEN the web container carries the compose settings and pulls its image from ECR", () => {
    const web = containers(byPath(json, "aws_ecs_task_definition", "production-app/web/")).find((c) => c.name === "web");
    expect(web?.image).toMatch(/^\$\{aws_ecr_repository\.images_web_repository_\w+\.repository_url\}:latest$/);
    expect(web?.environment.map((e) => e.name)).toEqual(["BOOT_URL", "REDIS_HOST", "REDIS_PORT"]);
    expect(web).toMatchObject({
      essential: true,
      privileged: false,
      portMappings: [{ containerPort: 5000, protocol: "tcp" }],
      healthCheck: { interval: 30, timeout: 5, retries: 3, startPeriod: 10 },
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web" } },
    });
    expect(JSON.stringify(web?.logConfiguration)).not.toContain("awslogs-create-group");
  });

  test("THEN each ECS service runs in private subnets without public IPs, with the circuit breaker and Cloud Map", () => {
    for (const s of resourcesOf(json, "aws_ecs_service")) {
      expect(s).toMatchObject({
        deployment_circuit_breaker: { enable: true, rollback: true },
        network_configuration: { assign_public_ip: false },
        launch_type: "FARGATE",
        scheduling_strategy: "REPLICA",
      });
      expect(s).not.toHaveProperty("capacity_provider_strategy");
      expect(String((s.service_registries as { registry_arn: string }).registry_arn)).toMatch(/aws_service_discovery_service/);
    }
    expect(byPath(json, "aws_ecs_service", "production-app/web/")).toMatchObject({
      desired_count: 2,
      deployment_maximum_percent: 200,
      deployment_minimum_healthy_percent: 50,
    });
  });

  test("THEN routed services get a target group with the compose health check and a prioritised rule", () => {
    expect(byPath(json, "aws_lb_target_group", "production-app/boot/")).toMatchObject({
      port: 8080,
      target_type: "ip",
      deregistration_delay: "30",
      health_check: { path: "/actuator/health", matcher: "200-399" },
    });
    expect(byPath(json, "aws_lb_listener_rule", "production-app/boot/")).toMatchObject({
      priority: 1,
      condition: [{ path_pattern: { values: ["/boot", "/boot/*"] } }],
    });
    expect(byPath(json, "aws_lb_listener_rule", "production-app/web/")).toMatchObject({ priority: 2, condition: [{ path_pattern: { values: ["/*"] } }] });
    expect(Testing.toHaveDataSourceWithProperties(text, "aws_lb_listener", { port: 443 })).toBe(true);
  });

  test("THEN base resources are looked up by name, never by remote state", () => {
    expect(Testing.toHaveDataSourceWithProperties(text, "aws_ecs_cluster", { cluster_name: clusterName({ project: "multi-env", env: "production" }) })).toBe(
      true,
    );
    expect(Testing.toHaveDataSourceWithProperties(text, "aws_lb", { name: loadBalancerName({ project: "multi-env", env: "production" }) })).toBe(true);
    expect(
      Testing.toHaveDataSourceWithProperties(text, "aws_security_group", { name: loadBalancerSecurityGroupName({ project: "multi-env", env: "production" }) }),
    ).toBe(true);
    expect(text).not.toContain("terraform_remote_state");
  });

  test("THEN the execution role may only write its own log group and pull its own repository", () => {
    const policy = JSON.parse(String(byPath(json, "aws_iam_role_policy", "production-app/web/").policy)) as {
      Statement: { Action: string[]; Resource: string | string[] }[];
    };
    const resources = policy.Statement.map((s) => [s.Action.join(","), s.Resource]);
    expect(resources).toEqual([
      ["logs:CreateLogStream,logs:PutLogEvents", [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.services_web_logs_\w+\.arn\}:\*$/)]],
      ["ecr:GetAuthorizationToken", "*"],
      ["ecr:BatchCheckLayerAvailability,ecr:BatchGetImage,ecr:GetDownloadUrlForLayer", [expect.stringMatching(/aws_ecr_repository\.images_web_repository/)]],
    ]);
    const trust = JSON.parse(String(byPath(json, "aws_iam_role", "production-app/web/roles/execution-role").assume_role_policy));
    expect(trust.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }]);
  });

  test("THEN the task security groups admit only the ALB on routed ports, and the compose network's group admits its members on every port", () => {
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule").map((r) => {
      const target = /aws_security_group\.services_(\w+?)_/.exec(String(r.security_group_id))?.[1];
      const source = String(r.referenced_security_group_id).startsWith("${data.aws_security_group.")
        ? "alb"
        : /aws_security_group\.networks_(\w+?)_/.exec(String(r.referenced_security_group_id))?.[1];
      return `${target}:${r.from_port}:${source}`;
    });
    expect(ingress.sort()).toEqual(["boot:8080:alb", "web:5000:alb"]);
    const network = Object.entries(json.resource.aws_security_group ?? {}).find(([address]) => address.startsWith("networks_default_"))?.[1];
    const self = only(json, "aws_security_group_rule");
    expect(self).toMatchObject({
      type: "ingress",
      self: true,
      protocol: "-1",
      from_port: 0,
      to_port: 0,
      security_group_id: expect.stringMatching(/^\$\{aws_security_group\.networks_default_\w+\.id\}$/),
    });
    expect(self).not.toHaveProperty("cidr_blocks");
    expect(network).toMatchObject({ name: expect.stringMatching(/-net-default/) });
    for (const s of resourcesOf(json, "aws_ecs_service")) {
      expect((s.network_configuration as { security_groups: string[] }).security_groups).toContainEqual(
        expect.stringMatching(/aws_security_group\.networks_default_/),
      );
    }
    for (const r of resourcesOf(json, "aws_vpc_security_group_egress_rule")) {
      expect(r.cidr_ipv4 === "0.0.0.0/0" ? [r.ip_protocol, r.from_port] : ["vpc", String(r.cidr_ipv4)]).toEqual(
        r.cidr_ipv4 === "0.0.0.0/0" ? ["tcp", 443] : ["vpc", expect.stringMatching(/data\.aws_vpc/)],
      );
    }
  });

  test("THEN the ECR repository is immutable, scanned and KMS-encrypted", () => {
    expect(only(json, "aws_ecr_repository")).toMatchObject({
      name: expect.stringMatching(/^multi-env-production\/web-[a-z0-9]{6}$/),
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS" }],
    });
  });

  test("THEN every resource of a service carries its compose2ecs:service tag", () => {
    for (const [type, resources] of Object.entries(json.resource)) {
      for (const [address, r] of Object.entries(resources)) {
        const service = /^services_(web|boot|redis)_/.exec(address)?.[1];
        if (service === undefined || !("tags" in r)) continue;
        expect([type, (r.tags as Record<string, string>)["compose2ecs:service"]]).toEqual([type, service]);
      }
    }
  });
});

describe("AppStack: optional pieces", () => {
  test("GIVEN Fargate Spot capacity THEN services use a FARGATE_SPOT capacity provider strategy instead of a launch type", () => {
    const env = productionEnv();
    const { json } = synthApp(seedProject(), { ...env, capacity: { ...env.capacity, kind: "fargate-spot" } });
    for (const s of resourcesOf(json, "aws_ecs_service")) {
      expect(s).toMatchObject({ capacity_provider_strategy: [{ capacity_provider: "FARGATE_SPOT", weight: 1 }] });
      expect(s).not.toHaveProperty("launch_type");
    }
  });

  test("GIVEN a named volume and a secret THEN EFS is encrypted with IAM + TLS mounts, protected in production, and the secret is written as a file from its ARN", () => {
    const db = service({
      name: "db",
      image: "postgres:16",
      user: "999",
      volumes: [{ type: "volume", source: "pgdata", target: "/var/lib/postgresql/data", readOnly: false }],
      secrets: [{ source: "db_password", target: "db_password" }],
      ulimits: [
        { name: "nofile", soft: 1024, hard: 2048 },
        { name: "bogus", soft: 1, hard: 1 },
      ],
      workingDir: "/srv",
      labels: { "b.label": "2", "a.label": "1" },
    });
    const { json } = synthApp(
      project([db], { volumes: [{ name: "pgdata", external: false, unmodelled: {} }], secrets: [{ name: "db_password", file: "./pw.txt", external: false }] }),
      productionEnv(),
    );
    expect(only(json, "aws_efs_file_system")).toMatchObject({
      encrypted: true,
      creation_token: "shop-production-pgdata",
      lifecycle: { prevent_destroy: true },
    });
    expect(only(json, "aws_efs_backup_policy")).toMatchObject({
      backup_policy: { status: "ENABLED" },
      file_system_id: expect.stringMatching(/aws_efs_file_system/),
    });
    expect(only(json, "aws_efs_access_point")).toMatchObject({ root_directory: { path: "/data", creation_info: { owner_uid: 999, owner_gid: 999 } } });
    expect(only(json, "aws_efs_mount_target").count).toMatch(/length\(data\.aws_subnets/);
    const td = only(json, "aws_ecs_task_definition");
    expect(td.volume).toEqual([
      {
        name: "pgdata",
        efs_volume_configuration: {
          file_system_id: expect.stringMatching(/aws_efs_file_system/),
          transit_encryption: "ENABLED",
          authorization_config: { access_point_id: expect.stringMatching(/aws_efs_access_point/), iam: "ENABLED" },
        },
      },
      { name: "run-secrets-db" },
    ]);
    const init = containers(td).find((c) => c.name === "secrets-init");
    expect(init).toMatchObject({
      essential: false,
      image: expect.stringMatching(/^public\.ecr\.aws\/docker\/library\/busybox@sha256:[0-9a-f]{64}$/),
      secrets: [{ name: "COMPOSE2ECS_SECRET_1", valueFrom: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secrets_db_password_secret_\w+\.arn\}$/) }],
      mountPoints: [{ sourceVolume: "run-secrets-db", containerPath: "/secrets/run-secrets-db", readOnly: false }],
      readonlyRootFilesystem: true,
    });
    const container = containers(td).find((c) => c.name === "db");
    expect(container).not.toHaveProperty("secrets");
    expect(container).toMatchObject({
      dependsOn: expect.arrayContaining([{ containerName: "secrets-init", condition: "SUCCESS" }]),
      mountPoints: [
        { sourceVolume: "pgdata", containerPath: "/var/lib/postgresql/data", readOnly: false },
        { sourceVolume: "run-secrets-db", containerPath: "/run/secrets", readOnly: true },
      ],
      ulimits: [{ name: "nofile", softLimit: 1024, hardLimit: 2048 }],
      workingDirectory: "/srv",
      user: "999",
    });
    expect(Object.keys(container?.dockerLabels as object)).toEqual(["a.label", "b.label"]);
    expect(only(json, "aws_secretsmanager_secret")).not.toHaveProperty("secret_string");
    expect(resourcesOf(json, "aws_secretsmanager_secret_version")).toEqual([]);
  });

  test("GIVEN autoscaling THEN a scalable target with a CPU policy exists and Terraform leaves desired_count alone", () => {
    const api = service({ name: "api", ports: [{ target: 80, published: 80, protocol: "tcp" }] });
    const env = productionEnv({ services: { api: { autoscaling: { minCapacity: 2, maxCapacity: 5, targetCpuPercent: 60, targetRequestsPerTarget: 100 } } } });
    const { json } = synthApp(project([api]), env);
    expect(only(json, "aws_appautoscaling_target")).toMatchObject({ min_capacity: 2, max_capacity: 5, resource_id: "service/shop-production/shop-api" });
    const policies = resourcesOf(json, "aws_appautoscaling_policy").map(
      (p) =>
        (p.target_tracking_scaling_policy_configuration as { predefined_metric_specification: { predefined_metric_type: string } })
          .predefined_metric_specification.predefined_metric_type,
    );
    expect(policies.sort()).toEqual(["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]);
    expect(only(json, "aws_ecs_service")).toMatchObject({ lifecycle: { ignore_changes: ["desired_count"] } });
  });

  test("GIVEN a branch without a domain THEN the stack has its own listener on 10000+slot and a url output", () => {
    const env = productionEnv({ name: "qa", branches: true });
    const { json } = synthApp(seedProject(), env, { branch: "feature/x", slug: "feature-x", slot: 4 });
    expect(only(json, "aws_lb_listener")).toMatchObject({
      port: 10004,
      protocol: "HTTP",
      default_action: [expect.objectContaining({ type: "fixed-response" })],
    });
    expect(JSON.stringify(json.output)).toMatch(/:10004/);
    expect(
      resourcesOf(json, "aws_lb_listener_rule")
        .map((r) => r.priority)
        .sort(),
    ).toEqual([201, 202]);
  });

  test("GIVEN single-task placement THEN one task definition holds every container and one service runs it", () => {
    const { json } = synthApp(seedProject(), productionEnv({ placement: "single-task" }));
    const td = only(json, "aws_ecs_task_definition");
    expect(containers(td).map((c) => c.name)).toEqual(["boot", "redis", "web"]);
    expect(only(json, "aws_ecs_service")).toMatchObject({ name: expect.stringMatching(/^multi-env-production-all-[a-z0-9]{6}$/) });
    expect(resourcesOf(json, "aws_lb_target_group")).toHaveLength(2);
  });
});

describe("AppStack: connectivity", () => {
  const tcp = (target: number, published: number = target) => ({ target, published, protocol: "tcp" as const });
  /** `${aws_security_group.services_web_security-group_sg_ABCD1234.id}` -> `web`; data sources and network groups keep their construct path. */
  const groupOf = (expr: unknown) =>
    (/\.([\w-]+?)_[0-9A-F]{8}\.id\}$/.exec(String(expr))?.[1] ?? String(expr)).replace(/^services_(.+)_security-group_sg$/, "$1");
  const ingressOf = (json: SynthJson) =>
    resourcesOf(json, "aws_vpc_security_group_ingress_rule")
      .map(
        (r) =>
          `${groupOf(r.security_group_id)} <- ${r.cidr_ipv4 !== undefined ? String(r.cidr_ipv4) : groupOf(r.referenced_security_group_id)}:${String(r.from_port)}`,
      )
      .sort();

  test("GIVEN one service on the seed network in declared-ports access and the others open THEN the network gets a second group and per-port rules", () => {
    const p = seedProject();
    const { json } = synthApp(
      { ...p, services: p.services.map((s) => (s.name === "redis" ? { ...s, ecs: { access: "declared-ports" } } : s)) },
      productionEnv(),
    );
    const groups = Object.keys(json.resource.aws_security_group ?? {}).filter((a) => /networks/.test(a));
    expect(groups.map((a) => a.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual(["declared-ports-networks_default", "networks_default"]);
    expect(only(json, "aws_security_group_rule")).toMatchObject({ self: true, protocol: "-1" });
    expect(ingressOf(json)).toEqual([
      "boot <- base_alb-sg:8080",
      "boot <- declared-ports-networks_default:8080",
      "redis <- declared-ports-networks_default:6379",
      "redis <- networks_default:6379",
      "web <- base_alb-sg:5000",
      "web <- declared-ports-networks_default:5000",
    ]);
    const redis = byPath(json, "aws_ecs_service", "/redis");
    expect((redis.network_configuration as { security_groups: string[] }).security_groups).toEqual([
      expect.stringMatching(/services_redis_security-group_sg_/),
      expect.stringMatching(/declared-ports-networks_default_/),
    ]);
  });

  test("GIVEN declared-ports access for the whole environment THEN there is no self rule and siblings are admitted on declared ports (today's rules)", () => {
    const { json } = synthApp(seedProject(), productionEnv({ access: "declared-ports" }));
    expect(resourcesOf(json, "aws_security_group_rule")).toEqual([]);
    expect(ingressOf(json)).toEqual([
      "boot <- base_alb-sg:8080",
      "boot <- networks_default:8080",
      "redis <- networks_default:6379",
      "web <- base_alb-sg:5000",
      "web <- networks_default:5000",
    ]);
  });

  test("GIVEN egress settings THEN the task group may send there, and still HTTPS and the VPC, nothing more", () => {
    const app = service({ name: "app", image: "example/app:1", ecs: { egress: [{ ports: [587], cidrs: ["0.0.0.0/0"], protocol: "tcp" }] } });
    const { json } = synthApp(project([app]), productionEnv({ egress: [{ ports: [514], cidrs: ["10.9.0.0/16"], protocol: "udp" }] }));
    const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule").map(
      (r) =>
        `${String(r.ip_protocol)}/${String(r.from_port ?? "*")}-${String(r.to_port ?? "*")} ${String(r.cidr_ipv4).startsWith("${data.aws_vpc") ? "vpc" : String(r.cidr_ipv4)}`,
    );
    expect(egress.sort()).toEqual(["-1/*-* vpc", "tcp/443-443 0.0.0.0/0", "tcp/587-587 0.0.0.0/0", "udp/514-514 10.9.0.0/16"]);
  });

  test("GIVEN the only routed service has no path THEN its rule is the catch-all /* and the url output serves it", () => {
    const { json } = synthApp(
      project([service({ name: "wordpress", image: "wordpress:6", ports: [tcp(80, 8080)] }), service({ name: "db", image: "mariadb:11" })]),
      productionEnv(),
    );
    expect(only(json, "aws_lb_listener_rule")).toMatchObject({ priority: 1, condition: [{ path_pattern: { values: ["/*"] } }] });
  });

  test("GIVEN an HTTPS-only app (app_protocol https) THEN its target group and health check speak HTTPS", () => {
    const { json } = synthApp(project([service({ name: "app", image: "example/app:1", ports: [{ ...tcp(8443), appProtocol: "https" }] })]), productionEnv());
    expect(only(json, "aws_lb_target_group")).toMatchObject({ port: 8443, protocol: "HTTPS", health_check: { protocol: "HTTPS" } });
  });

  test("GIVEN postgres publishing 5432 THEN there is no target group for it at all", () => {
    const { json } = synthApp(project([service({ name: "db", image: "postgres:16", ports: [tcp(5432)] })]), productionEnv());
    expect(resourcesOf(json, "aws_lb_target_group")).toEqual([]);
    expect(resourcesOf(json, "aws_lb_listener_rule")).toEqual([]);
  });

  describe("GIVEN a TCP port on the network load balancer", () => {
    const env = productionEnv({ networkLoadBalancer: { internal: false, allowedCidrs: ["198.51.100.0/24", "203.0.113.0/24"] } });
    const p = project([service({ name: "db", image: "postgres:16", ports: [tcp(5432, 15432)], ecs: { loadBalancer: "network" } })]);
    const { json, base } = synthApp(p, env);

    test("THEN the base has a network load balancer with a security group and no open port of its own", () => {
      const nlb = resourcesOf(base, "aws_lb").find((lb) => lb.load_balancer_type === "network");
      expect(nlb).toMatchObject({ name: "shop-production-nlb", internal: false, security_groups: [expect.stringMatching(/network-load-balancer_sg_/)] });
      expect(resourcesOf(base, "aws_vpc_security_group_ingress_rule").filter((r) => String(r.security_group_id).includes("network-load-balancer"))).toEqual([]);
    });

    test("THEN the app stack adds a TCP listener on the published port, a TCP target group with a TCP health check, and opens the port for the allowed CIDRs only", () => {
      expect(only(json, "aws_lb_listener")).toMatchObject({
        port: 15432,
        protocol: "TCP",
        load_balancer_arn: expect.stringMatching(/data\.aws_lb\.base_nlb_/),
      });
      expect(only(json, "aws_lb_target_group")).toMatchObject({
        port: 5432,
        protocol: "TCP",
        target_type: "ip",
        health_check: { protocol: "TCP", port: "traffic-port" },
      });
      expect(ingressOf(json)).toEqual(["base_nlb-sg <- 198.51.100.0/24:15432", "base_nlb-sg <- 203.0.113.0/24:15432", "db <- base_nlb-sg:5432"]);
      expect(only(json, "aws_ecs_service")).toMatchObject({
        load_balancer: [{ container_name: "db", container_port: 5432 }],
        health_check_grace_period_seconds: 30,
      });
    });
  });
});

describe("AppStack: compose names and text are user input", () => {
  test("GIVEN services named like the stack's own constructs THEN synth still works and each keeps its own scope", () => {
    const names = ["backend", "base", "aws", "discovery", "url", "services", "secrets"];
    const { json } = synthApp(project(names.map((name) => service({ name }))), productionEnv());
    expect(
      resourcesOf(json, "aws_ecs_service")
        .map((s) => s.name)
        .sort(),
    ).toEqual(names.map((n) => `shop-${n}`).sort());
  });

  test("GIVEN a command and healthcheck with literal ${VAR} and %{x} THEN Terraform gets them escaped", () => {
    const s = service({
      name: "worker",
      command: ["sh", "-c", "echo ${HOSTNAME} %{done}"],
      healthcheck: { test: ["CMD-SHELL", 'check --host "${HOSTNAME}"'], disabled: false },
    });
    const { json } = synthApp(project([s]), productionEnv());
    const td = only(json, "aws_ecs_task_definition");
    const text = String(td.container_definitions);
    expect(text).toContain("echo $${HOSTNAME} %%{done}");
    expect(text).toContain('--host \\"$${HOSTNAME}\\"');
    expect(text).toMatch(/"awslogs-group":"\$\{aws_cloudwatch_log_group\.services_worker_logs_\w+\.name\}"/);
  });
});

describe("AppStack: resource addresses depend only on names", () => {
  const addressesOf = (json: SynthJson, service: string) => {
    const out: Record<string, unknown> = {};
    for (const [type, resources] of Object.entries(json.resource)) {
      for (const [name, body] of Object.entries(resources)) {
        if (name.startsWith(`services_${service}_`)) out[`${type}.${name}`] = body;
      }
    }
    return out;
  };

  test.each([
    [
      "adding a service",
      (p: ComposeProject): ComposeProject => ({
        ...p,
        services: [...p.services, service({ name: "aaa", ports: [{ target: 9000, published: 9000, protocol: "tcp" }] })],
      }),
    ],
    [
      "renaming a service",
      (p: ComposeProject): ComposeProject => ({ ...p, services: p.services.map((s) => (s.name === "redis" ? { ...s, name: "cache" } : s)) }),
    ],
  ])("GIVEN %s THEN the untouched services' resources keep their addresses and bodies", (_label, change) => {
    const before = synthApp(seedProject(), productionEnv()).json;
    const after = synthApp(change(seedProject()), productionEnv()).json;
    for (const name of ["web", "boot"]) {
      const a = addressesOf(before, name);
      const b = addressesOf(after, name);
      expect(Object.keys(a).length).toBeGreaterThan(10);
      // Only listener-rule priorities may move (specificity order), never addresses or other fields.
      for (const [address, body] of Object.entries(a)) {
        expect(Object.keys(b)).toContain(address);
        const strip = (x: unknown) => (address.startsWith("aws_lb_listener_rule.") ? { ...(x as object), priority: 0 } : x);
        expect(strip(b[address])).toEqual(strip(body));
      }
    }
  });
});

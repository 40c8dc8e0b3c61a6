import { formatDiagnostic } from "../../compose/diagnostics";
import { ServiceModel } from "../../compose/model";
import { parseEnvironment } from "../../config/load-environment";
import { planProject } from "../../planner/plan-project";
import { ServicePlan } from "../../planner/plan";
import { productionEnv, project, qaEnv, seedProject, service } from "./fixtures";

const planOf = (...args: Parameters<typeof planProject>) => {
  const result = planProject(...args);
  if (result.plan === undefined) throw new Error(result.diagnostics.map((d) => `${d.path}: ${d.message}`).join("\n"));
  return result.plan;
};
const byId = (services: readonly ServicePlan[], id: string) => services.find((s) => s.id === id);

describe("planner: the seed example in production", () => {
  const plan = planOf({ project: seedProject(), env: productionEnv() });

  test("THEN the stacks are production-base and production-app with state app", () => {
    expect(plan.base.stackName).toBe("production-base");
    expect(plan.app.stackName).toBe("production-app");
    expect(plan.app.stateName).toBe("app");
  });

  test("THEN web is the catch-all, boot has /boot, redis is not routed", () => {
    const web = byId(plan.app.services, "web");
    const boot = byId(plan.app.services, "boot");
    expect(boot?.routes[0]).toMatchObject({ paths: ["/boot", "/boot/*"], priority: 1, containerPort: 8080 });
    expect(web?.routes[0]).toMatchObject({ paths: ["/*"], priority: 2, containerPort: 5000 });
    expect(byId(plan.app.services, "redis")?.routes).toEqual([]);
  });

  test("THEN health checks come from the compose probes", () => {
    expect(byId(plan.app.services, "web")?.routes[0]?.healthCheck.path).toBe("/health");
    expect(byId(plan.app.services, "boot")?.routes[0]?.healthCheck.path).toBe("/actuator/health");
  });

  test("THEN sizes, replicas and update percentages follow deploy", () => {
    expect(byId(plan.app.services, "web")).toMatchObject({
      size: { cpu: 256, memory: 512 },
      desiredCount: 2,
      deployment: { maximumPercent: 200, minimumHealthyPercent: 50 },
    });
    expect(byId(plan.app.services, "boot")).toMatchObject({
      size: { cpu: 512, memory: 1024 },
      desiredCount: 2,
      deployment: { maximumPercent: 200, minimumHealthyPercent: 100 },
    });
  });

  test("THEN siblings reach redis through the network's all-ports rule, and web admits the ALB on 5000 only", () => {
    expect(byId(plan.app.services, "redis")?.ingress).toEqual([]);
    expect(byId(plan.app.services, "web")?.ingress).toEqual([{ from: { kind: "alb" }, port: 5000, protocol: "tcp" }]);
    expect(plan.app.networks).toEqual([{ name: "default", securityGroupName: expect.stringMatching(/-net-default/), selfRule: true }]);
    expect(byId(plan.app.services, "redis")?.memberships).toEqual([{ network: "default", group: "members" }]);
  });

  test("THEN web is built into ECR with the environment's image tag", () => {
    // "multi-env" holds the separator, so the name carries a hash of its parts.
    expect(plan.app.repositories).toEqual([{ service: "web", name: expect.stringMatching(/^multi-env-production\/web-[a-z0-9]{6}$/) }]);
    const container = byId(plan.app.services, "web")?.containers.find((c) => c.name === "web");
    expect(container?.image).toEqual({ kind: "ecr", service: "web", tag: "latest" });
  });

  test("THEN every task waits for the search-domain init container, which sets the namespace", () => {
    for (const s of plan.app.services) {
      const [sidecar, app] = s.containers;
      expect(sidecar).toMatchObject({ name: "searchdomain-sidecar", essential: false, command: ["production.multi-env.internal"] });
      expect(app?.dependsOn).toEqual([{ containerName: "searchdomain-sidecar", condition: "SUCCESS" }]);
    }
  });

  test("THEN the shared listener is HTTPS because a certificate is configured", () => {
    expect(plan.app.listener).toEqual({ kind: "shared", port: 443, protocol: "HTTPS" });
  });
});

describe("planner: branches", () => {
  test("GIVEN a QA branch without a domain THEN it gets its own listener on 10000+slot and the slot's priorities", () => {
    const plan = planOf({ project: seedProject(), env: qaEnv(), branch: { branch: "feature/x", slug: "feature-x", slot: 3 } });
    expect(plan.app.stackName).toBe("qa-feature-x");
    expect(plan.app.stateName).toBe("feature-x");
    expect(plan.app.listener).toEqual({ kind: "own", port: 10003 });
    expect(plan.app.services.flatMap((s) => s.routes.map((r) => r.priority)).sort()).toEqual([151, 152]);
    expect(plan.base.loadBalancer.branchPortRange).toEqual({ from: 10001, to: 10999 });
    expect(byId(plan.app.services, "web")?.names.ecsService).toMatch(/^multi-env-feature-x-web-[a-z0-9]{6}$/);
  });

  test("GIVEN a QA branch with a domain THEN its rules use the shared listener with host <slug>.<domain>", () => {
    const env = qaEnv();
    const plan = planOf({
      project: seedProject(),
      env: { ...env, loadBalancer: { ...env.loadBalancer, domain: "qa.example.com" } },
      branch: { branch: "b", slug: "b", slot: 1 },
    });
    expect(plan.app.listener).toEqual({ kind: "shared", port: 80, protocol: "HTTP" });
    expect(byId(plan.app.services, "boot")?.routes[0]?.hosts).toEqual(["b.qa.example.com"]);
    expect(plan.base.loadBalancer.branchPortRange).toBeUndefined();
  });

  test("GIVEN a branch environment without a branch THEN planning fails and says how to give one", () => {
    const result = planProject({ project: seedProject(), env: qaEnv() });
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics.map((d) => d.message).join()).toMatch(/--branch/);
  });
});

describe("planner: environment rules", () => {
  test("GIVEN a public ALB with no allowed CIDRs THEN planning fails naming the setting", () => {
    const env = productionEnv();
    const result = planProject({ project: seedProject(), env: { ...env, loadBalancer: { ...env.loadBalancer, allowedCidrs: [] } } });
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics[0]?.path).toMatch(/loadBalancer\.allowedCidrs/);
  });

  test("GIVEN x-ecs and an environment override THEN the environment wins key by key", () => {
    const env = productionEnv({ services: { api: { replicas: 5 } } });
    const plan = planOf({
      project: project([service({ name: "api", ecs: { replicas: 2, path: "/v1" }, ports: [{ target: 80, published: 80, protocol: "tcp" }] })]),
      env,
    });
    expect(plan.app.services[0]?.desiredCount).toBe(5);
    expect(plan.app.services[0]?.routes[0]?.paths).toEqual(["/v1", "/v1/*"]);
  });

  test("GIVEN autoscaling THEN the desired count is kept inside its bounds", () => {
    const env = productionEnv({ services: { api: { autoscaling: { minCapacity: 3, maxCapacity: 6, targetCpuPercent: 60 } } } });
    const plan = planOf({ project: project([service({ name: "api" })]), env });
    expect(plan.app.services[0]).toMatchObject({ desiredCount: 3, autoscaling: { minCapacity: 3, maxCapacity: 6 } });
  });

  test("GIVEN an environment override for an unknown service THEN a warning names it", () => {
    const result = planProject({ project: seedProject(), env: productionEnv({ services: { ghost: { replicas: 1 } } }) });
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ severity: "warning", path: expect.stringMatching(/services\.ghost/) }));
  });

  test("GIVEN compose secrets THEN they become Secrets Manager secrets written as files, never variables of the app", () => {
    const s = service({ name: "db", secrets: [{ source: "db_password", target: "/run/secrets/db_password" }] });
    const plan = planOf({ project: project([s], { secrets: [{ name: "db_password", file: "./password.txt", external: false }] }), env: productionEnv() });
    expect(plan.app.secrets).toEqual([{ name: "db_password", kind: "managed", ref: "shop/production/db_password" }]);
    const [sidecar, init, db] = plan.app.services[0]?.containers ?? [];
    expect([sidecar?.name, init?.name, db?.name]).toEqual(["searchdomain-sidecar", "secrets-init", "db"]);
    expect(init?.secrets).toEqual([{ name: "COMPOSE2ECS_SECRET_1", source: { kind: "compose", secret: "db_password" } }]);
    expect(db?.secrets).toEqual([]);
    expect(db?.mountPoints).toContainEqual({ volume: "run-secrets-db", containerPath: "/run/secrets", readOnly: true });
  });

  test("GIVEN a named volume THEN it becomes an EFS volume mounted with the service's numeric user as owner", () => {
    const s = service({
      name: "db",
      user: "999:998",
      volumes: [
        { type: "volume", source: "data", target: "/var/lib/data", readOnly: false },
        { type: "tmpfs", target: "/tmp", readOnly: false },
      ],
    });
    const plan = planOf({ project: project([s], { volumes: [{ name: "data", external: false, unmodelled: {} }] }), env: productionEnv() });
    expect(plan.app.volumes).toEqual([expect.objectContaining({ name: "data", mountedBy: ["db"], owner: { uid: 999, gid: 998 } })]);
    expect(plan.app.services[0]?.volumes).toEqual([
      { kind: "efs", name: "data", volume: "data" },
      { kind: "scratch", name: "scratch-tmp" },
    ]);
  });
});

describe("planner: single-task placement", () => {
  test("GIVEN the seed example THEN one task holds all containers with compose dependencies", () => {
    const plan = planOf({ project: seedProject(), env: productionEnv({ placement: "single-task" }) });
    expect(plan.app.services).toHaveLength(1);
    const task = plan.app.services[0];
    expect(task?.containers.map((c) => c.name)).toEqual(["boot", "redis", "web"]);
    expect(task?.containers.find((c) => c.name === "web")?.dependsOn).toEqual([
      { containerName: "boot", condition: "START" },
      { containerName: "redis", condition: "START" },
    ]);
    // 0.25 + 0.5 + 0.25 (redis default) vCPU, 512 + 1024 + 512 MiB
    expect(task?.size).toEqual({ cpu: 1024, memory: 2048 });
    expect(task?.routes.map((r) => r.service)).toEqual(["boot", "web"]);
  });

  test("GIVEN 11 services THEN planning fails with the ECS limit and the service names", () => {
    const services = Array.from({ length: 11 }, (_, i) => service({ name: `s${String(i).padStart(2, "0")}` }));
    const result = planProject({ project: project(services), env: productionEnv({ placement: "single-task" }) });
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics[0]?.message).toMatch(/at most 10 containers per task; this project has 11 \(s00, s01/);
  });
});

describe("planner: stability", () => {
  const names = (services: readonly ServicePlan[]) =>
    Object.fromEntries(services.map((s) => [s.id, { names: s.names, routes: s.routes.map((r) => r.targetGroupName) }]));

  test("GIVEN the same input twice THEN the plans are equal", () => {
    expect(planOf({ project: seedProject(), env: productionEnv() })).toEqual(planOf({ project: seedProject(), env: productionEnv() }));
  });

  test.each<[string, (s: readonly ServiceModel[]) => ServiceModel[]]>([
    ["adding a service", (s) => [...s, service({ name: "aaa-new", ports: [{ target: 80, published: 80, protocol: "tcp" }] })]],
    ["removing a service", (s) => s.filter((x) => x.name !== "redis")],
  ])("GIVEN %s THEN the other services keep their names", (_label, change) => {
    const before = planOf({ project: seedProject(), env: productionEnv() });
    const seed = seedProject();
    const after = planOf({ project: { ...seed, services: change(seed.services) }, env: productionEnv() });
    const a = names(before.app.services);
    const b = names(after.app.services);
    for (const id of Object.keys(a).filter((k) => k in b)) expect(b[id]).toEqual(a[id]);
  });
});

describe("planner: problems with environment keys point at the key", () => {
  const PRODUCTION = [
    "region: eu-west-1",
    "loadBalancer:",
    "  allowedCidrs: [0.0.0.0/0]",
    "services:",
    "  web:",
    "    replicas: 2",
    "  boot:",
    "    replicas: 1",
    "",
  ].join("\n");
  const envFrom = (text: string, name = "production") => {
    const loaded = parseEnvironment(name, text, `environments/${name}.yml`);
    if (loaded.env === undefined) throw new Error(loaded.diagnostics.map(formatDiagnostic).join("\n"));
    return loaded.env;
  };
  const web = service({ name: "web", ports: [{ target: 80, published: 80, protocol: "tcp" }] });

  test("GIVEN an override for a service the project lacks THEN the warning is at the override's own line and names the file once", () => {
    const result = planProject({ project: project([web]), env: envFrom(PRODUCTION) });
    const lines = result.diagnostics.filter((d) => d.severity === "warning").map(formatDiagnostic);
    expect(lines).toEqual(['environments/production.yml:7:3 services.boot: warning: no compose service "boot"; the override is ignored']);
  });

  test.each([
    [
      "--branch for an environment without branches",
      PRODUCTION,
      "production",
      { branch: "x", slug: "x-abc123", slot: 1 },
      "environments/production.yml:1:1 branches: ",
    ],
    [
      "no --branch for a branch environment",
      "loadBalancer:\n  allowedCidrs: [10.0.0.0/8]\nbranches: true\n",
      "qa",
      undefined,
      "environments/qa.yml:3:1 branches: ",
    ],
    [
      "no allowed CIDRs",
      "region: eu-west-1\nloadBalancer:\n  internal: false\n",
      "production",
      undefined,
      "environments/production.yml:2:1 loadBalancer.allowedCidrs: ",
    ],
  ])("GIVEN %s THEN the error is at the key (or its parent) with its own path", (_what, text, name, branch, expected) => {
    const result = planProject({ project: project([web]), env: envFrom(text, name), ...(branch ? { branch } : {}) });
    const errors = result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    expect(errors).toEqual([expect.stringContaining(expected)]);
    expect(errors[0]?.match(/environments\//g)).toHaveLength(1);
  });

  test("GIVEN an environment override of port the service lacks THEN the error is at the environment's key, not the compose file", () => {
    const result = planProject({ project: project([web]), env: envFrom("loadBalancer:\n  allowedCidrs: [0.0.0.0/0]\nservices:\n  web:\n    port: 9000\n") });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      "environments/production.yml:5:5 services.web.port: port 9000 is not one of the service's ports or expose entries",
    ]);
  });
});

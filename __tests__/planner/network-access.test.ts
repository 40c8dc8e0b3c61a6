import { formatDiagnostic } from "../../compose/diagnostics";
import { ComposeProject, ServiceModel } from "../../compose/model";
import { EnvironmentConfig } from "../../config/environment-model";
import { egressAllows, egressRules } from "../../planner/network-access";
import { Plan, ServicePlan } from "../../planner/plan";
import { planProject } from "../../planner/plan-project";
import { productionEnv, project, service } from "./fixtures";

function planned(p: ComposeProject, env: EnvironmentConfig = productionEnv()): { plan: Plan; warnings: string[] } {
  const result = planProject({ project: p, env });
  if (result.plan === undefined) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  return { plan: result.plan, warnings: result.diagnostics.filter((d) => d.severity === "warning").map(formatDiagnostic) };
}
const byId = (plan: Plan, id: string): ServicePlan => {
  const found = plan.app.services.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no service ${id}`);
  return found;
};
const rules = (s: ServicePlan) =>
  s.ingress.map((i) => `${i.from.kind === "network" ? `${i.from.network}${i.from.group ? `(${i.from.group})` : ""}` : i.from.kind}:${i.port}/${i.protocol}`);

/** A web app, a worker and a database without any declared port: the voting-app case. */
function votingApp(extra: { db?: Partial<ServiceModel>; worker?: Partial<ServiceModel> } = {}): ComposeProject {
  return project([
    service({
      name: "result",
      image: "example/result:1",
      ports: [{ target: 80, published: 5001, protocol: "tcp" }],
      environment: { DATABASE_URL: "postgres://u:p@db:5432/votes" },
    }),
    service({
      name: "worker",
      image: "example/worker:1",
      environment: { DB_HOST: "db", API_URL: "http://result:7000" },
      dependsOn: [{ service: "db", condition: "service_healthy" }],
      ...extra.worker,
    }),
    service({ name: "db", image: "postgres:16", ...extra.db }),
  ]);
}

describe("planner: compose access (the default): members reach members on every port", () => {
  const { plan, warnings } = planned(votingApp());

  test("THEN the network's group has the all-ports rule and no second group", () => {
    expect(plan.app.networks).toEqual([{ name: "default", securityGroupName: expect.any(String), selfRule: true }]);
  });

  test("THEN every task carries the network's group and no per-port sibling rules exist", () => {
    for (const s of plan.app.services) {
      expect(s.memberships).toEqual([{ network: "default", group: "members" }]);
      expect(s.ingress.filter((i) => i.from.kind === "network")).toEqual([]);
    }
    expect(rules(byId(plan, "result"))).toEqual(["alb:80/tcp"]);
  });

  test("THEN nothing is said about references: an undeclared port is reachable", () => {
    expect(warnings.filter((w) => w.includes("blocked"))).toEqual([]);
  });

  test("GIVEN services on separate networks THEN each network gets its own group and rule", () => {
    const p = project([
      service({ name: "proxy", image: "nginx:1", networks: ["front"], ports: [{ target: 80, published: 80, protocol: "tcp" }] }),
      service({ name: "app", image: "example/app:1", networks: ["back", "front"] }),
      service({ name: "db", image: "postgres:16", networks: ["back"] }),
    ]);
    const { plan: p2 } = planned(p);
    expect(p2.app.networks.map((n) => [n.name, n.selfRule])).toEqual([
      ["back", true],
      ["front", true],
    ]);
    expect(byId(p2, "app").memberships).toEqual([
      { network: "back", group: "members" },
      { network: "front", group: "members" },
    ]);
    expect(byId(p2, "db").memberships).toEqual([{ network: "back", group: "members" }]);
  });
});

describe("planner: declared-ports access for the whole environment (today's behaviour)", () => {
  const env = productionEnv({ access: "declared-ports" });

  test("GIVEN db without expose THEN no rule admits it, and every reference to it is named with its variable", () => {
    const { plan, warnings } = planned(votingApp(), env);
    expect(plan.app.networks).toEqual([{ name: "default", securityGroupName: expect.any(String), selfRule: false }]);
    expect(rules(byId(plan, "db"))).toEqual([]);
    expect(rules(byId(plan, "result"))).toEqual(["alb:80/tcp", "default:80/tcp"]);
    expect(warnings.filter((w) => w.includes("blocked"))).toEqual([
      "services.result.environment.DATABASE_URL: warning: db:5432 is blocked: db has declared-ports access, so result reaches db only on the ports db declares, and db declares no ports; add 5432 to db's expose, or give db access: compose",
      "services.worker.environment.API_URL: warning: result:7000 is blocked: result has declared-ports access, so worker reaches result only on the ports result declares, and result declares 80; add 7000 to result's expose, or give result access: compose",
      "services.worker.environment.DB_HOST: warning: db:5432 is blocked: db has declared-ports access, so worker reaches db only on the ports db declares, and db declares no ports; add 5432 to db's expose, or give db access: compose",
      "services.worker.depends_on: warning: db:5432 is blocked: db has declared-ports access, so worker reaches db only on the ports db declares, and db declares no ports; add 5432 to db's expose, or give db access: compose",
    ]);
  });

  test("GIVEN db exposes 5432 THEN it admits its network there and only the undeclared API port is named", () => {
    const { plan, warnings } = planned(votingApp({ db: { expose: [{ target: 5432, protocol: "tcp" }] } }), env);
    expect(rules(byId(plan, "db"))).toEqual(["default:5432/tcp"]);
    expect(warnings.filter((w) => w.includes("blocked")).map((w) => w.split(":")[0])).toEqual(["services.worker.environment.API_URL"]);
  });

  test("GIVEN a reference without a known port to a service declaring ports THEN it is not named (it may use one of them)", () => {
    const p = project([
      service({ name: "app", image: "example/app:1", environment: { API_HOST: "api" } }),
      service({ name: "api", image: "example/api:1", expose: [{ target: 7000, protocol: "tcp" }] }),
    ]);
    expect(planned(p, env).warnings).toEqual([]);
  });
});

describe("planner: declared-ports access for one service on a network shared with open ones", () => {
  const p = votingApp({ db: { expose: [{ target: 5432, protocol: "tcp" }], ecs: { access: "declared-ports" } } });
  const { plan, warnings } = planned(p);
  const network = plan.app.networks[0];

  test("THEN the network keeps its all-ports rule and gets a second group for db", () => {
    expect(network).toEqual({
      name: "default",
      securityGroupName: expect.any(String),
      selfRule: true,
      declaredPorts: { securityGroupName: expect.any(String) },
    });
    expect(network?.declaredPorts?.securityGroupName).not.toBe(network?.securityGroupName);
  });

  test("THEN db carries the second group and admits both groups on its declared port only", () => {
    expect(byId(plan, "db").memberships).toEqual([{ network: "default", group: "declared-ports" }]);
    expect(rules(byId(plan, "db"))).toEqual(["default:5432/tcp", "default(declared-ports):5432/tcp"]);
  });

  test("THEN the open services keep the network's group and admit db on their declared ports", () => {
    expect(byId(plan, "worker").memberships).toEqual([{ network: "default", group: "members" }]);
    expect(rules(byId(plan, "result"))).toEqual(["alb:80/tcp", "default(declared-ports):80/tcp"]);
    expect(rules(byId(plan, "worker"))).toEqual([]);
  });

  test("THEN the references to db on 5432 hold and nothing is named", () => {
    expect(warnings.filter((w) => w.includes("blocked"))).toEqual([]);
  });

  test("GIVEN the environment sets the service's access THEN it wins over x-ecs", () => {
    const env = productionEnv({ services: { db: { access: "compose" } } });
    expect(planned(p, env).plan.app.networks[0]).toEqual({ name: "default", securityGroupName: expect.any(String), selfRule: true });
  });
});

describe("planner: egress", () => {
  const mailer = (extra: Partial<ServiceModel> = {}) =>
    project([
      service({
        name: "app",
        image: "example/app:1",
        environment: { SMTP_HOST: "smtp.example.com", SMTP_PORT: "587", WEBHOOK_URL: "http://hooks.example.com/x", GITHUB: "https://api.github.com" },
        ...extra,
      }),
    ]);

  test("GIVEN references to outside hosts on ports other than 443 THEN each is named with how to open it, HTTPS is not", () => {
    const { plan, warnings } = planned(mailer());
    expect(byId(plan, "app").egress).toEqual([]);
    expect(warnings).toEqual([
      "services.app.environment.SMTP_HOST: warning: smtp.example.com:587 is outside the VPC, and tasks may only send HTTPS (443) out of it: open it with x-ecs egress: [{ports: [587], cidrs: [0.0.0.0/0]}] (a narrower CIDR if you know it), or the environment's network.egress",
      "services.app.environment.WEBHOOK_URL: warning: hooks.example.com:80 is outside the VPC, and tasks may only send HTTPS (443) out of it: open it with x-ecs egress: [{ports: [80], cidrs: [0.0.0.0/0]}] (a narrower CIDR if you know it), or the environment's network.egress",
    ]);
  });

  test("GIVEN x-ecs egress for 587 and the environment's for 80 THEN both become rules and nothing is said", () => {
    const env = productionEnv({ egress: [{ ports: [80], cidrs: ["0.0.0.0/0"], protocol: "tcp" }] });
    const { plan, warnings } = planned(mailer({ ecs: { egress: [{ ports: [587], cidrs: ["198.51.100.0/24"], protocol: "tcp" }] } }), env);
    expect(byId(plan, "app").egress).toEqual([
      { protocol: "tcp", port: 80, cidr: "0.0.0.0/0" },
      { protocol: "tcp", port: 587, cidr: "198.51.100.0/24" },
    ]);
    expect(warnings).toEqual([]);
  });

  test.each([
    ["an address inside the VPC", { host: "10.0.3.4", port: 5432 }, [], true],
    ["an address outside the VPC", { host: "192.0.2.4", port: 5432 }, [], false],
    ["an address outside the rule's CIDR", { host: "192.0.2.4", port: 5432 }, [{ protocol: "tcp" as const, port: 5432, cidr: "198.51.100.0/24" }], false],
    ["an address inside the rule's CIDR", { host: "198.51.100.7", port: 5432 }, [{ protocol: "tcp" as const, port: 5432, cidr: "198.51.100.0/24" }], true],
    ["a DNS name with a rule for its port", { host: "db.example.com", port: 5432 }, [{ protocol: "tcp" as const, port: 5432, cidr: "198.51.100.0/24" }], true],
    ["a DNS name with a udp rule only", { host: "db.example.com", port: 5432 }, [{ protocol: "udp" as const, port: 5432, cidr: "0.0.0.0/0" }], false],
    ["HTTPS anywhere", { host: "api.example.com", port: 443 }, [], true],
  ])("GIVEN %s THEN egressAllows is %s", (_what, ref, egress, expected) => {
    expect(egressAllows(ref, egress, "10.0.0.0/16")).toBe(expected);
  });

  test("GIVEN the same rule from the environment and the service THEN it is rendered once", () => {
    const rule = { ports: [587, 587], cidrs: ["0.0.0.0/0"], protocol: "tcp" as const };
    expect(egressRules([rule], [rule])).toEqual([{ protocol: "tcp", port: 587, cidr: "0.0.0.0/0" }]);
  });

  test("GIVEN single-task placement THEN the task gets every service's egress", () => {
    const p = project([
      service({ name: "a", image: "example/a:1", ecs: { egress: [{ ports: [587], cidrs: ["0.0.0.0/0"], protocol: "tcp" }] } }),
      service({ name: "b", image: "example/b:1", ecs: { egress: [{ ports: [514], cidrs: ["10.9.0.0/16"], protocol: "udp" }] } }),
    ]);
    const { plan } = planned(p, productionEnv({ placement: "single-task" }));
    expect(plan.app.services[0]?.egress).toEqual([
      { protocol: "udp", port: 514, cidr: "10.9.0.0/16" },
      { protocol: "tcp", port: 587, cidr: "0.0.0.0/0" },
    ]);
  });
});

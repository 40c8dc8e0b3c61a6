import { formatDiagnostic } from "../../compose/diagnostics";
import { ComposeProject, PortMapping } from "../../compose/model";
import { EnvironmentConfig } from "../../config/environment-model";
import { branchListenerPortBase, listenerPorts } from "../../planner/network-load-balancer";
import { planProject } from "../../planner/plan-project";
import { productionEnv, project, qaEnv, service } from "./fixtures";

const port = (target: number, published: number = target): PortMapping => ({ target, published, protocol: "tcp" });
const withNlb = (
  env: EnvironmentConfig,
  nlb: EnvironmentConfig["networkLoadBalancer"] = { internal: false, allowedCidrs: ["198.51.100.0/24"] },
): EnvironmentConfig => ({
  ...env,
  ...(nlb !== undefined ? { networkLoadBalancer: nlb } : {}),
});

function databases(): ComposeProject {
  return project([
    service({ name: "db", image: "postgres:16", ports: [port(5432)], ecs: { loadBalancer: "network" } }),
    service({ name: "cache", image: "redis:7", ports: [port(6379, 16379)], ecs: { loadBalancer: "network" } }),
    service({ name: "web", image: "example/web:1", ports: [port(8080)] }),
  ]);
}

function planOf(p: ComposeProject, env: EnvironmentConfig, branch?: { branch: string; slug: string; slot: number }) {
  const result = planProject({ project: p, env, ...(branch ? { branch } : {}) });
  return { plan: result.plan, messages: result.diagnostics.map(formatDiagnostic) };
}

describe("planner: the network load balancer", () => {
  test("GIVEN an environment with one THEN the base plans it with the load balancer's exposure and its own names", () => {
    const { plan } = planOf(databases(), withNlb(productionEnv()));
    expect(plan?.base.networkLoadBalancer).toEqual({
      name: "shop-production-nlb",
      securityGroupName: expect.stringMatching(/nlb/),
      internal: false,
      allowedCidrs: ["198.51.100.0/24"],
    });
  });

  test("GIVEN production THEN each TCP port listens on the port compose published, and the task admits the NLB there", () => {
    const { plan } = planOf(databases(), withNlb(productionEnv()));
    const targets = plan?.app.services.flatMap((s) => s.networkTargets.map((t) => [t.service, t.containerPort, t.listenerPort]));
    expect(targets).toEqual([
      ["cache", 6379, 16379],
      ["db", 5432, 5432],
    ]);
    const db = plan?.app.services.find((s) => s.id === "db");
    expect(db?.ingress).toEqual([{ from: { kind: "nlb" }, port: 5432, protocol: "tcp" }]);
    expect(db?.routes).toEqual([]);
    expect(db?.healthCheckGracePeriodSeconds).toBe(30);
    expect(db?.networkTargets[0]?.targetGroupName).toMatch(/^shop-production-db-5432-tcp/);
  });

  test("GIVEN a branch THEN the ports come from the slot's block, in service then port order", () => {
    const { plan } = planOf(databases(), withNlb(qaEnv()), { branch: "feature/x", slug: "feature-x", slot: 7 });
    const targets = plan?.app.services.flatMap((s) => s.networkTargets.map((t) => [t.service, t.listenerPort]));
    expect(branchListenerPortBase(7)).toBe(20070);
    expect(targets).toEqual([
      ["cache", 20070],
      ["db", 20071],
    ]);
  });

  test("GIVEN two services publishing one port in production THEN it is an error naming both", () => {
    const p = project([
      service({ name: "a", image: "postgres:16", ports: [port(5432)], ecs: { loadBalancer: "network" } }),
      service({ name: "b", image: "postgres:16", ports: [port(5432)], ecs: { loadBalancer: "network" } }),
    ]);
    const { plan, messages } = planOf(p, withNlb(productionEnv()));
    expect(plan).toBeUndefined();
    expect(messages).toContain("services: a:5432 and b:5432 both publish port 5432 on the network load balancer; publish one of them on another host port");
  });

  test("GIVEN eleven ports on a branch THEN it is an error (a slot's block holds ten)", () => {
    const ports = Array.from({ length: 11 }, (_, i) => port(5000 + i));
    const p = project([service({ name: "many", image: "example/tcp:1", ports, ecs: { protocol: "tcp", loadBalancer: "network" } })]);
    expect(planOf(p, withNlb(qaEnv()), { branch: "b", slug: "b", slot: 1 }).messages).toContain(
      "services: 11 ports ask for the network load balancer; a branch has room for 10",
    );
  });

  test("GIVEN an internet-facing one without CIDRs THEN it is an error at the environment key", () => {
    const { messages } = planOf(databases(), withNlb(productionEnv(), { internal: false, allowedCidrs: [] }));
    expect(messages.join("\n")).toContain("networkLoadBalancer.allowedCidrs: the network load balancer is internet-facing but no CIDR may reach it");
  });

  test("GIVEN no network load balancer in the environment THEN the base has none and the ports stay internal", () => {
    const { plan, messages } = planOf(databases(), productionEnv());
    expect(plan?.base.networkLoadBalancer).toBeUndefined();
    expect(plan?.app.services.flatMap((s) => s.networkTargets)).toEqual([]);
    expect(messages.filter((m) => m.includes("asks for the network load balancer"))).toHaveLength(2);
  });

  test.each([
    [
      0,
      [
        { service: "b", containerPort: 1, publishedPort: 9 },
        { service: "a", containerPort: 2, publishedPort: 8 },
      ],
      [9, 8],
    ],
    [
      3,
      [
        { service: "b", containerPort: 1, publishedPort: 9 },
        { service: "a", containerPort: 2, publishedPort: 8 },
      ],
      [20031, 20030],
    ],
    [999, [{ service: "a", containerPort: 1, publishedPort: 1 }], [29990]],
  ])("GIVEN slot %s THEN listenerPorts gives %j", (slot, requests, expected) => {
    expect(listenerPorts(requests, slot)).toEqual({ ok: true, ports: expected });
  });
});

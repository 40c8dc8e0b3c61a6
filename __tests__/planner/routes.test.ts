import { assignPriorities, pathPatterns, priorityBase, routeConditions } from "../../planner/routes";
import { deploymentPercentages } from "../../planner/deployment";
import { cidrSubnet, subnetLayout } from "../../planner/network";

describe("planner: routes and priorities", () => {
  test.each([
    ["/", ["/*"]],
    ["/boot", ["/boot", "/boot/*"]],
    ["/api/", ["/api", "/api/*"]],
  ])("GIVEN path %s THEN the patterns are %j", (path, expected) => {
    expect(pathPatterns(path)).toEqual(expected);
  });

  test("GIVEN no path or host THEN the service gets /<service> and /<service>/*", () => {
    expect(routeConditions({ service: "api" }, {})).toEqual({ hosts: [], paths: ["/api", "/api/*"] });
  });

  test("GIVEN a branch with a domain THEN every rule carries the branch host", () => {
    expect(routeConditions({ service: "web", path: "/" }, { branchHost: "feature-x.qa.example.com" })).toEqual({
      hosts: ["feature-x.qa.example.com"],
      paths: ["/*"],
    });
  });

  test("GIVEN a non-branch environment with a domain THEN an unrouted service gets <service>.<domain>", () => {
    expect(routeConditions({ service: "api" }, { domain: "example.com" })).toEqual({ hosts: ["api.example.com"], paths: ["/*"] });
  });

  test("GIVEN the seed's routes WHEN assigning THEN /boot comes before the catch-all /", () => {
    const result = assignPriorities(
      [
        { service: "web", hosts: [], paths: ["/*"] },
        { service: "boot", hosts: [], paths: ["/boot", "/boot/*"] },
      ],
      0,
    );
    expect(result.ok && result.routes.map((r) => [r.service, r.priority])).toEqual([
      ["boot", 1],
      ["web", 2],
    ]);
  });

  test.each([0, 1, 7, 999])("GIVEN slot %s THEN priorities stay inside its block of 50", (slot) => {
    const routes = Array.from({ length: 50 }, (_, i) => ({ service: `s${String(i).padStart(2, "0")}`, hosts: [], paths: [`/s${i}`] }));
    const result = assignPriorities(routes, slot);
    if (!result.ok) throw new Error(result.message);
    const priorities = result.routes.map((r) => r.priority);
    expect(Math.min(...priorities)).toBe(priorityBase(slot));
    expect(Math.max(...priorities)).toBe(slot * 50 + 50);
    expect(new Set(priorities).size).toBe(50);
  });

  test("GIVEN host rules and path rules THEN host rules come first, longer paths before shorter", () => {
    const result = assignPriorities(
      [
        { service: "a", hosts: [], paths: ["/a", "/a/*"] },
        { service: "b", hosts: ["b.example.com"], paths: ["/*"] },
        { service: "c", hosts: [], paths: ["/api/v2", "/api/v2/*"] },
      ],
      0,
    );
    expect(result.ok && result.routes.map((r) => r.service)).toEqual(["b", "c", "a"]);
  });

  test("GIVEN 51 routed services THEN assignment fails with a message", () => {
    const routes = Array.from({ length: 51 }, (_, i) => ({ service: `s${i}`, hosts: [], paths: [`/s${i}`] }));
    const result = assignPriorities(routes, 0);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/room for 50 listener rules/);
  });

  test("GIVEN two services claiming the same path THEN assignment fails naming both", () => {
    const result = assignPriorities(
      [
        { service: "a", hosts: [], paths: ["/*"] },
        { service: "b", hosts: [], paths: ["/*"] },
      ],
      0,
    );
    expect(!result.ok && result.message).toMatch(/"a" and "b"/);
  });
});

describe("planner: rolling update percentages", () => {
  const deploy = (updateConfig?: { parallelism?: number; order?: "stop-first" | "start-first" }) => ({
    mode: "replicated" as const,
    limits: {},
    reservations: {},
    placementConstraints: [],
    labels: {},
    ...(updateConfig ? { updateConfig } : {}),
  });
  test.each([
    ["no update_config (the seed's default)", undefined, 2, { maximumPercent: 200, minimumHealthyPercent: 50 }],
    ["start-first", { order: "start-first" as const }, 2, { maximumPercent: 200, minimumHealthyPercent: 100 }],
    ["stop-first, parallelism 1 of 4", { order: "stop-first" as const, parallelism: 1 }, 4, { maximumPercent: 100, minimumHealthyPercent: 75 }],
    ["parallelism 2 of 3", { parallelism: 2 }, 3, { maximumPercent: 100, minimumHealthyPercent: 33 }],
  ])("GIVEN %s THEN the percentages are %o", (_label, update, replicas, expected) => {
    expect(deploymentPercentages(deploy(update), replicas)).toEqual(expected);
  });
});

describe("planner: subnet layout", () => {
  test("GIVEN a /16 and two AZs THEN public subnets come first and private ones from the upper half", () => {
    expect(subnetLayout("10.0.0.0/16", ["a", "b"])).toEqual({ public: ["10.0.0.0/20", "10.0.16.0/20"], private: ["10.0.128.0/20", "10.0.144.0/20"] });
  });

  test("GIVEN Terraform's cidrsubnet examples THEN the results match", () => {
    expect(cidrSubnet("172.16.0.0/12", 4, 2)).toBe("172.18.0.0/16");
    expect(cidrSubnet("10.1.2.0/24", 4, 15)).toBe("10.1.2.240/28");
  });
});

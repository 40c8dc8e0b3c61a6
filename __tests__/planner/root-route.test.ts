import { formatDiagnostic } from "../../compose/diagnostics";
import { ComposeProject, PortMapping, ServiceModel } from "../../compose/model";
import { EnvironmentConfig } from "../../config/environment-model";
import { planProject } from "../../planner/plan-project";
import { chooseRoot } from "../../planner/root-route";
import { productionEnv, project, qaEnv, seedProject, service } from "./fixtures";

const port = (target: number, published: number = target): PortMapping => ({ target, published, protocol: "tcp" });
const web = (name: string, ports: PortMapping[], extra: Partial<ServiceModel> = {}) => service({ name, image: `example/${name}:1`, ports, ...extra });

function routesOf(p: ComposeProject, env: EnvironmentConfig = productionEnv(), branch?: { branch: string; slug: string; slot: number }) {
  const result = planProject({ project: p, env, ...(branch ? { branch } : {}) });
  if (result.plan === undefined) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  const routes = Object.fromEntries(
    result.plan.app.services.flatMap((s) => s.routes.map((r) => [r.service, { paths: r.paths, hosts: r.hosts, priority: r.priority }])),
  );
  return { routes, warnings: result.diagnostics.filter((d) => d.severity === "warning").map(formatDiagnostic) };
}

describe("planner: the service served at /", () => {
  test.each([
    ["wordpress", [port(80, 8080)]],
    ["gitea", [port(3000), port(22, 2222)]],
    ["portainer", [port(9000), port(9443)]],
  ])("GIVEN %s as the only routed service THEN it is served at / (the catch-all), not under /%s", (name, ports) => {
    const { routes, warnings } = routesOf(project([web(name, ports), service({ name: "db", image: "mariadb:11" })]));
    expect(routes).toEqual({ [name]: { paths: ["/*"], hosts: [], priority: 1 } });
    expect(warnings.filter((w) => w.includes("served at /"))).toEqual([]);
  });

  test("GIVEN the only routed service with an x-ecs path THEN the path is kept", () => {
    expect(routesOf(project([web("app", [port(3000)], { ecs: { path: "/app" } })])).routes.app?.paths).toEqual(["/app", "/app/*"]);
  });

  test("GIVEN several routed services and one publishing 80 THEN that one is at / and the others keep their prefixes", () => {
    const { routes, warnings } = routesOf(project([web("dashboard", [port(80, 9000)]), web("api", [port(8000)]), web("jaeger", [port(16686)])]));
    expect(routes.dashboard?.paths).toEqual(["/*"]);
    expect(routes.api?.paths).toEqual(["/api", "/api/*"]);
    expect(routes.jaeger?.paths).toEqual(["/jaeger", "/jaeger/*"]);
    expect(warnings).toEqual([]);
  });

  test("GIVEN several routed services and none decides THEN nothing is at / and one warning says how to pin it", () => {
    const { routes, warnings } = routesOf(project([web("api", [port(8000)]), web("ui", [port(3000)])]));
    expect(Object.values(routes).flatMap((r) => r.paths)).not.toContain("/*");
    expect(warnings).toEqual([
      "services: warning: nothing is served at /: api at /api/, ui at /ui/; none of them is pinned there or is the one service publishing port 80 or 443. The load balancer passes the path on unchanged, so each app must serve under its prefix. Pin the web app with x-ecs path: / (or the environment's services.<name>.path: /)",
    ]);
  });

  test("GIVEN two services publishing 80 THEN neither is chosen and the warning says why", () => {
    const { warnings } = routesOf(project([web("a", [port(80, 8081)]), web("b", [port(8080, 80)])]));
    expect(warnings.join("\n")).toContain("a and b all publish port 80 or 443, so none is chosen");
  });

  test("GIVEN the environment pins a service THEN it is at /, whatever publishes 80", () => {
    const env = productionEnv({ services: { api: { path: "/" } } });
    const { routes } = routesOf(project([web("api", [port(8000)]), web("proxy", [port(80)])]), env);
    expect(routes.api?.paths).toEqual(["/*"]);
    expect(routes.proxy?.paths).toEqual(["/proxy", "/proxy/*"]);
  });

  test("GIVEN the seed example THEN web stays pinned at / and boot keeps /boot", () => {
    const { routes } = routesOf(seedProject());
    expect(routes).toEqual({ boot: { paths: ["/boot", "/boot/*"], hosts: [], priority: 1 }, web: { paths: ["/*"], hosts: [], priority: 2 } });
  });

  test("GIVEN a QA branch without a domain THEN the lone service is at / of its own listener, in the slot's block", () => {
    const { routes } = routesOf(project([web("app", [port(3000)])]), qaEnv(), { branch: "feature/x", slug: "feature-x", slot: 2 });
    expect(routes).toEqual({ app: { paths: ["/*"], hosts: [], priority: 101 } });
  });

  test("GIVEN a QA branch with a domain THEN the lone service is at / of the branch host", () => {
    const env = qaEnv();
    const { routes } = routesOf(
      project([web("app", [port(3000)])]),
      { ...env, loadBalancer: { ...env.loadBalancer, domain: "qa.example.com" } },
      { branch: "b", slug: "b", slot: 1 },
    );
    expect(routes.app).toEqual({ paths: ["/*"], hosts: ["b.qa.example.com"], priority: 51 });
  });

  test("GIVEN a production domain THEN every service is at the root of its own host and nothing is said", () => {
    const env = productionEnv();
    const { routes, warnings } = routesOf(project([web("api", [port(8000)]), web("ui", [port(3000)])]), {
      ...env,
      loadBalancer: { ...env.loadBalancer, domain: "example.com" },
    });
    expect(routes.api).toMatchObject({ hosts: ["api.example.com"], paths: ["/*"] });
    expect(warnings).toEqual([]);
  });

  describe("stability: adding a service never moves / to another service", () => {
    const base = [web("dashboard", [port(80, 9000)]), web("api", [port(8000)])];
    test.each([
      ["another service", web("admin", [port(8080)])],
      [
        "a service publishing 443 on TCP",
        service({ name: "mail", image: "example/mail:1", ports: [{ target: 443, published: 443, protocol: "tcp", appProtocol: "tcp" }] }),
      ],
      ["a database", service({ name: "db", image: "postgres:16", ports: [port(5432)] })],
    ])("GIVEN %s is added THEN / stays where it was and the others keep their paths", (_what, added) => {
      const before = routesOf(project(base)).routes;
      const after = routesOf(project([...base, added])).routes;
      expect(after.dashboard?.paths).toEqual(["/*"]);
      expect(after.api?.paths).toEqual(before.api?.paths);
    });
  });
});

describe("chooseRoot", () => {
  test.each([
    ["nothing routed", [], { kind: "none", unpinned: [], webPorts: [] }],
    ["one host-routed service", [{ service: "a", byHost: true, webPort: false }], { kind: "none", unpinned: [], webPorts: [] }],
    [
      "a pinned service among others",
      [
        { service: "a", byHost: false, webPort: true },
        { service: "b", path: "/", byHost: false, webPort: false },
      ],
      { kind: "pinned", service: "b" },
    ],
    [
      "the lone path-routed one next to a host-routed one",
      [
        { service: "a", byHost: false, webPort: false },
        { service: "b", byHost: true, webPort: false },
      ],
      { kind: "only", service: "a" },
    ],
    [
      "one with an explicit path and one without",
      [
        { service: "a", path: "/a", byHost: false, webPort: false },
        { service: "b", byHost: false, webPort: false },
      ],
      { kind: "none", unpinned: ["b"], webPorts: [] },
    ],
  ])("GIVEN %s THEN %j", (_what, candidates, expected) => {
    expect(chooseRoot(candidates)).toEqual(expected);
  });
});

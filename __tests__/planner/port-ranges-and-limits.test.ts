import { containerPortMappings } from "../../planner/container-ports";
import { MAX_RULES_PER_SECURITY_GROUP, MAX_TASK_DEFINITION_BYTES, estimateTaskDefinitionBytes } from "../../planner/limits";
import { ServicePlan } from "../../planner/plan";
import { planProject } from "../../planner/plan-project";
import { productionEnv, project, service } from "./fixtures";

const byId = (services: readonly ServicePlan[], id: string): ServicePlan | undefined => services.find((s) => s.id === id);
const errors = (result: ReturnType<typeof planProject>): string[] =>
  result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.path}: ${d.message}`);

describe("container port mappings keep ranges as ranges (issue 11)", () => {
  test("GIVEN ports 1-65535 WHEN mapped THEN one containerPortRange, not 65,535 mappings", () => {
    expect(containerPortMappings([{ target: 1, targetEnd: 65535, protocol: "tcp" }], [])).toEqual([
      { containerPort: 1, containerPortEnd: 65535, protocol: "tcp" },
    ]);
  });

  test("GIVEN the routed port inside a range WHEN mapped THEN it is split out (a target group needs one port) and the rest stay ranges", () => {
    expect(containerPortMappings([{ target: 8000, targetEnd: 8010, published: 8000, publishedEnd: 8010, protocol: "tcp" }], [], 8005)).toEqual([
      { containerPort: 8000, containerPortEnd: 8004, protocol: "tcp" },
      { containerPort: 8005, protocol: "tcp" },
      { containerPort: 8006, containerPortEnd: 8010, protocol: "tcp" },
    ]);
    // At an edge, the one-port remainder is a plain port: ECS wants a range's first port below its last.
    expect(containerPortMappings([{ target: 8000, targetEnd: 8001, protocol: "tcp" }], [], 8000)).toEqual([
      { containerPort: 8000, protocol: "tcp" },
      { containerPort: 8001, protocol: "tcp" },
    ]);
  });

  test("GIVEN overlapping ranges and ports inside them WHEN mapped THEN no port is in two mappings (ECS refuses that)", () => {
    const mappings = containerPortMappings(
      [
        { target: 3000, protocol: "tcp", name: "api" },
        { target: 3000, targetEnd: 3005, protocol: "tcp" },
        { target: 3004, targetEnd: 3010, protocol: "tcp" },
        { target: 3000, targetEnd: 3001, protocol: "udp" },
      ],
      [
        { target: 3008, protocol: "tcp" },
        { target: 4000, protocol: "tcp" },
      ],
    );
    expect(mappings).toEqual([
      { containerPort: 3000, containerPortEnd: 3010, protocol: "tcp" },
      { containerPort: 3000, containerPortEnd: 3001, protocol: "udp" },
      { containerPort: 4000, protocol: "tcp" },
    ]);
  });

  test("GIVEN single ports only WHEN mapped THEN each is one mapping with its name, as before ranges", () => {
    expect(
      containerPortMappings(
        [
          { target: 80, published: 80, protocol: "tcp", name: "http" },
          { target: 443, protocol: "tcp" },
        ],
        [{ target: 80, protocol: "tcp" }],
      ),
    ).toEqual([
      { containerPort: 80, protocol: "tcp", name: "http" },
      { containerPort: 443, protocol: "tcp" },
    ]);
  });
});

describe("planner: port ranges become one rule and one mapping", () => {
  test("GIVEN ports 1-20000 on a compose network with declared-ports access WHEN planned THEN one ingress rule from 1 to 20000 and one port range mapping", () => {
    const plan = planProject({
      project: project([service({ name: "game", ports: [{ target: 1, targetEnd: 20000, protocol: "tcp" }], ecs: { public: false } })]),
      env: productionEnv({ access: "declared-ports" }),
    }).plan;
    const game = byId(plan?.app.services ?? [], "game");
    expect(game?.ingress).toEqual([{ from: { kind: "network", network: "default" }, port: 1, portEnd: 20000, protocol: "tcp" }]);
    expect(game?.containers.find((c) => c.name === "game")?.portMappings).toEqual([{ containerPort: 1, containerPortEnd: 20000, protocol: "tcp" }]);
  });

  test("GIVEN the same range with compose access (the default) WHEN planned THEN no per-port rule: the network's own all-ports rule admits siblings", () => {
    const plan = planProject({
      project: project([service({ name: "game", ports: [{ target: 1, targetEnd: 20000, protocol: "tcp" }], ecs: { public: false } })]),
      env: productionEnv(),
    }).plan;
    expect(byId(plan?.app.services ?? [], "game")?.ingress).toEqual([]);
    expect(plan?.app.networks).toEqual([expect.objectContaining({ name: "default", selfRule: true })]);
  });

  test("GIVEN a published range WHEN planned THEN the load balancer routes to its first port, split out of the range", () => {
    const plan = planProject({
      project: project([service({ name: "web", ports: [{ target: 8000, targetEnd: 8002, published: 8000, publishedEnd: 8002, protocol: "tcp" }] })]),
      env: productionEnv(),
    }).plan;
    const web = byId(plan?.app.services ?? [], "web");
    expect(web?.routes[0]?.containerPort).toBe(8000);
    expect(web?.containers.find((c) => c.name === "web")?.portMappings).toEqual([
      { containerPort: 8000, protocol: "tcp" },
      { containerPort: 8001, containerPortEnd: 8002, protocol: "tcp" },
    ]);
    // Siblings reach the whole range through the network's all-ports rule; only the load balancer needs a rule.
    expect(web?.ingress).toEqual([{ from: { kind: "alb" }, port: 8000, protocol: "tcp" }]);
  });

  test("GIVEN x-ecs.port inside an expose range WHEN planned THEN it is a known port and routed", () => {
    const result = planProject({
      project: project([service({ name: "web", expose: [{ target: 9000, targetEnd: 9009, protocol: "tcp" }], ecs: { port: 9003, public: true } })]),
      env: productionEnv(),
    });
    expect(errors(result)).toEqual([]);
    expect(byId(result.plan?.app.services ?? [], "web")?.routes[0]?.containerPort).toBe(9003);
  });
});

describe("planner: AWS limits are checked before anything is written", () => {
  test("GIVEN 61 exposed ports on one compose network with declared-ports access WHEN planned THEN an error names the service and the 60-rule limit", () => {
    const expose = Array.from({ length: 61 }, (_, i) => ({ target: 10000 + i * 2, protocol: "tcp" as const }));
    const result = planProject({
      project: project([service({ name: "mesh", expose, location: { file: "docker-compose.yml", line: 3, col: 3 } })]),
      env: productionEnv({ access: "declared-ports" }),
    });
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics).toContainEqual({
      severity: "error",
      path: "services.mesh",
      location: { file: "docker-compose.yml", line: 3, col: 3 },
      message: expect.stringMatching(/^security group \S+ would have 61 inbound rules \(.*\); AWS allows 60 inbound rules per security group by default/),
    });
  });

  test("GIVEN 60 exposed ports WHEN planned THEN it is within the limit", () => {
    const expose = Array.from({ length: MAX_RULES_PER_SECURITY_GROUP }, (_, i) => ({ target: 10000 + i * 2, protocol: "tcp" as const }));
    expect(errors(planProject({ project: project([service({ name: "mesh", expose })]), env: productionEnv({ access: "declared-ports" }) }))).toEqual([]);
  });

  test("GIVEN 31 allowed CIDRs on an HTTPS load balancer (2 listener ports) WHEN planned THEN the error names the environment setting", () => {
    const env = productionEnv();
    const cidrs = Array.from({ length: 31 }, (_, i) => `203.0.${i}.0/24`);
    const result = planProject({ project: project([service({ name: "web" })]), env: { ...env, loadBalancer: { ...env.loadBalancer, allowedCidrs: cidrs } } });
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /loadBalancer\.allowedCidrs: security group \S+ would have 62 inbound rules \(one per allowed CIDR and listener port \(2 ports\)\)/,
      ),
    ]);
  });

  test("GIVEN environment values past 64 KiB WHEN planned THEN an error names the service and the ECS limit", () => {
    const environment = Object.fromEntries(Array.from({ length: 700 }, (_, i) => [`VAR_${i}`, "x".repeat(100)]));
    const result = planProject({ project: project([service({ name: "fat", environment })]), env: productionEnv() });
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /^services\.fat: service "fat": its task definition would be about 9\d KiB \(estimated from its container definitions\); ECS allows at most 64 KiB/,
      ),
    ]);
  });

  test("GIVEN a task definition just under the limit by the estimate WHEN planned THEN no error", () => {
    const environment = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`VAR_${i}`, "x".repeat(100)]));
    const result = planProject({ project: project([service({ name: "fat", environment })]), env: productionEnv() });
    expect(errors(result)).toEqual([]);
    const fat = byId(result.plan?.app.services ?? [], "fat");
    expect(estimateTaskDefinitionBytes(fat as ServicePlan)).toBeLessThan(MAX_TASK_DEFINITION_BYTES);
    // The estimate is not below what the containers alone serialise to.
    expect(estimateTaskDefinitionBytes(fat as ServicePlan)).toBeGreaterThan(Buffer.byteLength(JSON.stringify(fat?.containers)));
  });
});

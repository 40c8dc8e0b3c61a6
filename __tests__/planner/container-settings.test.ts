import { formatDiagnostic } from "../../compose/diagnostics";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { fitToTask } from "../../planner/container-settings";
import { ContainerPlan } from "../../planner/plan";
import { planProject } from "../../planner/plan-project";
import { loadProject } from "../compose/helpers";

const env = (overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig => {
  const base = defaultEnvironment("production");
  return { ...base, loadBalancer: { ...base.loadBalancer, allowedCidrs: ["203.0.113.0/24"] }, ...overrides };
};
const ec2 = (instanceType: string): Partial<EnvironmentConfig> => ({
  capacity: {
    kind: "ec2",
    containerInsights: false,
    ec2: {
      instanceType,
      desiredSize: 1,
      minSize: 1,
      maxSize: 2,
      amiSsmParameter: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
    },
  },
});

function plan(compose: string, environment: EnvironmentConfig = env()) {
  const loaded = loadProject({ "compose.yaml": compose });
  if (loaded.project === undefined) throw new Error(loaded.diagnostics.map(formatDiagnostic).join("\n"));
  const result = planProject({ project: loaded.project, env: environment });
  return { ...result, messages: result.diagnostics.map(formatDiagnostic) };
}

const container = (p: ReturnType<typeof plan>, name: string) => p.plan?.app.services.flatMap((s) => s.containers).find((c) => c.name === name);

describe("container settings compose keeps per service", () => {
  test("GIVEN tty, stdin_open, init, capabilities and sysctls WHEN planned for Fargate THEN the container carries what Fargate allows", () => {
    const p = plan(
      "services:\n  web:\n    image: app\n    tty: true\n    stdin_open: true\n    init: true\n    cap_add: [SYS_PTRACE, CAP_NET_ADMIN]\n    cap_drop: [NET_RAW]\n    sysctls: [net.core.somaxconn=1024, vm.swappiness=10]\n",
    );
    expect(container(p, "web")).toMatchObject({
      pseudoTerminal: true,
      interactive: true,
      linuxParameters: { capabilities: { add: ["SYS_PTRACE"], drop: ["NET_RAW"] }, initProcessEnabled: true },
      systemControls: [{ namespace: "net.core.somaxconn", value: "1024" }],
    });
  });

  test("GIVEN cap_add on EC2 capacity WHEN planned THEN every capability is added", () => {
    const p = plan("services:\n  web: {image: app, cap_add: [NET_ADMIN, SYS_PTRACE]}\n", env(ec2("t3.small")));
    expect(container(p, "web")?.linuxParameters?.capabilities?.add).toEqual(["NET_ADMIN", "SYS_PTRACE"]);
  });

  test.each([
    ["reservations", "deploy: {resources: {limits: {cpus: '1', memory: 2G}, reservations: {cpus: '0.5', memory: 512M}}}", { cpu: 512, memoryReservation: 512 }],
    ["cpu_shares and mem_reservation", "{cpu_shares: 256, mem_reservation: 300m}", { cpu: 256, memoryReservation: 300 }],
    ["reservations.cpus over cpu_shares", "{cpu_shares: 256, deploy: {resources: {reservations: {cpus: '0.125'}}}}", { cpu: 128 }],
  ])("GIVEN %s WHEN planned THEN the container's cpu and memoryReservation are set", (_what, keys, expected) => {
    const yaml = keys.startsWith("{") ? `services:\n  web: {image: app, ${keys.slice(1, -1)}}\n` : `services:\n  web:\n    image: app\n    ${keys}\n`;
    expect(container(plan(yaml), "web")).toMatchObject(expected);
  });

  test("GIVEN reservations larger than the task WHEN fitted THEN containers share the task's CPU and memory in proportion, never more", () => {
    const c = (name: string, cpu: number, memoryReservation: number): ContainerPlan => ({
      name,
      image: { kind: "image", image: "x" },
      essential: true,
      environment: [],
      secrets: [],
      portMappings: [],
      dependsOn: [],
      ulimits: [],
      dockerLabels: {},
      mountPoints: [],
      readonlyRootFilesystem: false,
      logStreamPrefix: name,
      cpu,
      memoryReservation,
    });
    const fitted = fitToTask([c("a", 512, 1024), c("b", 1536, 1024)], { cpu: 1024, memory: 1024 });
    expect(fitted.map((x) => [x.cpu, x.memoryReservation])).toEqual([
      [256, 512],
      [768, 512],
    ]);
    expect(fitToTask([c("a", 100, 100)], { cpu: 256, memory: 512 })[0]).toMatchObject({ cpu: 100, memoryReservation: 100 });
  });
});

describe("CPU architecture (compose platform)", () => {
  test("GIVEN linux/arm64 on Fargate WHEN planned THEN the task is ARM64", () => {
    expect(plan("services:\n  web: {image: app, platform: linux/arm64}\n").plan?.app.services[0]?.cpuArchitecture).toBe("ARM64");
    expect(plan("services:\n  web: {image: app}\n").plan?.app.services[0]?.cpuArchitecture).toBe("X86_64");
  });

  test.each([
    [
      "Fargate Spot",
      env({ capacity: { kind: "fargate-spot", containerInsights: false } }),
      /platform linux\/arm64 needs ARM64 tasks, and capacity\.kind fargate-spot runs only X86_64 tasks/,
    ],
    ["x86 EC2 instances", env(ec2("t3.small")), /platform linux\/arm64 needs ARM64 instances, and capacity\.ec2\.instanceType t3\.small is x86/],
  ])("GIVEN linux/arm64 on %s WHEN planned THEN an error names both settings", (_what, environment, message) => {
    const p = plan("services:\n  web:\n    image: app\n    platform: linux/arm64\n", environment);
    expect(p.plan).toBeUndefined();
    expect(p.messages).toContainEqual(expect.stringMatching(new RegExp(`compose\\.yaml:4:\\d+ services\\.web\\.platform: ${message.source}`)));
  });

  test("GIVEN linux/arm64 on Graviton EC2 instances WHEN planned THEN it is accepted, and linux/amd64 there is an error", () => {
    expect(plan("services:\n  web: {image: app, platform: linux/arm64}\n", env(ec2("m7g.large"))).plan?.app.services[0]?.cpuArchitecture).toBe("ARM64");
    expect(plan("services:\n  web: {image: app, platform: linux/amd64}\n", env(ec2("m7g.large"))).messages).toContainEqual(
      expect.stringMatching(/needs X86_64 instances, and capacity\.ec2\.instanceType m7g\.large is a Graviton/),
    );
  });

  test("GIVEN arm64 and amd64 services in one single task WHEN planned THEN an error names both", () => {
    const p = plan("services:\n  a: {image: a, platform: linux/arm64}\n  b: {image: b, platform: linux/amd64}\n", env({ placement: "single-task" }));
    expect(p.plan).toBeUndefined();
    expect(p.messages).toContainEqual(
      expect.stringMatching(/services\.a\.platform: single-task placement puts a \(linux\/arm64\) and b \(linux\/amd64\) in one task definition/),
    );
  });
});

import { fargateSizes, nearestFargateSize } from "../../planner/task-size";
import { planProject } from "../../planner/plan-project";
import { productionEnv, project, service } from "./fixtures";
import { rng } from "../naming/random";

describe("planner: Fargate task size", () => {
  test.each([
    [0.25, 512, { cpu: 256, memory: 512 }],
    [0.5, 2048, { cpu: 512, memory: 2048 }],
    [0.5, 1024, { cpu: 512, memory: 1024 }],
    [1, 512, { cpu: 1024, memory: 2048 }],
    [0.1, 3000, { cpu: 512, memory: 3072 }],
    [4, 30720, { cpu: 4096, memory: 30720 }],
    [4, 31000, { cpu: 8192, memory: 32768 }],
    [16, 122880, { cpu: 16384, memory: 122880 }],
  ])("GIVEN %s vCPU and %s MiB WHEN sizing THEN the nearest valid size is %o", (cpus, memory, expected) => {
    expect(nearestFargateSize(Math.ceil(cpus * 1024), memory)).toEqual(expected);
  });

  test("GIVEN random requests THEN the size is valid, big enough, and no cheaper valid size fits", () => {
    const sizes = fargateSizes();
    const next = rng(3);
    for (let i = 0; i < 2000; i++) {
      const cpu = Math.floor(next() * 17000);
      const memory = Math.floor(next() * 125000);
      const size = nearestFargateSize(cpu, memory);
      const fits = sizes.filter((s) => s.cpu >= cpu && s.memory >= memory);
      if (fits.length === 0) {
        expect(size).toBeUndefined();
        continue;
      }
      expect(sizes).toContainEqual(size);
      expect(size!.cpu).toBe(Math.min(...fits.map((s) => s.cpu)));
      expect(size!.memory).toBe(Math.min(...fits.filter((s) => s.cpu === size!.cpu).map((s) => s.memory)));
    }
  });

  test("GIVEN a service asking for more than the largest task WHEN planning THEN the error names the service", () => {
    const big = service({
      name: "cruncher",
      deploy: { mode: "replicated", limits: { cpus: 32, memoryBytes: 2 ** 30 }, reservations: {} },
      location: { file: "docker-compose.yml", line: 4, col: 3 },
    });
    const result = planProject({ project: project([big]), env: productionEnv() });
    expect(result.plan).toBeUndefined();
    const error = result.diagnostics.find((d) => d.severity === "error");
    expect(error?.path).toBe("services.cruncher.deploy.resources");
    expect(error?.message).toMatch(/service "cruncher" needs 32 vCPU .* largest Fargate task is 16 vCPU/);
    expect(error?.location?.line).toBe(4);
  });

  test.each([
    ["reservations only", { limits: {}, reservations: { cpus: 1, memoryBytes: 3 * 2 ** 30 } }, {}, { cpu: 1024, memory: 3072 }],
    ["limits win over reservations", { limits: { cpus: 0.5 }, reservations: { cpus: 2 } }, {}, { cpu: 512, memory: 1024 }],
    ["x-ecs cpu/memory win", { limits: { cpus: 0.25 }, reservations: {} }, { cpu: 2048, memory: 4096 }, { cpu: 2048, memory: 4096 }],
    ["nothing given", { limits: {}, reservations: {} }, {}, { cpu: 256, memory: 512 }],
  ])("GIVEN %s WHEN planning THEN the task size is %o", (_label, resources, ecs, expected) => {
    const s = service({ name: "api", deploy: { mode: "replicated", ...resources }, ecs });
    const plan = planProject({ project: project([s]), env: productionEnv() }).plan;
    expect(plan?.app.services[0]?.size).toEqual(expected);
  });
});

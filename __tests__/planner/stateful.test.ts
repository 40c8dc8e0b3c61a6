import { formatDiagnostic } from "../../compose/diagnostics";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { planProject } from "../../planner/plan-project";
import { loadProject } from "../compose/helpers";

/** A web app and a database on a named volume, as most self-hosted apps' compose files are. */
const APP = (db: string, web = "") =>
  `services:\n  web:\n    image: app:1\n    ports: ['80:80']\n${web}  db:\n    image: postgres:16\n    volumes: ['pgdata:/var/lib/postgresql/data']\n${db}volumes:\n  pgdata: {}\n`;

const env = (overrides: Partial<EnvironmentConfig> = {}, branches = false): EnvironmentConfig => {
  const base = defaultEnvironment(branches ? "qa" : "production", branches);
  return { ...base, loadBalancer: { ...base.loadBalancer, allowedCidrs: ["203.0.113.0/24"] }, ...overrides };
};

function plan(
  compose: string,
  environment: EnvironmentConfig = env(),
  extra: { branch?: { branch: string; slug: string; slot: number }; allowDataLoss?: boolean } = {},
) {
  const loaded = loadProject({ "compose.yaml": compose });
  if (loaded.project === undefined) throw new Error(JSON.stringify(loaded.diagnostics));
  const result = planProject({ project: loaded.project, env: environment, ...extra });
  return { ...result, messages: result.diagnostics.map(formatDiagnostic) };
}

const service = (p: ReturnType<typeof plan>, name: string) => p.plan?.app.services.find((s) => s.id === name);

describe("stateful services", () => {
  test("GIVEN a database alone on a named volume WHEN planned THEN it deploys stop-first (100 % / 0 %) and says why; the web app keeps rolling updates", () => {
    const p = plan(APP(""));
    expect(service(p, "db")).toMatchObject({
      deployment: { maximumPercent: 100, minimumHealthyPercent: 0 },
      stateful: expect.stringContaining('it alone writes the named volume "pgdata"'),
    });
    expect(service(p, "web")).toMatchObject({ deployment: { maximumPercent: 200, minimumHealthyPercent: 50 } });
    expect(service(p, "web")?.stateful).toBeUndefined();
    expect(p.messages.filter((m) => m.includes("warning"))).toEqual([]);
  });

  test("GIVEN a volume two services write WHEN planned THEN neither is stateful (shared storage), and one reading it changes nothing", () => {
    const shared =
      "services:\n  a: {image: a, volumes: ['up:/up']}\n  b: {image: b, volumes: ['up:/up']}\n  c: {image: c, volumes: ['data:/d']}\n  d: {image: d, volumes: ['data:/d:ro']}\nvolumes: {up: {}, data: {}}\n";
    const p = plan(shared);
    expect([service(p, "a")?.stateful, service(p, "b")?.stateful, service(p, "d")?.stateful]).toEqual([undefined, undefined, undefined]);
    expect(service(p, "c")?.stateful).toContain('"data"');
  });

  test("GIVEN x-ecs stateful true / false WHEN planned THEN it overrides the volume rule both ways", () => {
    expect(service(plan("services:\n  queue: {image: q, x-ecs: {stateful: true}}\n"), "queue")).toMatchObject({
      stateful: "x-ecs stateful: true",
      deployment: { maximumPercent: 100, minimumHealthyPercent: 0 },
    });
    const optedOut = service(plan(APP("    x-ecs: {stateful: false}\n")), "db");
    expect(optedOut?.stateful).toBeUndefined();
    expect(optedOut?.deployment).toEqual({ maximumPercent: 200, minimumHealthyPercent: 50 });
  });

  test("GIVEN update_config.order start-first WHEN planned THEN it is kept, with a warning at that key that two tasks write the data", () => {
    const p = plan(APP("    deploy: {update_config: {order: start-first}}\n"));
    expect(service(p, "db")?.deployment).toEqual({ maximumPercent: 200, minimumHealthyPercent: 100 });
    expect(p.messages).toContainEqual(
      expect.stringMatching(
        /compose\.yaml:8:\d+ services\.db\.deploy\.update_config\.order: warning: service "db" is stateful .* two tasks write the same data/,
      ),
    );
  });

  test("GIVEN more than one replica WHEN planned THEN a warning names the setting", () => {
    const p = plan(APP("    deploy: {replicas: 2}\n"));
    expect(service(p, "db")?.desiredCount).toBe(2);
    expect(p.messages).toContainEqual(
      expect.stringMatching(/compose\.yaml:8:\d+ services\.db\.deploy\.replicas: warning: service "db" is stateful .* runs 2 tasks/),
    );
  });

  test("GIVEN autoscaling above one task WHEN planned THEN an error names both the stateful reason and the autoscaling setting", () => {
    const fromCompose = plan(APP("    x-ecs: {autoscaling: {min: 1, max: 3, cpu: 60}}\n"));
    expect(fromCompose.plan).toBeUndefined();
    expect(fromCompose.messages).toContainEqual(
      expect.stringMatching(
        /services\.db\.x-ecs\.autoscaling\.max: service "db" is stateful \(it alone writes the named volume "pgdata"\), .* lets autoscaling start 3/,
      ),
    );
    const fromEnv = plan(APP(""), env({ services: { db: { autoscaling: { minCapacity: 1, maxCapacity: 2, targetCpuPercent: 50 } } } }));
    expect(fromEnv.messages).toContainEqual(expect.stringMatching(/services\.db\.autoscaling\.max \(environment production\): .* lets autoscaling start 2/));
    const fromAws = plan(APP("    deploy: {x-aws-autoscaling: {max: 4, cpu: 70}}\n"));
    expect(fromAws.messages).toContainEqual(expect.stringMatching(/services\.db\.deploy\.x-aws-autoscaling: .* lets autoscaling start 4/));
    expect(plan(APP("    x-ecs: {autoscaling: {min: 0, max: 1, cpu: 60}}\n")).plan).toBeDefined();
  });

  test("GIVEN single-task placement with a database WHEN planned THEN the one task deploys stop-first too", () => {
    const p = plan(APP(""), env({ placement: "single-task" }));
    expect(p.plan?.app.services[0]?.deployment).toEqual({ maximumPercent: 100, minimumHealthyPercent: 0 });
  });
});

describe("data protection of volumes", () => {
  test("GIVEN an environment without branches WHEN planned THEN the file systems are backed up and protected from destroy, and the plan says so", () => {
    const p = plan(APP(""));
    expect(p.plan?.app.dataProtection).toEqual({ mode: "protected", volumes: ["pgdata"] });
    expect(p.plan?.app.volumes[0]).toMatchObject({ name: "pgdata", backup: true, preventDestroy: true });
  });

  test("GIVEN --allow-data-loss WHEN planned THEN backups stay and the destroy protection is released", () => {
    const p = plan(APP(""), env(), { allowDataLoss: true });
    expect(p.plan?.app.dataProtection).toEqual({ mode: "released", volumes: ["pgdata"] });
    expect(p.plan?.app.volumes[0]).toMatchObject({ backup: true });
    expect(p.plan?.app.volumes[0]?.preventDestroy).toBeUndefined();
  });

  test("GIVEN a branch stack WHEN planned THEN its volumes are ephemeral: no backup, no protection", () => {
    const p = plan(APP(""), env({}, true), { branch: { branch: "feature/x", slug: "x-abc123", slot: 1 } });
    expect(p.plan?.app.dataProtection).toEqual({ mode: "ephemeral", volumes: ["pgdata"] });
    expect(p.plan?.app.volumes[0]?.backup).toBeUndefined();
    expect(p.plan?.app.volumes[0]?.preventDestroy).toBeUndefined();
  });
});

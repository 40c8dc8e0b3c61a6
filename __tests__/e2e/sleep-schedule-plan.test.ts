import { DeployHarness, expectOk, SynthOutput, TIMEOUTS } from "../../testing/deploy-harness";
import { terraform } from "../../terraform/run";

/**
 * A branch stack with a sleep schedule, planned for real against moto_server. moto 5.2 cannot
 * create an ECS scalable target (Application Auto Scaling for ECS), so the branch is not
 * applied: its base is (the branch finds it by lookup while planning), and the scheduled
 * actions' arguments are read from `terraform show -json` of the branch's plan, as the AWS
 * provider planned them.
 */

const STEP = 15 * 60_000;
const SCHEDULE = { awake: "07:00-20:30", days: "mon-fri", timezone: "Europe/Berlin" };

interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: readonly string[]; readonly after: Record<string, unknown> };
}

let h: DeployHarness;
let out: SynthOutput;
let changes: PlannedChange[];
let validated: { valid?: boolean; error_count?: number; diagnostics?: unknown[] };

beforeAll(async () => {
  h = await DeployHarness.start({ log: (line) => process.stderr.write(`[e2e sleep] ${line}\n`) });
  h.writeEnvironment("qa", { edit: (doc) => ({ ...doc, sleepSchedule: SCHEDULE }) });
  out = await h.synth("qa", "feature/sleepy");
  await h.deploy(h.stackDir(out, out.baseStack));
  const branch = h.stackDir(out, out.appStack);
  expectOk(await h.init(branch), "terraform init of the branch");
  const validate = await terraform(["validate", "-json"], { cwd: branch, env: h.tfEnv, timeoutMs: TIMEOUTS.plan });
  validated = JSON.parse(validate.stdout) as typeof validated;
  const planned = await h.plan(branch, ["-out=sleep.tfplan"]);
  if (planned.code === 1) throw new Error(`terraform plan of the branch failed:\n${planned.stderr || planned.stdout}`);
  const shown = await terraform(["show", "-json", "sleep.tfplan"], { cwd: branch, env: h.tfEnv, timeoutMs: TIMEOUTS.plan });
  expectOk(shown, "terraform show -json");
  changes = (JSON.parse(shown.stdout) as { resource_changes: PlannedChange[] }).resource_changes;
}, STEP);

afterAll(async () => {
  await h?.close();
}, 60_000);

const ofType = (type: string) => changes.filter((c) => c.type === type);

describe("a scheduled branch stack, planned against the emulator", () => {
  test("GIVEN the branch stack WHEN terraform validate runs THEN it is valid", () => {
    expect(validated).toMatchObject({ valid: true, error_count: 0 });
  });

  test("GIVEN the plan THEN every service gets one scalable target at its awake bounds on its own ECS service", () => {
    const services = out.plan.app.services;
    const targets = ofType("aws_appautoscaling_target");
    expect(targets.map((t) => t.change.actions)).toEqual(services.map(() => ["create"]));
    expect(
      targets
        .map((t) => [
          t.change.after.resource_id,
          t.change.after.scalable_dimension,
          t.change.after.service_namespace,
          t.change.after.min_capacity,
          t.change.after.max_capacity,
        ])
        .sort(),
    ).toEqual(
      services
        .map((s) => [`service/${out.plan.base.cluster.name}/${s.names.ecsService}`, "ecs:service:DesiredCount", "ecs", s.desiredCount, s.desiredCount])
        .sort(),
    );
  });

  test("GIVEN the plan THEN each service sleeps at 20:30 and wakes at 07:00 Monday to Friday, Berlin time, on its target", () => {
    const services = out.plan.app.services;
    const actions = ofType("aws_appautoscaling_scheduled_action").map((c) => c.change.after);
    expect(actions).toHaveLength(2 * services.length);
    const expected = services.flatMap((s) => {
      const common = {
        resource_id: `service/${out.plan.base.cluster.name}/${s.names.ecsService}`,
        scalable_dimension: "ecs:service:DesiredCount",
        service_namespace: "ecs",
        timezone: "Europe/Berlin",
      };
      return [
        { ...common, name: s.schedule?.sleep.name, schedule: "cron(30 20 ? * MON-FRI *)", scalable_target_action: [{ min_capacity: "0", max_capacity: "0" }] },
        {
          ...common,
          name: s.schedule?.wake.name,
          schedule: "cron(0 7 ? * MON-FRI *)",
          scalable_target_action: [{ min_capacity: String(s.desiredCount), max_capacity: String(s.desiredCount) }],
        },
      ];
    });
    const pick = (a: Record<string, unknown>) => ({
      name: a.name,
      resource_id: a.resource_id,
      scalable_dimension: a.scalable_dimension,
      service_namespace: a.service_namespace,
      timezone: a.timezone,
      schedule: a.schedule,
      scalable_target_action: a.scalable_target_action,
    });
    const byName = (x: { name?: unknown }, y: { name?: unknown }) => String(x.name).localeCompare(String(y.name));
    expect(actions.map(pick).sort(byName)).toEqual(expected.sort(byName));
  });

  test("GIVEN the plan THEN the ECS services start at their awake count (Terraform then leaves the count to the schedule)", () => {
    const counts = ofType("aws_ecs_service").map((c) => [c.change.after.name, c.change.after.desired_count]);
    expect(counts.sort()).toEqual(out.plan.app.services.map((s) => [s.names.ecsService, s.desiredCount]).sort());
  });
});

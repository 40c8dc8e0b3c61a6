import { Testing } from "cdktf";
import { ComposeProject } from "../../compose/model";
import { EnvironmentConfig, SleepSchedule } from "../../config/environment-model";
import { clusterName, ecsServiceName, scheduledActionName } from "../../naming/names";
import { planProject } from "../../planner/plan-project";
import { AppStack } from "../../stacks/app-stack";
import { qaEnv, productionEnv, seedProject } from "../planner/fixtures";
import { SynthJson, resourcesOf } from "./synth-helpers";

/** A branch stack's sleep schedule as rendered: one scalable target per service, two scheduled actions on it. */

const WEEKDAYS_7_TO_20: SleepSchedule = {
  start: { hour: 7, minute: 0 },
  end: { hour: 20, minute: 30 },
  days: ["mon", "tue", "wed", "thu", "fri"],
  timezone: "Europe/Berlin",
};
const BRANCH = { branch: "feature/x", slug: "feature-x", slot: 4 };
const SCOPE = { project: seedProject().name, env: "qa" };

function synth(p: ComposeProject, env: EnvironmentConfig, branch?: typeof BRANCH): SynthJson {
  const result = planProject({ project: p, env, ...(branch ? { branch } : {}) });
  if (result.plan === undefined) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  const app = Testing.app();
  const stack = new AppStack(app, result.plan, { projectDir: "/project", outDir: "/project/cdktf.out" });
  return JSON.parse(Testing.synth(stack, true)) as SynthJson;
}

/** Each service's scalable target, and the scheduled actions that name its resource (by reference). */
function byService(json: SynthJson) {
  const targets = Object.entries(json.resource.aws_appautoscaling_target ?? {});
  const actions = Object.entries(json.resource.aws_appautoscaling_scheduled_action ?? {});
  return Object.fromEntries(
    targets.map(([address, target]) => {
      const service = (target.tags as Record<string, string>)["compose2ecs:service"] ?? "";
      const mine = actions.filter(([, a]) => String(a.resource_id) === `\${aws_appautoscaling_target.${address}.resource_id}`).map(([, a]) => a);
      return [service, { target, actions: mine }];
    }),
  );
}

describe("a branch environment's sleep schedule", () => {
  test("GIVEN a schedule WHEN a branch stack is synthesized THEN every service has one scalable target and a sleep and a wake action in the time zone", () => {
    const json = synth(seedProject(), qaEnv({ sleepSchedule: WEEKDAYS_7_TO_20 }), BRANCH);
    const services = byService(json);
    // web runs 2 replicas (deploy.replicas): while awake its target holds exactly that.
    expect(Object.keys(services).sort()).toEqual(["boot", "redis", "web"]);
    expect(services.web?.target).toMatchObject({
      min_capacity: 2,
      max_capacity: 2,
      scalable_dimension: "ecs:service:DesiredCount",
      service_namespace: "ecs",
      resource_id: `service/${clusterName(SCOPE)}/${ecsServiceName({ ...SCOPE, slug: BRANCH.slug }, "web")}`,
    });
    for (const { target, actions } of Object.values(services)) {
      const bounds = { min_capacity: String(target.min_capacity), max_capacity: String(target.max_capacity) };
      expect(actions.map((a) => [a.schedule, a.timezone, a.scalable_target_action]).sort()).toEqual([
        ["cron(0 7 ? * MON-FRI *)", "Europe/Berlin", bounds],
        ["cron(30 20 ? * MON-FRI *)", "Europe/Berlin", { min_capacity: "0", max_capacity: "0" }],
      ]);
    }
    const branchScope = { ...SCOPE, slug: BRANCH.slug };
    const expected = ["boot", "redis", "web"].flatMap((s) => [scheduledActionName(branchScope, s, "sleep"), scheduledActionName(branchScope, s, "wake")]);
    expect(
      resourcesOf(json, "aws_appautoscaling_scheduled_action")
        .map((a) => a.name)
        .sort(),
    ).toEqual(expected.sort());
    expect(new Set(expected).size).toBe(6);
  });

  test("GIVEN a schedule WHEN synthesized THEN Terraform leaves every service's desired count to the schedule", () => {
    const json = synth(seedProject(), qaEnv({ sleepSchedule: WEEKDAYS_7_TO_20 }), BRANCH);
    const services = resourcesOf(json, "aws_ecs_service");
    expect(services).toHaveLength(3);
    for (const s of services) expect(s.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
  });

  test("GIVEN a service that autoscales WHEN scheduled THEN its one scalable target carries both the policy and the actions, waking to the autoscaling bounds", () => {
    const env = qaEnv({ sleepSchedule: WEEKDAYS_7_TO_20, services: { web: { autoscaling: { minCapacity: 1, maxCapacity: 4, targetCpuPercent: 60 } } } });
    const json = synth(seedProject(), env, BRANCH);
    const web = byService(json).web;
    expect(resourcesOf(json, "aws_appautoscaling_target")).toHaveLength(3);
    expect(web?.target).toMatchObject({ min_capacity: 1, max_capacity: 4 });
    expect(web?.actions.map((a) => a.scalable_target_action)).toContainEqual({ min_capacity: "1", max_capacity: "4" });
    expect(resourcesOf(json, "aws_appautoscaling_policy")).toHaveLength(1);
    // The autoscaling construct's addresses are those of a stack without a schedule: adding one creates, never replaces.
    const without = synth(seedProject(), qaEnv({ services: env.services }), BRANCH);
    expect(Object.keys(without.resource.aws_appautoscaling_target ?? {})).toEqual(
      Object.keys(json.resource.aws_appautoscaling_target ?? {}).filter((a) => a.startsWith("services_web_")),
    );
  });

  test("GIVEN a service with 0 replicas WHEN scheduled THEN it gets no target (it never runs a task)", () => {
    const json = synth(seedProject(), qaEnv({ sleepSchedule: WEEKDAYS_7_TO_20, services: { redis: { replicas: 0 } } }), BRANCH);
    expect(Object.keys(byService(json)).sort()).toEqual(["boot", "web"]);
  });

  test("GIVEN no schedule WHEN a branch stack is synthesized THEN it has no scheduled action and Terraform keeps the desired count", () => {
    const json = synth(seedProject(), qaEnv(), BRANCH);
    expect(resourcesOf(json, "aws_appautoscaling_scheduled_action")).toEqual([]);
    expect(resourcesOf(json, "aws_appautoscaling_target")).toEqual([]);
    expect(resourcesOf(json, "aws_ecs_service").map((s) => s.lifecycle)).toEqual([undefined, undefined, undefined]);
  });

  test("GIVEN an environment without branches WHEN its model somehow holds a schedule THEN the production stack never sleeps", () => {
    const json = synth(seedProject(), productionEnv({ sleepSchedule: WEEKDAYS_7_TO_20 }));
    expect(resourcesOf(json, "aws_appautoscaling_scheduled_action")).toEqual([]);
  });
});

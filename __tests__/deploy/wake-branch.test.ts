import { SleepSchedule } from "../../config/environment-model";
import { sleepers, nextSleep } from "../../deploy/wake-branch";
import { Plan } from "../../planner/plan";
import { planProject } from "../../planner/plan-project";
import { qaEnv, seedProject } from "../planner/fixtures";

/** Which services `up` wakes: the scheduled ones ECS runs fewer tasks of than the plan does awake. */

const SCHEDULE: SleepSchedule = {
  start: { hour: 7, minute: 0 },
  end: { hour: 20, minute: 0 },
  days: ["mon", "tue", "wed", "thu", "fri"],
  timezone: "Europe/Berlin",
};

function branchPlan(schedule?: SleepSchedule): Plan {
  const result = planProject({
    project: seedProject(),
    env: qaEnv(schedule ? { sleepSchedule: schedule } : {}),
    branch: { branch: "feature/x", slug: "feature-x", slot: 4 },
  });
  if (result.plan === undefined) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return result.plan;
}

const refsOf = (plan: Plan) =>
  plan.app.services.map((s) => ({ cluster: `arn:aws:ecs:eu-west-1:123456789012:cluster/${plan.base.cluster.name}`, name: s.names.ecsService }));
const nameOf = (plan: Plan, id: string) => plan.app.services.find((s) => s.id === id)?.names.ecsService ?? "";

describe("waking a sleeping branch", () => {
  test("GIVEN a scheduled branch ECS shows at 0 tasks WHEN judged THEN every service is woken to its awake count", () => {
    const plan = branchPlan(SCHEDULE);
    const refs = refsOf(plan);
    const found = sleepers(plan, refs, new Map(refs.map((r) => [r.name, 0])));
    expect(found.map((s) => [s.name, s.desiredCount]).sort()).toEqual(
      [
        [nameOf(plan, "boot"), 2],
        [nameOf(plan, "redis"), 1],
        [nameOf(plan, "web"), 2],
      ].sort(),
    );
    expect(found.every((s) => s.cluster === refs[0]?.cluster)).toBe(true);
  });

  test("GIVEN an awake branch WHEN judged THEN nothing is woken; a service ECS does not know is left to the wait", () => {
    const plan = branchPlan(SCHEDULE);
    const refs = refsOf(plan);
    expect(sleepers(plan, refs, new Map(refs.map((r) => [r.name, 2])))).toEqual([]);
    expect(sleepers(plan, refs, new Map())).toEqual([]);
  });

  test("GIVEN a branch without a schedule at 0 tasks WHEN judged THEN up leaves it alone (someone scaled it on purpose)", () => {
    const plan = branchPlan();
    const refs = refsOf(plan);
    expect(sleepers(plan, refs, new Map(refs.map((r) => [r.name, 0])))).toEqual([]);
    expect(nextSleep(plan)).toBeUndefined();
  });

  test("GIVEN a schedule THEN up says when the branch sleeps again", () => {
    expect(nextSleep(branchPlan(SCHEDULE))).toBe("at 20:00 (Europe/Berlin) on mon, tue, wed, thu, fri");
  });
});

import { classifyDrift, ResourceChange } from "../../testing/plan-drift";

/** The re-plan classifier excuses exactly the documented emulator drift and nothing else. */

const ecsReplace = (replacePaths: string[][], before: unknown[], after: unknown[]): ResourceChange => ({
  address: "aws_ecs_service.web",
  type: "aws_ecs_service",
  mode: "managed",
  change: {
    actions: ["delete", "create"],
    before: { capacity_provider_strategy: before, launch_type: "EC2" },
    after: { capacity_provider_strategy: after },
    after_unknown: { launch_type: true },
    replace_paths: replacePaths,
  },
});

const ruleUpdate = (before: Record<string, unknown>, after: Record<string, unknown>): ResourceChange => ({
  address: "aws_vpc_security_group_ingress_rule.in",
  type: "aws_vpc_security_group_ingress_rule",
  mode: "managed",
  change: { actions: ["update"], before, after },
});

const serviceUpdate = (before: Record<string, unknown>, after: Record<string, unknown>): ResourceChange => ({
  address: "aws_ecs_service.boot",
  type: "aws_ecs_service",
  mode: "managed",
  change: { actions: ["update"], before, after },
});

const strategy = [{ capacity_provider: "FARGATE", weight: 1, base: 0 }];

describe("classifyDrift", () => {
  test.each([
    [
      "an ECS service replaced only for the capacity provider strategy moto dropped",
      ecsReplace([["capacity_provider_strategy"]], [], strategy),
      "ecs-service-capacity-provider-strategy-not-stored",
    ],
    [
      "a group-referencing rule whose only difference is the description moto did not return",
      ruleUpdate({ description: null, referenced_security_group_id: "sg-1" }, { description: "from the ALB", referenced_security_group_id: "sg-1" }),
      "sg-rule-description-not-returned-for-group-references",
    ],
    [
      "an ECS service whose only differences are the arguments moto never returns",
      serviceUpdate(
        { availability_zone_rebalancing: "", enable_ecs_managed_tags: false, health_check_grace_period_seconds: 0, desired_count: 1 },
        { availability_zone_rebalancing: "DISABLED", enable_ecs_managed_tags: true, health_check_grace_period_seconds: 60, desired_count: 1 },
      ),
      "ecs-service-attributes-not-stored",
    ],
  ])("GIVEN %s WHEN classified THEN it is the known emulator drift", (_what, change, quirk) => {
    const report = classifyDrift({ resource_changes: [change] });
    expect(report.unexpected).toEqual([]);
    expect(report.emulator).toEqual([{ address: change.address, quirk }]);
  });

  test.each([
    ["an ECS service replaced for another attribute too", ecsReplace([["capacity_provider_strategy"], ["task_definition"]], [], strategy)],
    [
      "an ECS service whose stored strategy differs (a real change)",
      ecsReplace([["capacity_provider_strategy"]], [{ capacity_provider: "FARGATE_SPOT", weight: 1 }], strategy),
    ],
    [
      "a rule whose referenced group reads back with an account prefix",
      ruleUpdate(
        { description: null, referenced_security_group_id: "123456789012/sg-1" },
        { description: "from the ALB", referenced_security_group_id: "sg-1" },
      ),
    ],
    ["an ECS service whose grace period really changed", serviceUpdate({ health_check_grace_period_seconds: 30 }, { health_check_grace_period_seconds: 60 })],
    [
      "an ECS service with an unstored argument and a real change",
      serviceUpdate({ enable_ecs_managed_tags: false, desired_count: 1 }, { enable_ecs_managed_tags: true, desired_count: 2 }),
    ],
    ["a CIDR rule whose description changed", ruleUpdate({ description: "old", cidr_ipv4: "10.0.0.0/16" }, { description: "new", cidr_ipv4: "10.0.0.0/16" })],
  ])("GIVEN %s WHEN classified THEN it is unexpected drift, with the differing attributes", (_what, change) => {
    const report = classifyDrift({ resource_changes: [change] });
    expect(report.emulator).toEqual([]);
    expect(report.unexpected).toHaveLength(1);
    expect(report.unexpected[0]?.address).toBe(change.address);
    expect(report.unexpected[0]?.attributes.length).toBeGreaterThan(0);
  });

  test("GIVEN no-op and read changes WHEN classified THEN nothing is reported", () => {
    const noop: ResourceChange = { address: "aws_vpc.v", type: "aws_vpc", mode: "managed", change: { actions: ["no-op"], before: {}, after: {} } };
    const read: ResourceChange = { address: "data.aws_vpc.v", type: "aws_vpc", mode: "data", change: { actions: ["read"], before: null, after: {} } };
    expect(classifyDrift({ resource_changes: [noop, read] })).toEqual({ emulator: [], unexpected: [] });
  });
});

import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CostEstimate } from "../../review/cost";
import { exampleProjectDir, runCli } from "../synth/project-dir";

/**
 * `compose2ecs cost` against amounts computed by hand from review/prices.ts (eu-west-1) for the
 * bundled example. If the price table changes, these literals change with it, on purpose.
 */
async function cost(args: readonly string[]): Promise<CostEstimate> {
  const { projectDir } = exampleProjectDir();
  return costIn(projectDir, args);
}

async function costIn(projectDir: string, args: readonly string[]): Promise<CostEstimate> {
  const result = await runCli(["cost", "-C", projectDir, "--format", "json", ...args]);
  expect([result.code, result.stderr]).toEqual([0, expect.any(String)]);
  return JSON.parse(result.stdout) as CostEstimate;
}

const amounts = (lines: readonly { item: string; monthly: number }[]) => Object.fromEntries(lines.map((l) => [l.item, l.monthly]));

describe("cost: the example's QA base and one branch, by hand", () => {
  test("GIVEN the qa environment and a branch awake 65 h a week WHEN estimated THEN every amount is the hand-computed one", async () => {
    const e = await cost(["--env", "qa", "--branch", "feature/login", "--awake-hours", "65"]);
    // ALB 0.0252 × 730; 1 LCU × 0.008 × 730; one NAT 0.048 × 730 + 10 GB × 0.048; 2 ALB + 1 NAT addresses × 0.005 × 730.
    expect(amounts(e.base.lines)).toEqual({
      "Application Load Balancer": 18.4,
      "Load balancer capacity units": 5.84,
      "NAT gateways": 35.04,
      "NAT data processed": 0.48,
      "Public IPv4 addresses": 10.95,
    });
    expect(e.base.total).toBe(70.71);
    // boot 0.5 vCPU × 0.04048 + 1 GB × 0.004445 = 0.024685/h; redis and web 0.0123425/h; 730 h.
    // Logs 3 × 0.5 GB × 0.57; the Cloud Map namespace is a 0.50 hosted zone.
    expect(amounts(e.app.lines)).toEqual({
      "Fargate: boot": 18.02,
      "Fargate: redis": 9.01,
      "Fargate: web": 9.01,
      "CloudWatch Logs ingestion": 0.86,
      "Cloud Map namespace (Route 53 hosted zone)": 0.5,
    });
    expect(e.app.total).toBe(37.4);
    // 65 h/week × 365/7/12 weeks = 282.44 h: boot 6.97, redis and web 3.49 each.
    expect(e.scheduled?.stack.total).toBe(15.31);
    expect(e.scheduled?.saves).toBe(22.09);
    expect(e.branches).toEqual({ count: 10, total: 444.71, scheduledTotal: 223.81 });
    expect(e.prices.date).toBe("2025-06-01");
  });

  test("GIVEN the qa environment with a sleep schedule of 07:00-20:00 Monday to Friday WHEN a branch is estimated THEN its 65 awake hours a week are the default", async () => {
    const { projectDir } = exampleProjectDir();
    appendFileSync(join(projectDir, "environments", "qa.yml"), 'sleepSchedule:\n  awake: "07:00-20:00"\n  days: mon-fri\n  timezone: Europe/Berlin\n');
    const e = await costIn(projectDir, ["--env", "qa", "--branch", "feature/login"]);
    // (20 - 7) h × 5 days = 65 h/week: the same hand-computed amounts as --awake-hours 65 above.
    expect(e.scheduled).toMatchObject({ awakeHoursPerWeek: 65, schedule: "07:00-20:00 mon,tue,wed,thu,fri Europe/Berlin", saves: 22.09 });
    expect(amounts(e.scheduled?.stack.lines ?? [])).toEqual({
      "Fargate: boot": 6.97,
      "Fargate: redis": 3.49,
      "Fargate: web": 3.49,
      "CloudWatch Logs ingestion": 0.86,
      "Cloud Map namespace (Route 53 hosted zone)": 0.5,
    });
    expect(e.scheduled?.stack.total).toBe(15.31);
    expect(e.app.total).toBe(37.4);
    expect(e.branches).toEqual({ count: 10, total: 444.71, scheduledTotal: 223.81 });
    // --awake-hours still wins: 168 h is around the clock, so nothing is saved.
    const overridden = await costIn(projectDir, ["--env", "qa", "--branch", "feature/login", "--awake-hours", "168"]);
    expect(overridden.scheduled).toMatchObject({ awakeHoursPerWeek: 168, saves: 0 });
    expect(overridden.scheduled?.schedule).toBeUndefined();
  });

  test("GIVEN production WHEN estimated THEN NAT per AZ, flow logs and two tasks per autoscaled service are counted, and no branch total", async () => {
    const e = await cost(["--env", "production"]);
    expect(amounts(e.base.lines)).toMatchObject({
      "NAT gateways": 70.08,
      "NAT data processed": 0.96,
      "VPC flow logs ingestion": 0.57,
      "Public IPv4 addresses": 14.6,
    });
    expect(e.base.total).toBe(110.45);
    expect(amounts(e.app.lines)).toMatchObject({ "Fargate: boot": 36.04, "Fargate: web": 18.02 });
    expect(e.app.total).toBe(64.43);
    expect(e.branches).toBeUndefined();
    expect(e.notes).toContain("Container Insights metrics");
  });

  test("GIVEN Fargate Spot capacity WHEN estimated THEN tasks cost 30 % of on-demand", async () => {
    const { projectDir } = exampleProjectDir();
    writeFileSync(
      join(projectDir, "environments", "spot.yml"),
      "region: eu-west-1\ncompose: [examples/seed/docker-compose.yml]\ncapacity:\n  kind: fargate-spot\nloadBalancer:\n  allowedCidrs: [198.51.100.0/24]\n",
    );
    const e = await costIn(projectDir, ["--env", "spot"]);
    // boot: 2 replicas (deploy.replicas) × 0.024685 × 730 × 0.3 = 10.81; redis: 0.0123425 × 730 × 0.3 = 2.70.
    expect(amounts(e.app.lines)).toMatchObject({ "Fargate Spot: boot": 10.81, "Fargate Spot: redis": 2.7 });
  });

  test("GIVEN a region without prices WHEN estimated THEN it fails naming the regions the table has", async () => {
    const { projectDir } = exampleProjectDir();
    writeFileSync(
      join(projectDir, "environments", "far.yml"),
      "region: ap-south-2\ncompose: [examples/seed/docker-compose.yml]\nloadBalancer:\n  allowedCidrs: [198.51.100.0/24]\n",
    );
    const result = await runCli(["cost", "-C", projectDir, "--env", "far"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no prices for region ap-south-2 .*eu-west-1/);
  });
});

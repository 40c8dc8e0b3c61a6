import { awakeHoursPerWeek, formatTimeOfDay } from "../config/sleep-schedule";
import { AppPlan, BasePlan, Plan, ServicePlan } from "../planner/plan";
import { HOURS_PER_MONTH, PRICES, PriceTable, RegionPrices, WEEKS_PER_MONTH } from "./prices";

/**
 * Monthly cost of what a plan deploys, from the price table (review/prices.ts) and stated
 * traffic assumptions: the base stack (load balancer, NAT, public addresses, flow logs, EC2
 * capacity) and the application or branch stack (tasks, logs, volumes, secrets, namespace).
 * Pure: the same plan, table and assumptions give the same figures.
 */

/** What the estimate cannot know from the plan; each is shown with the result. */
export interface CostAssumptions {
  /** Average load-balancer capacity units in use (new connections, active connections, bytes, rules). @default 1 */
  readonly loadBalancerLcu: number;
  /** GB a NAT gateway processes per month (image pulls, outbound API calls). @default 10 */
  readonly natGbPerMonth: number;
  /** GB of container logs a service sends to CloudWatch per month. @default 0.5 */
  readonly logsGbPerService: number;
  /** GB of VPC flow logs per month, when flow logs are on. @default 1 */
  readonly flowLogsGb: number;
  /** GB stored per EFS volume. @default 1 */
  readonly efsGbPerVolume: number;
  /** Fargate Spot discount against on-demand (AWS: "up to 70 %"; assumed, it varies). @default 0.7 */
  readonly spotDiscount: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  loadBalancerLcu: 1,
  natGbPerMonth: 10,
  logsGbPerService: 0.5,
  flowLogsGb: 1,
  efsGbPerVolume: 1,
  spotDiscount: 0.7,
};

export interface CostLine {
  readonly item: string;
  readonly quantity: string;
  /** USD per month, rounded to cents. */
  readonly monthly: number;
}

export interface StackCost {
  readonly stack: string;
  readonly lines: readonly CostLine[];
  readonly total: number;
}

export interface CostEstimate {
  readonly environment: string;
  readonly region: string;
  readonly prices: { readonly date: string; readonly source: string; readonly currency: string };
  readonly assumptions: CostAssumptions;
  readonly base: StackCost;
  /** The application stack (`<env>-app`) or the branch stack, running around the clock. */
  readonly app: StackCost;
  /**
   * The same stack with its tasks scaled to 0 outside the awake hours, when a schedule is given;
   * `schedule` is the environment's sleepSchedule the hours come from (`07:00-20:00 mon-fri Europe/Berlin`), absent for `--awake-hours`.
   */
  readonly scheduled?: { readonly awakeHoursPerWeek: number; readonly schedule?: string; readonly stack: StackCost; readonly saves: number };
  /** Base plus `count` such stacks (branch environments). */
  readonly branches?: { readonly count: number; readonly total: number; readonly scheduledTotal?: number };
  /** What the estimate leaves out, each a noun phrase. */
  readonly notes: readonly string[];
}

export interface CostOptions {
  readonly assumptions?: Partial<CostAssumptions>;
  /** Hours per week a branch's tasks run. @default the awake hours of the environment's sleepSchedule for a branch stack, else undefined (around the clock) */
  readonly awakeHoursPerWeek?: number;
  /** Number of branches to price together with the base (branch environments). @default 10 */
  readonly branchCount?: number;
  /** @default PRICES */
  readonly prices?: PriceTable;
}

export type CostResult = { readonly ok: true; readonly estimate: CostEstimate } | { readonly ok: false; readonly message: string };

const cents = (usd: number): number => Math.round(usd * 100) / 100;

function stackCost(stack: string, lines: readonly CostLine[]): StackCost {
  const kept = lines.filter((l) => l.monthly > 0);
  return { stack, lines: kept, total: cents(kept.reduce((sum, l) => sum + l.monthly, 0)) };
}

function line(item: string, quantity: string, monthly: number): CostLine {
  return { item, quantity, monthly: cents(monthly) };
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function baseCost(base: BasePlan, p: RegionPrices, a: CostAssumptions, notes: string[]): StackCost {
  const lines: CostLine[] = [];
  const lb = base.loadBalancer;
  lines.push(line("Application Load Balancer", "730 h", p.albHour * HOURS_PER_MONTH));
  lines.push(line("Load balancer capacity units", `${a.loadBalancerLcu} LCU × 730 h`, a.loadBalancerLcu * p.albLcuHour * HOURS_PER_MONTH));
  let publicIps = 0;
  if (base.network.kind === "new") {
    const azs = base.network.publicSubnets.length;
    const nats = base.network.nat === "none" ? 0 : base.network.nat === "single" ? 1 : azs;
    if (nats > 0) {
      lines.push(line("NAT gateways", `${plural(nats, "gateway")} × 730 h`, nats * p.natHour * HOURS_PER_MONTH));
      lines.push(line("NAT data processed", `${a.natGbPerMonth * nats} GB`, a.natGbPerMonth * nats * p.natGb));
    }
    publicIps += nats;
    // An internet-facing ALB holds one public address per subnet (AZ) it spans.
    if (!lb.internal) publicIps += azs;
    if (base.network.flowLogs) lines.push(line("VPC flow logs ingestion", `${a.flowLogsGb} GB`, a.flowLogsGb * p.logsIngestGb));
  } else {
    if (!lb.internal) publicIps += base.network.publicSubnetIds.length;
    notes.push("the existing VPC's NAT gateways and flow logs");
  }
  if (publicIps > 0)
    lines.push(line("Public IPv4 addresses", `${plural(publicIps, "address", "addresses")} × 730 h`, publicIps * p.publicIpv4Hour * HOURS_PER_MONTH));
  const ec2 = base.cluster.ec2;
  if (ec2 !== undefined) {
    const hourly = p.ec2Hour[ec2.instanceType];
    if (hourly === undefined) notes.push(`EC2 instances of type ${ec2.instanceType} (not in the price table)`);
    else lines.push(line(`EC2 capacity (${ec2.instanceType})`, `${plural(ec2.desiredSize, "instance")} × 730 h`, ec2.desiredSize * hourly * HOURS_PER_MONTH));
  }
  if (base.cluster.containerInsights) notes.push("Container Insights metrics");
  return stackCost(base.stackName, lines);
}

/** Tasks of one service for a month: Fargate vCPU and memory hours (nothing for EC2 capacity, counted in the base). */
function taskLine(service: ServicePlan, base: BasePlan, p: RegionPrices, a: CostAssumptions, hours: number): CostLine | undefined {
  if (base.cluster.kind === "ec2") return undefined;
  const vcpu = service.size.cpu / 1024;
  const gb = service.size.memory / 1024;
  const spot = base.cluster.kind === "fargate-spot";
  const hourly = (vcpu * p.fargateVcpuHour + gb * p.fargateGbHour) * (spot ? 1 - a.spotDiscount : 1);
  const count = service.desiredCount;
  return line(
    `Fargate${spot ? " Spot" : ""}: ${service.id}`,
    `${plural(count, "task")} × ${vcpu} vCPU / ${gb} GB × ${Math.round(hours)} h`,
    count * hourly * hours,
  );
}

function appCost(plan: Plan, p: RegionPrices, a: CostAssumptions, hours: number): StackCost {
  const app: AppPlan = plan.app;
  const lines: CostLine[] = [];
  for (const service of app.services) {
    const task = taskLine(service, plan.base, p, a, hours);
    if (task !== undefined) lines.push(task);
  }
  const services = app.services.length;
  lines.push(line("CloudWatch Logs ingestion", `${plural(services, "service")} × ${a.logsGbPerService} GB`, services * a.logsGbPerService * p.logsIngestGb));
  if (app.volumes.length > 0) {
    lines.push(line("EFS storage", `${plural(app.volumes.length, "volume")} × ${a.efsGbPerVolume} GB`, app.volumes.length * a.efsGbPerVolume * p.efsGbMonth));
  }
  const managedSecrets = app.secrets.filter((s) => s.kind === "managed").length;
  if (managedSecrets > 0) lines.push(line("Secrets Manager secrets", plural(managedSecrets, "secret"), managedSecrets * p.secretMonth));
  if (app.discovery) lines.push(line("Cloud Map namespace (Route 53 hosted zone)", "1 zone", p.hostedZoneMonth));
  return stackCost(app.stackName, lines);
}

/** The monthly estimate of a plan's base and application (or branch) stack. */
export function estimateCost(plan: Plan, options: CostOptions = {}): CostResult {
  const table = options.prices ?? PRICES;
  const region = plan.env.aws.region;
  const prices = table.regions[region];
  if (prices === undefined) {
    return {
      ok: false,
      message: `no prices for region ${region} in the price table (it has ${Object.keys(table.regions).sort().join(", ")}); add them to review/prices.ts`,
    };
  }
  const a: CostAssumptions = { ...DEFAULT_ASSUMPTIONS, ...options.assumptions };
  const notes: string[] = ["data transfer out of AWS", "ECR storage", "traffic beyond the assumptions"];
  const base = baseCost(plan.base, prices, a, notes);
  const app = appCost(plan, prices, a, HOURS_PER_MONTH);
  // A branch of an environment with a sleep schedule runs its awake hours unless told otherwise.
  const sleepSchedule = plan.branch !== undefined && options.awakeHoursPerWeek === undefined ? plan.env.sleepSchedule : undefined;
  const awake = options.awakeHoursPerWeek ?? (sleepSchedule !== undefined ? awakeHoursPerWeek(sleepSchedule) : undefined);
  const scheduleText =
    sleepSchedule !== undefined
      ? `${formatTimeOfDay(sleepSchedule.start)}-${formatTimeOfDay(sleepSchedule.end)} ${sleepSchedule.days.join(",")} ${sleepSchedule.timezone}`
      : undefined;
  const scheduledStack = awake !== undefined ? appCost(plan, prices, a, Math.min(HOURS_PER_MONTH, awake * WEEKS_PER_MONTH)) : undefined;
  const count = options.branchCount ?? 10;
  return {
    ok: true,
    estimate: {
      environment: plan.env.name,
      region,
      prices: { date: table.date, source: table.source, currency: table.currency },
      assumptions: a,
      base,
      app,
      ...(awake !== undefined && scheduledStack !== undefined
        ? {
            scheduled: {
              awakeHoursPerWeek: awake,
              ...(scheduleText !== undefined ? { schedule: scheduleText } : {}),
              stack: scheduledStack,
              saves: cents(app.total - scheduledStack.total),
            },
          }
        : {}),
      ...(plan.branch !== undefined
        ? {
            branches: {
              count,
              total: cents(base.total + count * app.total),
              ...(scheduledStack !== undefined ? { scheduledTotal: cents(base.total + count * scheduledStack.total) } : {}),
            },
          }
        : {}),
      notes,
    },
  };
}

import { CostEstimate, StackCost } from "./cost";
import { cell, table } from "./markdown";

/** `compose2ecs cost` output for people (Markdown, e.g. a pull-request comment) and for tools (JSON). */

const usd = (n: number): string => `$${n.toFixed(2)}`;

function stackRows(stack: StackCost): string[][] {
  return [...stack.lines.map((l) => [cell(l.item), cell(l.quantity), usd(l.monthly)]), [`**${cell(stack.stack)} total**`, "", `**${usd(stack.total)}**`]];
}

export function renderCostMarkdown(e: CostEstimate): string {
  const out: string[] = [];
  out.push(`### Estimated monthly cost: ${e.environment} (${e.region})`, "");
  out.push(...table(["item", "quantity", "per month"], [...stackRows(e.base), ...stackRows(e.app)]), "");
  const summary: string[][] = [
    [`${cell(e.base.stack)}`, usd(e.base.total)],
    [`${cell(e.app.stack)}, around the clock`, usd(e.app.total)],
  ];
  if (e.scheduled !== undefined) {
    summary.push([
      `${cell(e.app.stack)}, awake ${e.scheduled.awakeHoursPerWeek} h a week${e.scheduled.schedule !== undefined ? ` (sleepSchedule ${cell(e.scheduled.schedule)})` : ""}`,
      `${usd(e.scheduled.stack.total)} (saves ${usd(e.scheduled.saves)})`,
    ]);
  }
  if (e.branches !== undefined) {
    summary.push([`base + ${e.branches.count} such branches`, usd(e.branches.total)]);
    if (e.branches.scheduledTotal !== undefined) summary.push([`base + ${e.branches.count} branches on the schedule`, usd(e.branches.scheduledTotal)]);
  }
  out.push(...table(["stack", "per month"], summary), "");
  const a = e.assumptions;
  out.push(
    `Prices: ${e.prices.currency} on-demand list prices of ${e.prices.date} (${e.prices.source}). ` +
      `Assumed: ${a.loadBalancerLcu} LCU on the load balancer, ${a.natGbPerMonth} GB through each NAT gateway, ${a.logsGbPerService} GB of logs per service, ` +
      `${a.flowLogsGb} GB of flow logs, ${a.efsGbPerVolume} GB per EFS volume, Fargate Spot at ${Math.round(a.spotDiscount * 100)} % off, 730 hours a month. ` +
      `Not counted: ${e.notes.join("; ")}.`,
  );
  return out.join("\n") + "\n";
}

export function renderCostJson(e: CostEstimate): string {
  return JSON.stringify(e, null, 2) + "\n";
}

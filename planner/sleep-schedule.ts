import { SleepSchedule, TimeOfDay, Weekday } from "../config/environment-model";
import { WEEKDAYS } from "../config/sleep-schedule";
import * as names from "../naming/names";
import { AppPlan, ServicePlan, ServiceSchedulePlan } from "./plan";

/**
 * A branch environment's sleep schedule as Application Auto Scaling scheduled actions: each
 * service of a branch stack sleeps (min 0 / max 0) at the end of the awake hours and wakes
 * (its normal bounds) at their start, on the awake days, in the schedule's time zone.
 */

/**
 * The cron day-of-week field: runs of consecutive days as ranges, in the field's SUN..SAT order
 * (no range wraps past SAT, which the cron syntax would not read as one).
 */
export function cronDays(days: readonly Weekday[]): string {
  const indexes = WEEKDAYS.map((d, i) => (days.includes(d) ? i : -1)).filter((i) => i >= 0);
  if (indexes.length === 7) return "*";
  const runs: [number, number][] = [];
  for (const i of indexes) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  const name = (i: number) => (WEEKDAYS[i] ?? "").toUpperCase();
  return runs.map(([a, b]) => (a === b ? name(a) : `${name(a)}-${name(b)}`)).join(",");
}

/** `cron(0 7 ? * MON-FRI *)`: Application Auto Scaling's six-field cron (minutes hours day-of-month month day-of-week year). */
export function cronAt(time: TimeOfDay, days: readonly Weekday[]): string {
  return `cron(${time.minute} ${time.hour} ? * ${cronDays(days)} *)`;
}

/** The schedule of one ECS service; undefined for services that never run a task (daemons, 0 replicas). */
export function serviceSchedule(service: ServicePlan, schedule: SleepSchedule, scope: names.NameScope): ServiceSchedulePlan | undefined {
  if (service.schedulingStrategy !== "REPLICA") return undefined;
  const awake = service.autoscaling
    ? { minCapacity: service.autoscaling.minCapacity, maxCapacity: service.autoscaling.maxCapacity }
    : { minCapacity: service.desiredCount, maxCapacity: service.desiredCount };
  if (awake.maxCapacity === 0) return undefined;
  return {
    timezone: schedule.timezone,
    awake,
    sleep: { name: names.scheduledActionName(scope, service.id, "sleep"), schedule: cronAt(schedule.end, schedule.days), minCapacity: 0, maxCapacity: 0 },
    wake: { name: names.scheduledActionName(scope, service.id, "wake"), schedule: cronAt(schedule.start, schedule.days), ...awake },
  };
}

/** A branch stack's app plan with every service scheduled to sleep. */
export function scheduleApp(app: AppPlan, schedule: SleepSchedule): AppPlan {
  return {
    ...app,
    services: app.services.map((s) => {
      const planned = serviceSchedule(s, schedule, app.scope);
      return planned !== undefined ? { ...s, schedule: planned } : s;
    }),
  };
}

import { SleepSchedule, TimeOfDay, Weekday } from "./environment-model";

/**
 * The pure parts of `sleepSchedule:` (awake hours, days, time zone): the environment loader
 * checks the file with them, the planner turns the result into scheduled actions and `cost`
 * counts its hours. The schema has checked the shapes; these check what a pattern cannot.
 */

/** Days in the order of Application Auto Scaling's cron day-of-week field (1 = SUN ... 7 = SAT). */
export const WEEKDAYS: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** What a schedule leaves out. */
export const DEFAULT_SLEEP_DAYS = "mon-fri";

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

function timeOfDay(text: string): TimeOfDay | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : undefined;
}

const minutes = (t: TimeOfDay): number => t.hour * 60 + t.minute;

/** `07:00-20:00`: the hours the branch runs, the same each awake day, ending after they start. */
export function parseAwakeHours(text: string): Parsed<{ readonly start: TimeOfDay; readonly end: TimeOfDay }> {
  const [from = "", until = "", ...rest] = text.split("-");
  const start = timeOfDay(from);
  const end = timeOfDay(until);
  if (start === undefined || end === undefined || rest.length > 0) return fail(`must be HH:MM-HH:MM (24-hour, e.g. 07:00-20:00), got ${JSON.stringify(text)}`);
  if (minutes(end) <= minutes(start)) {
    return fail(
      `must end after it starts on the same day, got ${JSON.stringify(text)}: overnight spans (such as 22:00-06:00) are not supported, since each awake day wakes at the start and sleeps at the end; split the day differently or use the hours the branch should run within one day`,
    );
  }
  return ok({ start, end });
}

/** `mon-fri`, `sat,sun`, `mon-wed,fri`, `fri-mon` (ranges wrap around the week): the awake days, in WEEKDAYS order. */
export function parseDays(text: string): Parsed<readonly Weekday[]> {
  const chosen = new Set<Weekday>();
  for (const part of text.split(",")) {
    const [from = "", to, ...rest] = part.trim().split("-");
    const first = WEEKDAYS.indexOf(from as Weekday);
    const last = to === undefined ? first : WEEKDAYS.indexOf(to as Weekday);
    if (first < 0 || last < 0 || rest.length > 0)
      return fail(`must be days such as mon-fri or sat,sun (mon, tue, wed, thu, fri, sat, sun), got ${JSON.stringify(text)}`);
    for (let i = first; ; i = (i + 1) % 7) {
      const day = WEEKDAYS[i] as Weekday;
      if (chosen.has(day)) return fail(`names ${day} twice in ${JSON.stringify(text)}`);
      chosen.add(day);
      if (i === last) break;
    }
  }
  return ok(WEEKDAYS.filter((d) => chosen.has(d)));
}

/**
 * An IANA time zone name as Application Auto Scaling takes it (Europe/Berlin, UTC): one the
 * runtime's time zone database knows, spelled as it spells it.
 */
export function checkTimeZone(text: string): Parsed<string> {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return fail(`is not an IANA time zone name (such as Europe/Berlin, America/New_York or UTC), got ${JSON.stringify(text)}`);
  }
  // Intl reads names regardless of case; AWS matches them exactly.
  if (resolved !== text && resolved.toLowerCase() === text.toLowerCase()) return fail(`must be spelled ${resolved}, got ${JSON.stringify(text)}`);
  return ok(text);
}

/** Hours per week the branch's tasks run under the schedule. */
export function awakeHoursPerWeek(schedule: SleepSchedule): number {
  return ((minutes(schedule.end) - minutes(schedule.start)) * schedule.days.length) / 60;
}

/** `07:00`. */
export function formatTimeOfDay(t: TimeOfDay): string {
  return `${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`;
}

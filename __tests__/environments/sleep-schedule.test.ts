import { formatDiagnostic } from "../../compose/diagnostics";
import { parseEnvironment } from "../../config/load-environment";
import { awakeHoursPerWeek, checkTimeZone, parseAwakeHours, parseDays } from "../../config/sleep-schedule";

const FILE = "environments/qa.yml";
const branchEnv = (schedule: string) => `branches: true\nsleepSchedule:\n${schedule}`;
const messages = (text: string): string[] => {
  const result = parseEnvironment("qa", text, FILE);
  expect(result.env).toBeUndefined();
  return result.diagnostics.map(formatDiagnostic);
};

describe("sleepSchedule in an environment file", () => {
  test("GIVEN awake hours, days and a time zone WHEN parsed THEN the model holds them, days in week order", () => {
    const { env, diagnostics } = parseEnvironment("qa", branchEnv('  awake: "07:00-20:30"\n  days: fri,mon-wed\n  timezone: Europe/Berlin\n'), FILE);
    expect(diagnostics).toEqual([]);
    expect(env?.sleepSchedule).toEqual({
      start: { hour: 7, minute: 0 },
      end: { hour: 20, minute: 30 },
      days: ["mon", "tue", "wed", "fri"],
      timezone: "Europe/Berlin",
    });
  });

  test("GIVEN no days WHEN parsed THEN the schedule is Monday to Friday", () => {
    const { env } = parseEnvironment("qa", branchEnv('  awake: "08:00-18:00"\n  timezone: UTC\n'), FILE);
    expect(env?.sleepSchedule?.days).toEqual(["mon", "tue", "wed", "thu", "fri"]);
  });

  test("GIVEN no sleepSchedule WHEN parsed THEN branches run around the clock", () => {
    expect(parseEnvironment("qa", "branches: true\n", FILE).env?.sleepSchedule).toBeUndefined();
  });

  test.each([
    [
      "an environment without branches",
      'sleepSchedule:\n  awake: "07:00-20:00"\n  timezone: UTC\n',
      "environments/qa.yml:1:1 sleepSchedule: only applies to branch environments (branches: true)",
    ],
    [
      "an overnight span",
      branchEnv('  awake: "22:00-06:00"\n  timezone: UTC\n'),
      'environments/qa.yml:3:10 sleepSchedule.awake: must end after it starts on the same day, got "22:00-06:00": overnight spans',
    ],
    [
      "an empty span",
      branchEnv('  awake: "07:00-07:00"\n  timezone: UTC\n'),
      "environments/qa.yml:3:10 sleepSchedule.awake: must end after it starts on the same day",
    ],
    ["hours past 23", branchEnv('  awake: "07:00-24:00"\n  timezone: UTC\n'), "environments/qa.yml:3:10 sleepSchedule.awake: "],
    [
      "a day listed twice",
      branchEnv('  awake: "07:00-20:00"\n  days: mon-fri,wed\n  timezone: UTC\n'),
      'environments/qa.yml:4:9 sleepSchedule.days: names wed twice in "mon-fri,wed"',
    ],
    ["an unknown day", branchEnv('  awake: "07:00-20:00"\n  days: monday\n  timezone: UTC\n'), "environments/qa.yml:4:9 sleepSchedule.days: "],
    [
      "a time zone that does not exist",
      branchEnv('  awake: "07:00-20:00"\n  timezone: Europe/Atlantis\n'),
      'environments/qa.yml:4:13 sleepSchedule.timezone: is not an IANA time zone name (such as Europe/Berlin, America/New_York or UTC), got "Europe/Atlantis"',
    ],
    [
      "a time zone in the wrong case",
      branchEnv('  awake: "07:00-20:00"\n  timezone: europe/berlin\n'),
      'environments/qa.yml:4:13 sleepSchedule.timezone: must be spelled Europe/Berlin, got "europe/berlin"',
    ],
    ["an offset instead of a zone", branchEnv('  awake: "07:00-20:00"\n  timezone: "+01:00"\n'), "environments/qa.yml:4:13 sleepSchedule.timezone: "],
    ["no time zone", branchEnv('  awake: "07:00-20:00"\n'), "sleepSchedule: timezone is required for a sleep schedule"],
  ])("GIVEN %s WHEN parsed THEN the error names the file, line and key", (_what, text, expected) => {
    expect(messages(text).join("\n")).toContain(expected);
  });
});

describe("the schedule's parts", () => {
  test.each([
    ["mon-fri", ["mon", "tue", "wed", "thu", "fri"]],
    ["sat,sun", ["sun", "sat"]],
    ["fri-mon", ["sun", "mon", "fri", "sat"]],
    ["sun-sat", ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]],
    ["wed", ["wed"]],
  ])("GIVEN days %s THEN they are %j", (text, days) => {
    expect(parseDays(text)).toEqual({ ok: true, value: days });
  });

  test("GIVEN 07:00-20:00 on mon-fri THEN it is 65 awake hours a week; 08:30-17:15 on sat,sun is 17.5", () => {
    const at = (awake: string, days: string) => {
      const hours = parseAwakeHours(awake);
      const list = parseDays(days);
      if (!hours.ok || !list.ok) throw new Error("parse failed");
      return awakeHoursPerWeek({ ...hours.value, days: list.value, timezone: "UTC" });
    };
    expect(at("07:00-20:00", "mon-fri")).toBe(65);
    expect(at("08:30-17:15", "sat,sun")).toBe(17.5);
  });

  test("GIVEN time zone names THEN known ones pass, whatever their region, and unknown ones fail", () => {
    expect(["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata"].map((z) => checkTimeZone(z).ok)).toEqual([true, true, true, true]);
    expect(["Mars/Olympus", "CEST+1"].map((z) => checkTimeZone(z).ok)).toEqual([false, false]);
  });
});

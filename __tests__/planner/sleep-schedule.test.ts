import { parseDays } from "../../config/sleep-schedule";
import { cronAt, cronDays } from "../../planner/sleep-schedule";

/** The awake days and hours as Application Auto Scaling's cron(minutes hours day-of-month month day-of-week year). */

const days = (text: string) => {
  const parsed = parseDays(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

describe("cron of a sleep schedule", () => {
  test.each([
    ["mon-fri", "MON-FRI"],
    ["sat,sun", "SUN,SAT"],
    ["mon,wed,fri", "MON,WED,FRI"],
    ["mon-wed,fri", "MON-WED,FRI"],
    // A range across the week's end is split where the cron field's SUN..SAT order ends.
    ["fri-mon", "SUN-MON,FRI-SAT"],
    ["thu-tue", "SUN-TUE,THU-SAT"],
    ["mon-sun", "*"],
    ["tue", "TUE"],
  ])("GIVEN days %s THEN the day-of-week field is %s", (text, field) => {
    expect(cronDays(days(text))).toBe(field);
  });

  test("GIVEN 07:00 and 20:30 on mon-fri THEN wake and sleep are cron(0 7 ? * MON-FRI *) and cron(30 20 ? * MON-FRI *)", () => {
    expect(cronAt({ hour: 7, minute: 0 }, days("mon-fri"))).toBe("cron(0 7 ? * MON-FRI *)");
    expect(cronAt({ hour: 20, minute: 30 }, days("mon-fri"))).toBe("cron(30 20 ? * MON-FRI *)");
  });

  test("GIVEN a weekend schedule from 09:05 THEN the minute and hour carry no leading zero", () => {
    expect(cronAt({ hour: 9, minute: 5 }, days("sat,sun"))).toBe("cron(5 9 ? * SUN,SAT *)");
  });
});

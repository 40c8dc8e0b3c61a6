import { Token } from "cdktf";
import { withoutTokenStackTraces } from "../../stacks/build-app";

/**
 * Synth pins Error.stackTraceLimit to 0 while cdktf builds tokens (each would capture every
 * frame); the process must get its usual stack traces back afterwards, also after a throw.
 */
describe("withoutTokenStackTraces", () => {
  test("GIVEN work that creates tokens WHEN it runs THEN no stack frames are captured, and afterwards limit and formatter are restored", () => {
    const limitBefore = Error.stackTraceLimit;
    const formatterBefore = Error.prepareStackTrace;
    const inside = withoutTokenStackTraces(() => {
      Token.asString({ resolve: () => "x" });
      return { limit: Error.stackTraceLimit, stack: new Error("inside").stack };
    });
    expect(inside.limit).toBe(0);
    expect(inside.stack ?? "").not.toMatch(/build-app\.test/);
    expect(Error.stackTraceLimit).toBe(limitBefore);
    expect(Error.prepareStackTrace).toBe(formatterBefore);
    expect(new Error("after").stack).toMatch(/build-app\.test/);
  });

  test("GIVEN work that throws WHEN it runs THEN the limit is restored all the same", () => {
    const limitBefore = Error.stackTraceLimit;
    expect(() =>
      withoutTokenStackTraces(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(Error.stackTraceLimit).toBe(limitBefore);
    Error.stackTraceLimit = 7;
    expect(Error.stackTraceLimit).toBe(7);
    Error.stackTraceLimit = limitBefore;
  });

  test("GIVEN COMPOSE2ECS_DEBUG WHEN work runs THEN stack traces are kept for debugging", () => {
    process.env.COMPOSE2ECS_DEBUG = "1";
    try {
      expect(withoutTokenStackTraces(() => new Error("debug").stack)).toMatch(/build-app\.test/);
    } finally {
      delete process.env.COMPOSE2ECS_DEBUG;
    }
  });
});

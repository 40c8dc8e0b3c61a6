import { runCli } from "../helpers/run-cli";

/** `compose2ecs --help` lists the commands from one list (cli/main.ts); each command's own help agrees with it. */
describe("compose2ecs --help", () => {
  test("GIVEN the command list WHEN each command's --help is asked for THEN it is that command's usage, and unknown commands are refused", async () => {
    const usage = await runCli(["--help"]);
    expect(usage.code).toBe(0);
    const listed = [...usage.stdout.matchAll(/^ {2}(\S+) {2,}(\S.*)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""] as const);
    expect(listed.map(([name]) => name)).toEqual(expect.arrayContaining(["check", "synth", "branches", "diff", "plan-summary", "diagram", "demo"]));
    for (const [name, summary] of listed) {
      expect(summary.length).toBeGreaterThan(10);
      const help = await runCli([name, "--help"]);
      expect({ name, code: help.code, usage: /^Usage:\s+compose2ecs (\S+)/.exec(help.stdout)?.[1] }).toEqual({ name, code: 0, usage: name });
    }
    expect((await runCli(["no-such-command"])).code).toBe(2);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./project-dir";

/**
 * Issue 11: `ports: ["1-65535"]` passed `check` and then synth ran past 30 s; `"1-20000"` wrote
 * 20,000 security-group rules and an 810 KB container definition, exit 0. A range is now one
 * rule and one `containerPortRange`; what still breaks an AWS limit fails `check` and `synth` alike.
 */
// Declared-ports access: each service's ports become rules (with compose access, one all-ports rule per network admits siblings).
const ENVIRONMENT = "region: eu-west-1\nbranches: false\nnetwork:\n  access: declared-ports\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n";

function projectWith(compose: string): string {
  const dir = mkdtempSync(join(tmpdir(), "compose2ecs-ranges-"));
  mkdirSync(join(dir, "environments"));
  writeFileSync(join(dir, "environments", "production.yml"), ENVIRONMENT);
  writeFileSync(join(dir, "compose.yaml"), compose);
  return dir;
}

interface AppStack {
  readonly resource: {
    readonly aws_ecs_task_definition: Record<string, { readonly container_definitions: string }>;
    readonly aws_vpc_security_group_ingress_rule: Record<string, { readonly from_port: number; readonly to_port: number; readonly description: string }>;
  };
}

describe("port ranges through check and synth", () => {
  test.each([["1-65535"], ["1-20000"]])(
    "GIVEN ports [%s] WHEN checked and synthesized THEN exit 0, one rule from..to and one containerPortRange",
    async (range) => {
      const dir = projectWith(`name: ranges\nservices:\n  game:\n    image: game:1\n    ports: ["${range}"]\n    x-ecs:\n      public: false\n`);
      expect((await runCli(["check", "-C", dir, "--env", "production"])).code).toBe(0);
      const out = join(dir, "out");
      const result = await runCli(["synth", "-C", dir, "--env", "production", "--out", out]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const file = join(out, "stacks", "production-app", "cdk.tf.json");
      const app = JSON.parse(readFileSync(file, "utf8")) as AppStack;
      const rules = Object.values(app.resource.aws_vpc_security_group_ingress_rule);
      const [from, to] = range.split("-").map(Number);
      expect(rules.map((r) => [r.from_port, r.to_port, r.description])).toEqual([[from, to, `tcp/${range} from services on compose network default`]]);
      const containers = Object.values(app.resource.aws_ecs_task_definition).flatMap(
        (t) => JSON.parse(t.container_definitions) as { name: string; portMappings: unknown[] }[],
      );
      expect(containers.find((c) => c.name === "game")?.portMappings).toEqual([{ containerPortRange: range, protocol: "tcp" }]);
      // Before: 810 KB of container definitions for 1-20000.
      expect(statSync(file).size).toBeLessThan(64 * 1024);
    },
  );

  test("GIVEN 61 exposed ports on one network WHEN checked and synthesized THEN both exit 1 naming the service and the limit, and nothing is written", async () => {
    const expose = Array.from({ length: 61 }, (_, i) => `"${10000 + i * 2}"`).join(", ");
    const dir = projectWith(`services:\n  mesh:\n    image: mesh:1\n    expose: [${expose}]\n`);
    const message = /compose\.yaml:2:3 services\.mesh: security group \S+ would have 61 inbound rules .*AWS allows 60 inbound rules per security group/;
    const check = await runCli(["check", "-C", dir, "--env", "production"]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(message);
    const out = join(dir, "out");
    const synth = await runCli(["synth", "-C", dir, "--env", "production", "--out", out]);
    expect(synth.code).toBe(1);
    expect(synth.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  test("GIVEN environment values past the 64 KiB task definition WHEN checked THEN exit 1 naming the service (check fails where synth would)", async () => {
    const environment = Array.from({ length: 700 }, (_, i) => `      VAR_${i}: "${"x".repeat(100)}"`).join("\n");
    const dir = projectWith(`services:\n  fat:\n    image: fat:1\n    environment:\n${environment}\n`);
    const check = await runCli(["check", "-C", dir]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/compose\.yaml:2:3 services\.fat: service "fat": its task definition would be about \d+ KiB .*ECS allows at most 64 KiB/);
    expect((await runCli(["synth", "-C", dir, "--env", "production", "--out", join(dir, "out")])).code).toBe(1);
  });
});

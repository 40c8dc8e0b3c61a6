import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { terraformEnv, validateStacks } from "./terraform-harness";
import { terraformBudget } from "../helpers/budgets";

/** The combined validate must still tell which stack is broken. */
describe("validate harness", () => {
  test(
    "GIVEN one valid and one invalid stack WHEN validated together THEN only the invalid one fails, with the attribute named",
    async () => {
      const root = mkdtempSync(join(tmpdir(), "compose2ecs-harness-"));
      const stack = (name: string, vpc: Record<string, unknown>) => {
        const dir = join(root, name);
        mkdirSync(dir);
        writeFileSync(
          join(dir, "cdk.tf.json"),
          JSON.stringify({
            terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
            provider: { aws: [{ region: "eu-west-1" }] },
            resource: { aws_vpc: { main: vpc } },
          }),
        );
        return { name, dir };
      };
      const results = await validateStacks(
        [stack("good", { cidr_block: "10.0.0.0/16" }), stack("bad", { cidr_block: "10.0.0.0/16", no_such_argument: true })],
        terraformEnv(),
      );
      expect(results.map((r) => [r.name, r.ok])).toEqual([
        ["good", true],
        ["bad", false],
      ]);
      expect(results[1]?.errors.join()).toMatch(/no_such_argument/);
    },
    terraformBudget(1),
  );
});

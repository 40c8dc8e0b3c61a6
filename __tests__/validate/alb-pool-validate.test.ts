import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { branchSlug } from "../../naming/branch-slug";
import { exampleProjectDir, runCli } from "../synth/project-dir";
import { StackToValidate, terraformEnv, validateStacks } from "./terraform-harness";
import { terraformBudget } from "../helpers/budgets";

const tfEnv = terraformEnv();

/**
 * A QA base with a pool of two ALBs and branch stacks placed on ALB 2, without a domain (own
 * listener ports) and with one (shared listeners and a Route 53 alias record per branch), all
 * valid Terraform for the pinned AWS provider.
 */
describe("terraform validate: a pool of two ALBs", () => {
  test(
    "GIVEN pool: 2 with small quotas WHEN branches are synthesized until one lands on ALB 2 THEN its base and branch stacks validate, with and without a domain",
    async () => {
      const { root, projectDir } = exampleProjectDir();
      const common =
        "branches: true\nproject: shop\ncompose: [examples/seed/docker-compose.yml]\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n  deletionProtection: false\n  pool: 2\n";
      writeFileSync(join(projectDir, "environments", "qapool.yml"), `${common}  quotas:\n    rulesPerAlb: 2\n`);
      writeFileSync(
        join(projectDir, "environments", "qadns.yml"),
        `${common}  domain: qa.example.com\n  hostedZoneId: Z0123456789ABC\n  quotas:\n    rulesPerAlb: 2\n`,
      );
      const stacks: StackToValidate[] = [];
      for (const env of ["qapool", "qadns"]) {
        for (const branch of ["first", "second"]) {
          const out = join(root, `${env}-${branch}`);
          const synth = await runCli(["synth", "-C", projectDir, "--env", env, "--branch", branch, "--out", out]);
          expect([env, branch, synth.code, synth.code === 0 ? "" : synth.stderr]).toEqual([env, branch, 0, ""]);
        }
        const out = join(root, `${env}-second`);
        const branchStack = join(out, "stacks", `${env}-${branchSlug("second")}`);
        const text = readFileSync(join(branchStack, "cdk.tf.json"), "utf8");
        expect(text).toContain('"name": "shop-' + env + '-alb2"');
        if (env === "qadns") expect(text).toContain("aws_route53_record");
        stacks.push({ name: `${env}:base`, dir: join(out, "stacks", `${env}-base`) }, { name: `${env}:second`, dir: branchStack });
      }
      const results = await validateStacks(stacks, tfEnv);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results).toHaveLength(4);
    },
    terraformBudget(2),
  );
});

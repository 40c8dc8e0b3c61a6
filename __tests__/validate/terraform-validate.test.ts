import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { load } from "../../compose/load";
import { formatDiagnostic } from "../../compose/diagnostics";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { planProject } from "../../planner/plan-project";
import { writeStacks } from "../../stacks/synthesize";
import { exampleProjectDir, exampleWithDataProjectDir, runCli } from "../synth/project-dir";
import { materialise, readManifest } from "./corpus";
import { StackToValidate, stacksOf, terraformEnv, validateStacks } from "./terraform-harness";
import { terraformBudget } from "../helpers/budgets";

const tfEnv = terraformEnv();

describe("terraform validate: the bundled example", () => {
  test("GIVEN production, a QA branch, a single-task/EC2/internal environment and one with a network load balancer, mixed access and egress WHEN terraform validates every stack THEN all are valid", async () => {
    const { root, projectDir } = exampleProjectDir();
    // A third environment exercising single-task placement, EC2 capacity and an internal ALB.
    writeFileSync(
      join(projectDir, "environments", "single.yml"),
      "region: eu-west-1\ncompose: [examples/seed/docker-compose.yml]\nplacement: single-task\ncapacity:\n  kind: ec2\nloadBalancer:\n  internal: true\n",
    );
    // A fourth exercising connectivity: a network load balancer listener for redis, declared-ports
    // access with redis open (so the network has both groups and the self rule), and egress.
    writeFileSync(
      join(projectDir, "connect.override.yml"),
      "services:\n  redis:\n    ports: ['6379']\n    x-ecs: {loadBalancer: network, access: compose}\n  boot:\n    x-ecs: {egress: [{ports: [587], cidrs: [0.0.0.0/0]}]}\n",
    );
    writeFileSync(
      join(projectDir, "environments", "connect.yml"),
      "region: eu-west-1\ncompose: [examples/seed/docker-compose.yml, connect.override.yml]\nloadBalancer:\n  allowedCidrs: [198.51.100.0/24]\nnetworkLoadBalancer:\n  internal: true\nnetwork:\n  access: declared-ports\n  egress: [{ports: [514], cidrs: [10.9.0.0/16], protocol: udp}]\n",
    );
    const stacks: StackToValidate[] = [];
    for (const [label, flags] of [
      ["production", ["--env", "production"]],
      ["qa", ["--env", "qa", "--branch", "feature/validate"]],
      ["single", ["--env", "single"]],
      ["connect", ["--env", "connect"]],
    ] as const) {
      const out = join(root, label);
      const synth = await runCli(["synth", "-C", projectDir, "--out", out, ...flags]);
      expect([label, synth.code, synth.code === 0 ? "" : synth.stderr]).toEqual([label, 0, ""]);
      stacks.push(...stacksOf(out, `${label}:`));
    }
    expect(stacks).toHaveLength(8);
    const connect = readFileSync(join(root, "connect", "stacks", "connect-app", "cdk.tf.json"), "utf8");
    for (const kind of ["aws_security_group_rule", "aws_lb_listener", "aws_vpc_security_group_egress_rule", "declared-ports-networks"])
      expect(connect).toContain(kind);
    const results = await validateStacks(stacks, tfEnv);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(8);
  });
});

describe("terraform validate: the example with data, secrets, permissions and the Docker ECS integration's keys", () => {
  test(
    "GIVEN production (protected volume, backup policy), production --allow-data-loss and a QA branch WHEN terraform validates the application stacks THEN all are valid",
    async () => {
      const { root, projectDir } = exampleWithDataProjectDir();
      const stacks: StackToValidate[] = [];
      for (const [label, flags] of [
        ["production", ["--env", "production"]],
        ["released", ["--env", "production", "--allow-data-loss"]],
        ["qa", ["--env", "qa", "--branch", "feature/data"]],
      ] as const) {
        const out = join(root, label);
        const synth = await runCli(["synth", "-C", projectDir, "--out", out, ...flags]);
        expect([label, synth.code, synth.code === 0 ? "" : synth.stderr]).toEqual([label, 0, ""]);
        stacks.push(...stacksOf(out, `${label}:`).filter((s) => !s.name.endsWith("-base")));
      }
      expect(stacks).toHaveLength(3);
      const results = await validateStacks(stacks, tfEnv);
      expect(results.filter((r) => !r.ok)).toEqual([]);
    },
    terraformBudget(1),
  );
});

const corpusEnv: EnvironmentConfig = (() => {
  const env = defaultEnvironment("ci");
  return { ...env, loadBalancer: { ...env.loadBalancer, allowedCidrs: ["198.51.100.0/24"] } };
})();

/** Variables a corpus file needs that its MANIFEST row names (the airflow docs' placeholder image). */
function corpusVariables(file: string): Record<string, string> {
  return file.startsWith("airflow__") ? { AIRFLOW_IMAGE_NAME: "apache/airflow:2.9.0" } : {};
}

const converting = readManifest().filter((e) => e.expectation.startsWith("convert"));

describe("terraform validate: every corpus file that converts", () => {
  const synthesized: StackToValidate[] = [];

  test("the corpus has files expected to convert", () => {
    expect(converting.length).toBeGreaterThan(15);
  });

  test.each(converting.map((e) => [e.file, e]))("GIVEN %s WHEN loaded, planned and synthesized THEN there are no errors", async (_file, entry) => {
    const { dir, composeFile } = materialise(entry);
    const loaded = load({ files: [composeFile], workingDir: dirname(composeFile), environment: { ...process.env, ...corpusVariables(entry.file) } });
    expect(loaded.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    if (loaded.project === undefined) return;
    const planned = planProject({ project: loaded.project, env: corpusEnv });
    expect(planned.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    if (planned.plan === undefined) return;
    const out = join(dir, "out");
    await writeStacks(planned.plan, { outDir: out, projectDir: dirname(composeFile), hcl: false });
    // The base stack is the same shape for every project (validated with the example); the app stack is the file's own.
    synthesized.push({ name: entry.file, dir: join(out, "stacks", planned.plan.app.stackName) });
  });

  test(
    "GIVEN every synthesized corpus application stack WHEN terraform validates them THEN all are valid",
    async () => {
      expect(synthesized).toHaveLength(converting.length);
      const results = await validateStacks(synthesized, tfEnv);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results).toHaveLength(converting.length);
    },
    terraformBudget(3),
  );
});

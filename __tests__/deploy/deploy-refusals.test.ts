import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasCloudCredentials, tokenVariable } from "../../deploy/cloud-credentials";
import { deletionProtectedLoadBalancers, protectedResources } from "../../deploy/data-protection";
import { planRequest } from "../../pipeline/plan-request";
import { writeStacks } from "../../stacks/synthesize";
import { exampleWithDataProjectDir } from "../synth/project-dir";
import { runCli } from "../helpers/run-cli";

/**
 * What `up` and `down` refuse before terraform changes anything: placeholders, HCP Terraform
 * without a login (offline: the refusal path is all that can run), a base still in use, wrong
 * usage; and what they read from a synthesized stack (data protection, deletion protection).
 */

const COMPOSE = 'name: shop\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n';

let root: string;
let project: string;
const saved = { ...process.env };
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "c2e-refusals-"));
  project = join(root, "project");
  mkdirSync(join(project, "environments"), { recursive: true });
  writeFileSync(join(project, "compose.yaml"), COMPOSE);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

function environment(name: string, text: string): void {
  writeFileSync(join(project, "environments", `${name}.yml`), text);
}

/** Everything under the project folder, so a test can show nothing was written. */
function tree(dir = project): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

describe("up refuses before anything is written", () => {
  test("GIVEN the files init writes WHEN up runs THEN each placeholder is refused with file, line, column and key, and no stack, state or slot appears", async () => {
    expect((await runCli(["init", "-C", project])).code).toBe(0);
    const before = tree();
    const qa = await runCli(["up", "-C", project, "--env", "qa", "--branch", "main", "--out", join(project, "cdktf.out")]);
    expect(qa.code).toBe(1);
    expect(qa.stderr).toMatch(/environments\/qa\.yml:\d+:3 loadBalancer\.allowedCidrs\[0\]: placeholder 192\.0\.2\.0\/24/);
    expect(qa.stderr).toMatch(/1 placeholder left in .*qa\.yml; replace it before deploying/);
    const production = await runCli(["up", "-C", project, "--env", "production", "--out", join(project, "cdktf.out")]);
    expect(production.code).toBe(1);
    expect(production.stderr).toMatch(
      /environments\/production\.yml:\d+:3 loadBalancer\.certificateArn: placeholder arn:aws:acm:eu-west-1:123456789012:certificate\/0{8}-/,
    );
    expect(tree()).toEqual(before);
  });

  test("GIVEN an environment in HCP Terraform and no credentials for it WHEN up or down runs THEN it is refused naming terraform login and the token variable, and nothing is written", async () => {
    environment("production", "loadBalancer:\n  allowedCidrs: [10.0.0.0/8]\nstate:\n  backend: cloud\n  organization: acme\n");
    const home = join(root, "home");
    mkdirSync(home);
    process.env.HOME = home;
    delete process.env.TF_TOKEN_app_terraform_io;
    delete process.env.TF_CLI_CONFIG_FILE;
    const before = tree();
    for (const command of ["up", "down"]) {
      const result = await runCli([command, "-C", project, "--env", "production", "--out", join(project, "cdktf.out")]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `compose2ecs ${command}: environment production keeps its state in HCP Terraform (state.backend: cloud, app.terraform.io, organization acme), and terraform has no credentials for app.terraform.io: run \`terraform login app.terraform.io\` or set TF_TOKEN_app_terraform_io`,
      );
    }
    expect(tree()).toEqual(before);
  });

  test.each([
    [["up", "--base", "--branch", "x", "--env", "qa"], /--base and --branch exclude each other/],
    [["up"], /--env NAME \(or COMPOSE2ECS_ENV\) is required/],
    [["down", "--env", "qa", "--timeout", "5m"], /Unknown option '--timeout'/],
    [["up", "--env", "qa", "--timeout", "soon"], /--timeout "soon": give a duration such as 90s, 15m or 1h/],
  ])("GIVEN %p THEN it is a usage error (exit 2)", async (argv, message) => {
    delete process.env.COMPOSE2ECS_ENV;
    const result = await runCli([...argv, "-C", project]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test("GIVEN TF_CLI_CONFIG_FILE and --provider-mirror WHEN up runs THEN it refuses to replace the user's config (exit 2) and writes nothing", async () => {
    environment("qa", "branches: true\nloadBalancer:\n  allowedCidrs: [10.0.0.0/8]\n");
    process.env.TF_CLI_CONFIG_FILE = join(root, "user.tfrc");
    writeFileSync(join(root, "user.tfrc"), 'credentials "app.terraform.io" {\n  token = "t"\n}\n');
    const result = await runCli(["up", "-C", project, "--env", "qa", "--branch", "main", "--provider-mirror", root, "--out", join(project, "cdktf.out")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--provider-mirror and TF_CLI_CONFIG_FILE=.*user\.tfrc are both set: compose2ecs does not replace your terraform CLI config/);
    expect(existsSync(join(project, "cdktf.out"))).toBe(false);
    expect(existsSync(join(project, ".compose2ecs"))).toBe(false);
  });
});

describe("down refuses to remove a base still in use", () => {
  test("GIVEN a branch whose state holds resources WHEN down --base runs THEN it names the branch and how to remove it, and the base state stays", async () => {
    environment("qa", "branches: true\nloadBalancer:\n  allowedCidrs: [10.0.0.0/8]\n");
    // The branch's slot and state as synth and terraform leave them (local backend).
    expect((await runCli(["synth", "-C", project, "--env", "qa", "--branch", "feature/login", "--out", join(project, "cdktf.out")])).code).toBe(0);
    const stateDir = join(project, ".compose2ecs", "state", "qa");
    const slug = readdirSync(join(stateDir, "branches"))[0]?.replace(/\.json$/, "") ?? "";
    const state = { version: 4, resources: [{ mode: "managed", type: "aws_ecr_repository", name: "r", instances: [{ attributes: {} }] }] };
    writeFileSync(join(stateDir, `${slug}.tfstate`), JSON.stringify(state));
    writeFileSync(join(stateDir, "base.tfstate"), JSON.stringify(state));
    process.env.TF_CLI_CONFIG_FILE = join(root, "unused.tfrc");
    const result = await runCli(["down", "-C", project, "--env", "qa", "--base", "--out", join(project, "cdktf.out")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `compose2ecs down: qa-base is still used by "feature/login" (qa-${slug}, slot 1): run \`compose2ecs down --env qa --branch NAME\` for each`,
    );
    expect(existsSync(join(stateDir, "base.tfstate"))).toBe(true);
  });

  test("GIVEN a branch that was never synthesized WHEN down runs for it THEN there is nothing to destroy (exit 0)", async () => {
    environment("qa", "branches: true\nloadBalancer:\n  allowedCidrs: [10.0.0.0/8]\n");
    process.env.TF_CLI_CONFIG_FILE = join(root, "unused.tfrc");
    const result = await runCli(["down", "-C", project, "--env", "qa", "--branch", "never", "--out", join(project, "cdktf.out")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/branch "never" has no stack in qa \(no state, no slot\): nothing to destroy/);
  });
});

describe("what a synthesized stack protects", () => {
  const stack = {
    resource: {
      aws_efs_file_system: { "volumes_db-data_efs_1A2B3C4D": { encrypted: true, lifecycle: { prevent_destroy: true } } },
      aws_secretsmanager_secret: { secrets_key_secret_5E6F7A8B: { name: "k", lifecycle: { prevent_destroy: true, ignore_changes: ["tags"] } } },
      aws_lb: { "load-balancer_alb_15AADC07": { enable_deletion_protection: true }, other_0A0A0A0A: { enable_deletion_protection: false } },
      aws_ecs_service: { services_web_service_9C8D7E6F: { name: "web" } },
    },
  };

  test("GIVEN prevent_destroy on an EFS file system and a secret THEN both are named, whatever their internal names", () => {
    const file = join(root, "cdk.tf.json");
    writeFileSync(file, JSON.stringify(stack));
    expect(protectedResources(file)).toEqual(["aws_efs_file_system.volumes_db-data_efs", "aws_secretsmanager_secret.secrets_key_secret"]);
  });

  test.each([
    [false, "protected", 1],
    [true, "released", 0],
  ])(
    "GIVEN production data WHEN down plans with allowDataLoss=%s THEN the plan is %s and the written stack guards %i resource(s)",
    async (allowDataLoss, mode, guarded) => {
      // down plans through the pipeline with its flag, as synth --allow-data-loss does: no second mechanism edits the JSON.
      const { projectDir } = exampleWithDataProjectDir();
      const planned = await planRequest({ projectDir, envName: "production", envVars: {}, allowDataLoss });
      expect(planned.plan?.app.dataProtection).toEqual({ mode, volumes: ["pgdata"] });
      const out = join(root, `out-${String(allowDataLoss)}`);
      if (planned.plan === undefined) throw new Error("not planned");
      await writeStacks(planned.plan, { outDir: out, projectDir, hcl: false });
      expect(protectedResources(join(out, "stacks", "production-app", "cdk.tf.json"))).toHaveLength(guarded);
    },
  );

  test("GIVEN a load balancer with deletion protection THEN it is named", () => {
    const file = join(root, "cdk.tf.json");
    writeFileSync(file, JSON.stringify(stack));
    expect(deletionProtectedLoadBalancers(file)).toEqual(["aws_lb.load-balancer_alb"]);
  });
});

describe("HCP Terraform credentials, where terraform looks", () => {
  test("GIVEN nothing THEN none; GIVEN the token variable, a credentials block, or a terraform login file THEN found", () => {
    const home = join(root, "home");
    mkdirSync(join(home, ".terraform.d"), { recursive: true });
    expect(tokenVariable("tfe.example-corp.com")).toBe("TF_TOKEN_tfe_example__corp_com");
    expect(hasCloudCredentials("app.terraform.io", { HOME: home })).toBe(false);
    expect(hasCloudCredentials("app.terraform.io", { HOME: home, TF_TOKEN_app_terraform_io: "t" })).toBe(true);
    const rc = join(root, "user.tfrc");
    writeFileSync(rc, 'credentials "app.terraform.io" {\n  token = "t"\n}\n');
    expect(hasCloudCredentials("app.terraform.io", { HOME: home, TF_CLI_CONFIG_FILE: rc })).toBe(true);
    expect(hasCloudCredentials("tfe.example.com", { HOME: home, TF_CLI_CONFIG_FILE: rc })).toBe(false);
    writeFileSync(join(home, ".terraform.d", "credentials.tfrc.json"), JSON.stringify({ credentials: { "app.terraform.io": { token: "t" } } }));
    expect(hasCloudCredentials("app.terraform.io", { HOME: home })).toBe(true);
  });
});

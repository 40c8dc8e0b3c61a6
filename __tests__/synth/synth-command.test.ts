import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkHclLayout } from "../../review/hcl";
import { exampleProjectDir, readTree, REPO, runCli } from "./project-dir";

const GOLDEN = join(__dirname, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

describe("compose2ecs synth on the bundled example", () => {
  test.each([
    ["production", ["--env", "production"]],
    ["qa-feature-login", ["--env", "qa", "--branch", "feature/login"]],
  ])("GIVEN the %s environment WHEN synthesized THEN the output equals the golden files", async (name, flags) => {
    const { root, projectDir } = exampleProjectDir();
    const out = join(root, "out");
    const result = await runCli(["synth", "-C", projectDir, "--out", out, ...flags]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const tree = readTree(out);
    const golden = join(GOLDEN, name);
    if (UPDATE) {
      for (const [file, text] of tree) {
        mkdirSync(join(golden, file, ".."), { recursive: true });
        writeFileSync(join(golden, file), text);
      }
    }
    expect(existsSync(golden)).toBe(true);
    const expected = readTree(golden);
    expect([...tree.keys()]).toEqual([...expected.keys()]);
    for (const [file, text] of tree) expect(`${file}\n${text}`).toBe(`${file}\n${expected.get(file)}`);
  });

  test("GIVEN the same input twice WHEN synthesized THEN the outputs are byte-identical", async () => {
    const { root, projectDir } = exampleProjectDir();
    await runCli(["synth", "-C", projectDir, "--env", "production", "--out", join(root, "a")]);
    await runCli(["synth", "-C", projectDir, "--env", "production", "--out", join(root, "b")]);
    expect(readTree(join(root, "b"))).toEqual(readTree(join(root, "a")));
  });

  test("GIVEN production WHEN synthesized THEN it prints the stacks written and writes cdktf's layout", async () => {
    const { root, projectDir } = exampleProjectDir();
    const out = join(root, "cdktf.out");
    const result = await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out]);
    expect(result.stdout).toContain(`${out}/stacks/production-base/cdk.tf.json`);
    expect(result.stdout).toContain(`${out}/stacks/production-app/cdk.tf.json`);
    expect(readdirSync(out).sort()).toEqual(["manifest.json", "stacks"]);
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(["production-app", "production-base"]);
  });

  test.each([
    ["--image-tag", (tag: string) => ({ args: ["--image-tag", tag], env: {} })],
    ["COMPOSE2ECS_IMAGE_TAG", (tag: string) => ({ args: [], env: { COMPOSE2ECS_IMAGE_TAG: tag } })],
  ])("GIVEN an image tag from %s WHEN synthesized THEN the service built from source runs its ECR image with that tag", async (_how, given) => {
    const { root, projectDir } = exampleProjectDir();
    const out = join(root, "tagged");
    const { args, env } = given("main-3f2a1c9");
    const saved = process.env.COMPOSE2ECS_IMAGE_TAG;
    Object.assign(process.env, env);
    try {
      expect((await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out, ...args])).code).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.COMPOSE2ECS_IMAGE_TAG;
      else process.env.COMPOSE2ECS_IMAGE_TAG = saved;
    }
    const app = JSON.parse(readFileSync(join(out, "stacks", "production-app", "cdk.tf.json"), "utf8")) as {
      resource: { aws_ecs_task_definition: Record<string, { container_definitions: string }> };
    };
    const images = Object.values(app.resource.aws_ecs_task_definition).flatMap((t) =>
      (JSON.parse(t.container_definitions) as { image: string }[]).map((c) => c.image),
    );
    expect(images.filter((i) => i.includes("aws_ecr_repository"))).toEqual([expect.stringMatching(/\}:main-3f2a1c9$/)]);
    expect(images).toEqual(expect.arrayContaining(["laszlocph/spring-boot-dummy:exposed", "redis:7.2-alpine"]));
  });

  test("GIVEN an image tag that Docker would refuse WHEN synthesized THEN it exits 1 naming the flag and writes nothing", async () => {
    const { root, projectDir } = exampleProjectDir();
    const out = join(root, "bad-tag");
    const result = await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out, "--image-tag", "has space"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--image-tag: not a Docker image tag/);
    expect(existsSync(out)).toBe(false);
  });

  test("GIVEN --hcl WHEN synthesized THEN every stack has cdk.tf (HCL) and no cdk.tf.json", async () => {
    const { root, projectDir } = exampleProjectDir();
    const out = join(root, "hcl");
    const result = await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out, "--hcl"]);
    expect(result.code).toBe(0);
    expect(checkHclLayout(out)).toEqual([]);
    expect(existsSync(join(out, "stacks", "production-app", "cdk.tf"))).toBe(true);
    expect(existsSync(join(out, "stacks", "production-app", "cdk.tf.json"))).toBe(false);
  });
});

describe("compose2ecs synth: bad input writes nothing", () => {
  test("GIVEN an invalid compose file WHEN synthesized THEN it exits 1 with file:line:col and leaves the old output untouched", async () => {
    const { root, projectDir } = exampleProjectDir();
    const out = join(root, "out");
    expect((await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out])).code).toBe(0);
    const before = readTree(out);
    const bad = join(projectDir, "bad.yml");
    writeFileSync(bad, 'services:\n  web:\n    image: nginx\n    ports:\n      - "not-a-port"\n');
    const result = await runCli(["synth", "-C", projectDir, "--env", "production", "-f", bad, "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.yml:\d+:\d+ services\.web\.ports/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(root).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  test("GIVEN a public ALB without allowed CIDRs WHEN synthesized THEN it exits 1 naming the setting and writes no folder", async () => {
    const { root, projectDir } = exampleProjectDir();
    writeFileSync(join(projectDir, "environments", "open.yml"), "region: eu-west-1\ncompose: [examples/seed/docker-compose.yml]\n");
    const out = join(root, "never");
    const result = await runCli(["synth", "-C", projectDir, "--env", "open", "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/loadBalancer\.allowedCidrs/);
    expect(existsSync(out)).toBe(false);
  });

  test("GIVEN an unknown flag THEN it exits 2 with a usage hint", async () => {
    const result = await runCli(["synth", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/synth --help/);
  });

  test("GIVEN --help THEN the options are documented", async () => {
    const result = await runCli(["synth", "--help"]);
    for (const flag of ["-f, --file", "-C, --project-dir", "--profile", "--env", "--branch", "--out", "--hcl"]) expect(result.stdout).toContain(flag);
  });
});

test("the repo root is the example's project dir", () => {
  expect(existsSync(join(REPO, "environments", "production.yml"))).toBe(true);
});

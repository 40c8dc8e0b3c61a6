import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffSynthOutputs, DiffReport } from "../../review/diff";
import { readSynthOutput, SynthOutput } from "../../review/synth-output";
import { forcesReplacement } from "../../review/replacement-rules";
import { runCli } from "./cli-harness";
import { FixtureService, FixtureSpec, SEED_LIKE, synthFixture } from "./fixture-app";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "c2e-diff-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function synth(spec: Partial<FixtureSpec> & { services: readonly FixtureService[] }): string {
  const dir = join(root, `out-${counter++}`);
  synthFixture(dir, { env: "qa", role: "app", ...spec });
  return dir;
}

function read(dir: string): SynthOutput {
  const result = readSynthOutput(dir);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.output;
}

function diffDirs(oldDir: string, newDir: string): DiffReport {
  return diffSynthOutputs(read(oldDir), read(newDir));
}

function withService(name: string, change: Partial<FixtureService>): FixtureService[] {
  return SEED_LIKE.map((s) => (s.name === name ? { ...s, ...change } : s));
}

describe("reading synth output", () => {
  test("GIVEN cdktf output WHEN read THEN resources carry environment, stack role and compose service", () => {
    const output = read(synth({ services: SEED_LIKE }));
    expect(output.stacks.map((s) => [s.name, s.environment, s.stackRole])).toEqual([["qa-app", "qa", "app"]]);
    const services = new Set(output.stacks[0]?.resources.map((r) => r.service));
    expect(services).toEqual(new Set(["boot", "redis", "web", undefined]));
    // Shared resources (no tag, not under a service scope) belong to no service.
    expect(output.stacks[0]?.resources.find((r) => r.type === "aws_vpc")?.service).toBeUndefined();
    // The inline IAM policy has no tags: its service comes from the construct path.
    const policy = output.stacks[0]?.resources.find((r) => r.type === "aws_iam_role_policy" && r.constructPath?.includes("/web/"));
    expect(policy?.service).toBe("web");
  });

  test("GIVEN a folder without manifest.json WHEN read THEN the error names the file", () => {
    const result = readSynthOutput(join(root, "nowhere"));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(/nowhere\/manifest\.json: not found/);
  });

  test("GIVEN HCL synth output WHEN read THEN it is refused with a hint to synth JSON", () => {
    const result = readSynthOutput(synth({ services: SEED_LIKE, hcl: true }));
    expect(!result.ok && result.errors.join("\n")).toMatch(/cdk\.tf: HCL output cannot be compared/);
  });
});

describe("diff of two synth outputs", () => {
  test("GIVEN the same input twice WHEN diffed THEN there are no changes", () => {
    const report = diffDirs(synth({ services: SEED_LIKE }), synth({ services: SEED_LIKE }));
    expect(report.resources).toEqual([]);
    expect(report.stacks).toEqual([]);
  });

  test("GIVEN one service's image changed WHEN diffed THEN only its task definition changes, as a new revision, field by field", () => {
    const report = diffDirs(synth({ services: SEED_LIKE }), synth({ services: withService("boot", { image: "laszlocph/spring-boot-dummy:v2" }) }));
    expect(report.resources).toHaveLength(1);
    const change = report.resources[0];
    expect(change).toMatchObject({
      kind: "changed",
      type: "aws_ecs_task_definition",
      service: "boot",
      replaced: true,
      replacementReasons: ["container_definitions"],
    });
    expect(change?.containers).toEqual([
      {
        container: "boot",
        kind: "changed",
        fields: [{ path: "image", before: "laszlocph/spring-boot-dummy:exposed", after: "laszlocph/spring-boot-dummy:v2", forcesReplacement: true }],
      },
    ]);
  });

  test("GIVEN an environment variable changed WHEN diffed THEN the field is named by variable, not by list position", () => {
    const report = diffDirs(
      synth({ services: SEED_LIKE }),
      synth({ services: withService("web", { environment: { REDIS_HOST: "cache", BOOT_URL: "http://boot:8080", AAA: "new" } }) }),
    );
    const fields = report.resources[0]?.containers[0]?.fields.map((f) => [f.path, f.before, f.after]);
    expect(fields).toEqual([
      ["environment[AAA]", undefined, { name: "AAA", value: "new" }],
      ["environment[REDIS_HOST].value", "redis", "cache"],
    ]);
  });

  test.each([["port", "aws_lb_target_group", "port", { port: 5001 }]])(
    "GIVEN the container %s changed WHEN diffed THEN %s is replaced because of %s",
    (_what, type, reason, change) => {
      const report = diffDirs(synth({ services: SEED_LIKE }), synth({ services: withService("web", change) }));
      const tg = report.resources.find((r) => r.type === type);
      expect(tg).toMatchObject({ replaced: true, service: "web" });
      expect(tg?.replacementReasons).toContain(reason);
      expect(new Set(report.resources.map((r) => r.service))).toEqual(new Set(["web"]));
    },
  );

  test("GIVEN replicas changed WHEN diffed THEN the ECS service is updated in place", () => {
    const report = diffDirs(synth({ services: SEED_LIKE }), synth({ services: withService("redis", { replicas: 3 }) }));
    expect(report.resources).toEqual([
      expect.objectContaining({
        kind: "changed",
        type: "aws_ecs_service",
        service: "redis",
        replaced: false,
        attributes: [{ path: "desired_count", before: 1, after: 3, forcesReplacement: false }],
      }),
    ]);
  });

  test("GIVEN a service added WHEN diffed THEN its resources are added under it and nothing else changes", () => {
    const report = diffDirs(synth({ services: SEED_LIKE }), synth({ services: [...SEED_LIKE, { name: "worker", image: "worker:1", port: 9000 }] }));
    expect(new Set(report.resources.map((r) => `${r.kind}:${r.service}`))).toEqual(new Set(["added:worker"]));
    expect(report.resources.length).toBeGreaterThanOrEqual(6);
  });

  test("GIVEN a construct id renamed WHEN diffed THEN the resource is reported as moved (replaced), not as an unrelated add and destroy", () => {
    const report = diffDirs(synth({ services: SEED_LIKE }), synth({ services: SEED_LIKE, targetGroupId: "tg" }));
    const moved = report.resources.filter((r) => r.kind === "moved");
    expect(moved.map((r) => r.service).sort()).toEqual(["boot", "redis", "web"]);
    expect(moved.every((r) => r.replaced && r.previousAddress?.startsWith("aws_lb_target_group."))).toBe(true);
    // References to the target group changed too: the ECS services are updated with the new ARN expression.
    expect(report.resources.filter((r) => r.kind === "changed").map((r) => r.type)).toEqual(["aws_ecs_service", "aws_ecs_service", "aws_ecs_service"]);
  });

  test("GIVEN a new branch stack WHEN diffed THEN the stack is reported as added", () => {
    const base = synth({ services: SEED_LIKE });
    const withBranch = join(root, `out-${counter++}`);
    synthFixture(withBranch, { env: "qa", role: "app", services: SEED_LIKE });
    synthFixture(join(root, `branch-${counter}`), { env: "qa", role: "feature-x", services: SEED_LIKE });
    const report = diffSynthOutputs(read(base), { ...read(withBranch), stacks: [...read(withBranch).stacks, ...read(join(root, `branch-${counter}`)).stacks] });
    expect(report.stacks).toEqual([{ stack: "qa-feature-x", environment: "qa", kind: "added", resourceCount: expect.any(Number) }]);
    expect(new Set(report.resources.map((r) => `${r.stack}:${r.kind}`))).toEqual(new Set(["qa-feature-x:added"]));
  });
});

describe("replacement rules", () => {
  test.each([
    ["aws_lb_target_group", "port", true],
    ["aws_lb_target_group", "health_check[0].path", false],
    ["aws_lb_target_group", "tags.compose2ecs:service", false],
    ["aws_ecs_task_definition", "cpu", true],
    ["aws_ecs_task_definition", "tags.owner", false],
    ["aws_ecs_service", "desired_count", false],
    ["aws_ecs_service", "name", true],
    ["aws_lb_listener_rule", "priority", false],
    ["aws_lb_listener_rule", "listener_arn", true],
    ["aws_service_discovery_service", "dns_config[0].namespace_id", true],
    ["aws_service_discovery_service", "dns_config[0].dns_records[0].ttl", false],
    ["aws_security_group", "description", true],
    ["aws_security_group", "ingress[0].description", false],
    ["aws_unknown_thing", "name", false],
  ])("%s %s forces replacement: %s", (type, path, expected) => {
    expect(forcesReplacement(type, path)).toBe(expected);
  });
});

describe("compose2ecs diff (CLI)", () => {
  test("GIVEN identical outputs WHEN run THEN exit 0 and the report says no changes", async () => {
    const result = await runCli(["diff", synth({ services: SEED_LIKE }), synth({ services: SEED_LIKE })]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/No changes/);
  });

  test("GIVEN an image change WHEN run THEN exit 1, Markdown shows the replacement table and the field", async () => {
    const result = await runCli(["diff", synth({ services: SEED_LIKE }), synth({ services: withService("web", { image: "registry.example/web:2" }) })]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/### Replacements \(1\)/);
    expect(result.stdout).toMatch(/\| qa \| qa-app \| web \| `aws_ecs_task_definition\.web_task_[0-9A-F]+` \| `container_definitions` \|/);
    expect(result.stdout).toMatch(/#### service `web`/);
    expect(result.stdout).toMatch(/`image`: `registry\.example\/web:1` → `registry\.example\/web:2`/);
  });

  test("GIVEN --format json WHEN run THEN the output parses and carries the summary", async () => {
    const result = await runCli(["diff", "--format", "json", synth({ services: SEED_LIKE }), synth({ services: withService("redis", { replicas: 2 }) })]);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { summary: { changed: number; replaced: number } };
    expect(parsed.summary).toEqual({ replaced: 0, changed: 1, added: 0, removed: 0 });
  });

  test.each([
    [["diff", "only-one"], /expected OLD_DIR and NEW_DIR/],
    [["diff", "a", "b", "--format", "yaml"], /--format must be md or json/],
    [["diff", "a", "b", "--bogus"], /Unknown option/],
  ])("GIVEN wrong usage %j WHEN run THEN exit 2", async (argv, message) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  // Issue 11: a manifest is input anyone can edit; diff read /etc/passwd through one.
  test.each([
    [
      "../../../../etc/passwd",
      (_dir: string) => "../../../../etc/passwd",
      /synthesizedStackPath "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" leaves the output folder; refused/,
    ],
    [
      "an absolute path",
      (_dir: string) => "/etc/passwd",
      /synthesizedStackPath "\/etc\/passwd" is an absolute path, not one inside the output folder; refused/,
    ],
    [
      "a symbolic link out of the folder",
      (dir: string) => {
        mkdirSync(join(dir, "stacks", "evil"), { recursive: true });
        symlinkSync("/etc/passwd", join(dir, "stacks", "evil", "cdk.tf.json"));
        return "stacks/evil/cdk.tf.json";
      },
      /synthesizedStackPath "stacks\/evil\/cdk\.tf\.json" leads out of the output folder through a symbolic link; refused/,
    ],
  ])("GIVEN a manifest whose stack path is %s WHEN run THEN exit 2 naming it, and the file is not read", async (_name, stackPath, message) => {
    const dir = synth({ services: SEED_LIKE });
    const manifestFile = join(dir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
    manifest.stacks["evil"] = { ...(manifest.stacks["qa-app"] as { synthesizedStackPath: string }), synthesizedStackPath: stackPath(dir) };
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const result = await runCli(["diff", synth({ services: SEED_LIKE }), dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/root:/);
  });

  test("GIVEN a missing folder WHEN run THEN exit 2 (an error is not 'changes')", async () => {
    const result = await runCli(["diff", join(root, "missing"), synth({ services: SEED_LIKE })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing\/manifest\.json: not found/);
  });
});

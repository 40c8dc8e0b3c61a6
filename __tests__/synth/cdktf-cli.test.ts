import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleProjectDir, readTree, REPO, runCli } from "./project-dir";

/**
 * `npx cdktf synth` runs main.ts through cdktf.json (environment from its context, here
 * production) and must write exactly what `compose2ecs synth --env production` writes, also
 * into a folder that already holds another environment's stacks: both keep them and list every
 * stack in one manifest.json.
 */
describe("npx cdktf synth through cdktf.json", () => {
  test("GIVEN a qa branch, then production WHEN synthesized into one folder by the cdktf CLI and by compose2ecs THEN the outputs are byte-identical and list all four stacks", async () => {
    const root = mkdtempSync(join(tmpdir(), "compose2ecs-cdktf-"));
    // A copy of the example: the qa branch gets a slot in the project's local state registry.
    const { projectDir } = exampleProjectDir();
    const viaCdktf = join(root, "cdktf");
    const viaCli = join(root, "cli");
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CI: "true", COMPOSE2ECS_PROJECT_DIR: projectDir };
    delete env.COMPOSE2ECS_ENV;
    delete env.BRANCH;
    const cdktf = (extra: NodeJS.ProcessEnv) =>
      spawnSync(join(REPO, "node_modules", ".bin", "cdktf"), ["synth", "--output", viaCdktf], {
        cwd: REPO,
        env: { ...env, ...extra },
        encoding: "utf8",
        timeout: 120_000,
      });

    const qa = cdktf({ COMPOSE2ECS_ENV: "qa", BRANCH: "feature/login" });
    expect({ status: qa.status, stderr: qa.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    const production = cdktf({});
    expect({ status: production.status, stderr: production.stderr }).toEqual({ status: 0, stderr: expect.any(String) });

    expect((await runCli(["synth", "-C", projectDir, "--env", "qa", "--branch", "feature/login", "--out", viaCli])).code).toBe(0);
    expect((await runCli(["synth", "-C", projectDir, "--env", "production", "--out", viaCli])).code).toBe(0);

    const a = readTree(viaCdktf);
    expect([...a.keys()].sort()).toEqual([
      "manifest.json",
      "stacks/production-app/cdk.tf.json",
      "stacks/production-base/cdk.tf.json",
      "stacks/qa-base/cdk.tf.json",
      expect.stringMatching(/^stacks\/qa-login-[a-z0-9]+\/cdk\.tf\.json$/),
    ]);
    expect(Object.keys((JSON.parse(a.get("manifest.json") ?? "{}") as { stacks: object }).stacks)).toHaveLength(4);
    expect(readTree(viaCli)).toEqual(a);
  });
});

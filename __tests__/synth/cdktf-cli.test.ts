import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTree, REPO, runCli } from "./project-dir";

/**
 * `npx cdktf synth` runs main.ts through cdktf.json (environment from its context, here
 * production) and must write exactly what `compose2ecs synth --env production` writes.
 */
describe("npx cdktf synth through cdktf.json", () => {
  test("GIVEN the bundled example WHEN synthesized by the cdktf CLI and by compose2ecs THEN the outputs are byte-identical", async () => {
    const root = mkdtempSync(join(tmpdir(), "compose2ecs-cdktf-"));
    const viaCdktf = join(root, "cdktf");
    const viaCli = join(root, "cli");
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CI: "true" };
    delete env.COMPOSE2ECS_ENV;
    const cdktf = spawnSync(join(REPO, "node_modules", ".bin", "cdktf"), ["synth", "--output", viaCdktf], { cwd: REPO, env, encoding: "utf8", timeout: 120_000 });
    expect({ status: cdktf.status, stderr: cdktf.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect((await runCli(["synth", "-C", REPO, "--env", "production", "--out", viaCli])).code).toBe(0);
    const a = readTree(viaCdktf);
    expect([...a.keys()].sort()).toEqual(expect.arrayContaining(["manifest.json", "stacks/production-app/cdk.tf.json", "stacks/production-base/cdk.tf.json"]));
    expect(readTree(viaCli)).toEqual(a);
  });
});

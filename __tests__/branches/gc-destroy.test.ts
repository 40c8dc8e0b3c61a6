import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { destroyStackFolder } from "../../state/branch-destroy";
import { LocalSlotStore } from "../../state/local-store";
import { recordDeployment } from "../../state/priority-slots";
import { testTerraformEnv } from "../../testing/test-provider-mirror";
import { terraform } from "../../terraform/run";
import { pluginCacheEnv } from "../../testing/plugin-cache";
import { allocate, run } from "./branches-cli";

/** `branches gc --destroy` running real terraform in a branch's stack folder (the terraform tier). */

describe("destroying a branch stack with real terraform", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "c2e-destroy-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** A branch of a new project with a tiny stack applied into its local state, in the shape synth writes. */
  async function appliedBranch(name: string, environmentFile: string) {
    const project = join(work, name);
    mkdirSync(join(project, "environments"), { recursive: true });
    writeFileSync(join(project, "environments", "qa.yml"), environmentFile);
    const branch = await allocate(project, "feature/old");
    // cdk.tf.json with a local backend relative to the stack folder.
    const stackDir = join(work, name, "out", "stacks", `qa-${branch.slug}`);
    mkdirSync(stackDir, { recursive: true });
    const statePath = join(project, ".compose2ecs", "state", "qa", `${branch.slug}.tfstate`);
    writeFileSync(
      join(stackDir, "cdk.tf.json"),
      JSON.stringify({
        terraform: { backend: { local: { path: relative(stackDir, statePath) } } },
        resource: { terraform_data: { a: { input: "one" }, b: { input: "two" } } },
      }),
    );
    const tfEnv = { ...testTerraformEnv(join(work, "terraform.rc"), process.env), ...pluginCacheEnv() };
    expect((await terraform(["init", "-input=false"], { cwd: stackDir, env: tfEnv })).code).toBe(0);
    expect((await terraform(["apply", "-auto-approve", "-input=false"], { cwd: stackDir, env: tfEnv })).code).toBe(0);
    expect(existsSync(statePath)).toBe(true);
    return { project, branch, stackDir, statePath, tfEnv };
  }

  test("GIVEN a stack applied into the local state folder WHEN gc --destroy runs terraform in its stack folder THEN its resources are destroyed and the state removed", async () => {
    const { project, branch, stackDir, statePath, tfEnv } = await appliedBranch("project", "branches: true\n");

    const live = join(work, "live.txt");
    writeFileSync(live, "main\n");
    const { code, out } = await run(["gc", "--env", "qa", "-C", project, "--live", live, "--destroy"], () => destroyStackFolder(stackDir, tfEnv));
    expect(code).toBe(0);
    expect(out).toContain(`destroyed     feature/old [${branch.slug}, slot 1]: 2 resource(s) destroyed`);
    expect(existsSync(statePath)).toBe(false);
    expect(existsSync(join(project, ".compose2ecs", "state", "qa", "slots", "1"))).toBe(false);
  });

  test("GIVEN an applied branch last brought up 4 days ago and branchTtl 72h WHEN gc --expired --destroy runs (no live list) THEN terraform destroys it, its state goes and its slot is freed", async () => {
    const { project, branch, stackDir, statePath, tfEnv } = await appliedBranch("expired-project", "branches: true\nbranchTtl: 72h\n");
    const store = new LocalSlotStore(join(project, ".compose2ecs", "state", "qa"));
    expect(await recordDeployment(store, branch, new Date(Date.now() - 96 * 3_600_000))).toBeUndefined();
    const { code, out } = await run(["gc", "--env", "qa", "-C", project, "--expired", "--destroy"], () => destroyStackFolder(stackDir, tfEnv));
    expect(code).toBe(0);
    expect(out).toMatch(
      new RegExp(`^destroyed     feature/old \\[${branch.slug}, slot 1\\]: 2 resource\\(s\\) destroyed \\(expired: 4d since up, branchTtl 3d\\)\\n$`),
    );
    expect(existsSync(statePath)).toBe(false);
    expect(existsSync(join(project, ".compose2ecs", "state", "qa", "slots", "1"))).toBe(false);
  });
});

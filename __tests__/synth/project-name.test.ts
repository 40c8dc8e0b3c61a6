import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planRequest } from "../../pipeline/plan-request";
import { runCli } from "../helpers/run-cli";

/**
 * The project name every AWS name and state key is made from: pinned by the environment's
 * `project:`, warned about when it silently comes from the folder, and compose files named by
 * the environment reported at its `compose:` key when missing.
 */

const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n';
const ENVIRONMENT = "loadBalancer:\n  allowedCidrs: [192.0.2.0/24]\n";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "c2e-project-name-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A project folder named `folder` with compose.yaml and environments/production.yml. */
function project(folder: string, environment: string, compose = COMPOSE): string {
  const dir = join(root, folder);
  mkdirSync(join(dir, "environments"), { recursive: true });
  writeFileSync(join(dir, "compose.yaml"), compose);
  writeFileSync(join(dir, "environments", "production.yml"), environment);
  return dir;
}

describe("the project name", () => {
  test("GIVEN the same project in two folders of different names WHEN both pin project: shop THEN their plans name everything alike, without a warning", async () => {
    const plans = [];
    for (const folder of ["shop-checkout", "clone-2"]) {
      const planned = await planRequest({ projectDir: project(folder, `project: shop\n${ENVIRONMENT}`), envName: "production", envVars: {} });
      expect(planned.diagnostics).toEqual([]);
      plans.push(planned.plan);
    }
    expect(plans[0]?.project).toBe("shop");
    expect(plans[0]?.app.services.map((s) => s.names)).toEqual(plans[1]?.app.services.map((s) => s.names));
    expect(plans[0]?.base.loadBalancer.name).toBe(plans[1]?.base.loadBalancer.name);
  });

  test("GIVEN project: in the environment and name: in the compose file WHEN planned THEN the environment's project wins", async () => {
    const planned = await planRequest({
      projectDir: project("x", `project: pinned\n${ENVIRONMENT}`, `name: other\n${COMPOSE}`),
      envName: "production",
      envVars: {},
    });
    expect(planned.plan?.project).toBe("pinned");
  });

  test("GIVEN neither name: nor project: WHEN planned THEN a warning at the environment file names the folder-derived name and what a rename does", async () => {
    const planned = await planRequest({ projectDir: project("my-folder", ENVIRONMENT), envName: "production", envVars: {} });
    expect(planned.plan?.project).toBe("my-folder");
    expect(planned.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "project",
        location: expect.objectContaining({ file: expect.stringMatching(/environments\/production\.yml$/), line: 1 }),
        message: expect.stringMatching(
          /project name "my-folder" comes from the folder's name.*replaces every resource and EFS data is lost; pin it with project: my-folder/,
        ),
      }),
    ]);
  });

  test("GIVEN name: in the compose file WHEN planned THEN there is no warning", async () => {
    const planned = await planRequest({ projectDir: project("y", ENVIRONMENT, `name: shop\n${COMPOSE}`), envName: "production", envVars: {} });
    expect(planned.diagnostics).toEqual([]);
  });

  test("GIVEN project: with upper-case letters WHEN loaded THEN it is a schema error at the key", async () => {
    const planned = await planRequest({ projectDir: project("z", `project: Shop\n${ENVIRONMENT}`), envName: "production", envVars: {} });
    expect(planned.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", path: "project", message: expect.stringMatching(/compose project name/) }),
    ]);
  });
});

describe("compose files named by the environment", () => {
  test("GIVEN environments copied beside a compose file WHEN synth finds compose: pointing elsewhere THEN the error is at compose: and says the path is relative to the project directory", async () => {
    const dir = project("copied", `compose:\n  - examples/seed/docker-compose.yml\n${ENVIRONMENT}`);
    const result = await runCli(["synth", "-C", dir, "--env", "production", "--out", join(root, "out")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /environments\/production\.yml:1:1 compose: compose file examples\/seed\/docker-compose\.yml not found in the project directory .*it comes from compose: in .*environments\/production\.yml, whose paths are relative to the project directory/,
    );
  });

  test("GIVEN a missing file given with -f WHEN synth runs THEN the loader reports it (the environment's compose: is not to blame)", async () => {
    const dir = project("flagged", `compose:\n  - nowhere.yml\n${ENVIRONMENT}`);
    const result = await runCli(["synth", "-C", dir, "--env", "production", "-f", "also-missing.yml", "--out", join(root, "out")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/also-missing\.yml/);
    expect(result.stderr).not.toMatch(/compose: in/);
  });
});

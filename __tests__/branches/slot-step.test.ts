import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { branchSlug } from "../../naming/branch-slug";
import { claimBranchSlot } from "../../pipeline/claim-slot";
import { planRequest } from "../../pipeline/plan-request";
import { LocalSlotStore } from "../../state/local-store";
import { allocateSlot, listSlots } from "../../state/priority-slots";
import { runCli } from "../helpers/run-cli";

/**
 * Slot allocation is its own step: planning (synth's first half, diagram, check) only reads the
 * registry; synth allocates after its plan succeeded, then plans again with the real slot.
 */

const COMPOSE = `name: shop
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
  api:
    image: nginx:1.27
    ports: ["8081:80"]
`;

describe("the slot step against a local registry", () => {
  let project: string;
  let registryDir: string;
  const store = () => new LocalSlotStore(registryDir);

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), "c2e-slot-step-"));
    mkdirSync(join(project, "environments"));
    writeFileSync(join(project, "environments", "qa.yml"), "branches: true\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n");
    writeFileSync(join(project, "compose.yaml"), COMPOSE);
    registryDir = join(project, ".compose2ecs", "state", "qa");
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  test("GIVEN a new branch WHEN planned THEN it is planned with the provisional slot 1 and the registry folder is never created", async () => {
    const planned = await planRequest({ projectDir: project, envName: "qa", branch: "feature/new", envVars: {} });
    expect(planned.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(planned.loaded?.branch).toMatchObject({ branch: "feature/new", slot: 1, slotStatus: "provisional", source: "--branch" });
    expect(planned.plan?.app.listener).toEqual({ kind: "own", port: 10001 });
    expect(existsSync(join(project, ".compose2ecs"))).toBe(false);
  });

  test("GIVEN a branch that holds slot 2 WHEN planned THEN its own slot is used and nothing changes in the registry", async () => {
    for (const b of ["a", "held"]) await allocateSlot(store(), { envName: "qa", branch: b, slug: branchSlug(b), limit: 48 }, new Date());
    const before = readdirSync(registryDir, { recursive: true }).sort();
    const planned = await planRequest({ projectDir: project, envName: "qa", envVars: { BRANCH: "held" } });
    expect(planned.loaded?.branch).toMatchObject({ slot: 2, slotStatus: "held", source: "BRANCH" });
    expect(planned.plan?.app.listener).toEqual({ kind: "own", port: 10002 });
    expect(readdirSync(registryDir, { recursive: true }).sort()).toEqual(before);
  });

  test("GIVEN a new branch WHEN drawn with diagram and checked THEN neither writes the registry", async () => {
    const diagram = await runCli(["diagram", "-C", project, "--env", "qa", "--branch", "feature/draw"]);
    expect(diagram.code).toBe(0);
    expect(diagram.stdout).toContain("10001");
    expect(diagram.stderr).toMatch(/--branch: info: branch "feature\/draw" holds no slot yet: drawn with slot 1/);
    expect((await runCli(["check", "-C", project])).code).toBe(0);
    expect(existsSync(join(project, ".compose2ecs"))).toBe(false);
  });

  test("GIVEN a new branch WHEN synthesized THEN the slot is allocated and a second synth keeps it", async () => {
    const out = join(project, "out");
    expect((await runCli(["synth", "-C", project, "--env", "qa", "--branch", "feature/new", "--out", out])).code).toBe(0);
    expect(await listSlots(store())).toEqual([expect.objectContaining({ branch: "feature/new", slot: 1 })]);
    expect((await runCli(["synth", "-C", project, "--env", "qa", "--branch", "feature/new", "--out", out])).code).toBe(0);
    expect((await listSlots(store())).map((r) => r.slot)).toEqual([1]);
  });

  test.each([
    [
      "a compose error",
      (dir: string) => writeFileSync(join(dir, "compose.yaml"), 'services:\n  web:\n    image: nginx\n    ports: ["not-a-port"]\n'),
      /compose\.yaml:\d+:\d+ services\.web\.ports/,
    ],
    [
      "a planner error",
      (dir: string) =>
        writeFileSync(
          join(dir, "compose.yaml"),
          `${COMPOSE}    x-ecs:\n      path: /web\n`.replace(
            "  api:\n",
            '  web2:\n    image: nginx:1.27\n    ports: ["8082:80"]\n    x-ecs:\n      path: /web\n  api:\n',
          ),
        ),
      /route the same host\/path/,
    ],
  ])("GIVEN %s WHEN a QA branch is synthesized THEN it fails and records no slot", async (_what, breakIt, message) => {
    breakIt(project);
    const result = await runCli(["synth", "-C", project, "--env", "qa", "--branch", "feature/broken", "--out", join(project, "out")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(project, ".compose2ecs"))).toBe(false);
    expect(existsSync(join(project, "out"))).toBe(false);
  });

  test("GIVEN the provisional slot taken by another branch between plan and claim WHEN claimed THEN the branch gets the next slot and is planned again with it", async () => {
    const planned = await planRequest({ projectDir: project, envName: "qa", branch: "slow", envVars: {} });
    expect(planned.plan?.app.listener).toEqual({ kind: "own", port: 10001 });
    await allocateSlot(store(), { envName: "qa", branch: "fast", slug: branchSlug("fast"), limit: 48 }, new Date());
    const claimed = await claimBranchSlot(planned);
    expect(claimed.loaded?.branch).toMatchObject({ branch: "slow", slot: 2, slotStatus: "held" });
    expect(claimed.plan?.app.listener).toEqual({ kind: "own", port: 10002 });
    expect(claimed.plan?.app.services.flatMap((s) => s.routes.map((r) => r.priority)).every((p) => p >= 101 && p <= 150)).toBe(true);
  });

  test("GIVEN an ALB whose listeners are all taken WHEN a new branch is planned THEN planning already fails at loadBalancer.pool, naming the pool size that fits", async () => {
    // No certificate: the base has only 80, so 49 of the 50 listeners are the branches'. Records without usage count as this branch's (1 listener).
    for (let i = 0; i < 49; i += 1) await allocateSlot(store(), { envName: "qa", branch: `b${i}`, slug: branchSlug(`b${i}`), limit: 999 }, new Date());
    const planned = await planRequest({ projectDir: project, envName: "qa", branch: "one-more", envVars: {} });
    expect(planned.plan).toBeUndefined();
    expect(planned.diagnostics.filter((d) => d.severity === "error")).toEqual([
      expect.objectContaining({
        severity: "error",
        path: "loadBalancer.pool",
        location: expect.objectContaining({ file: join(project, "environments", "qa.yml"), line: 2 }),
        message: expect.stringMatching(
          /no load balancer of environment qa's pool of 1 has room for branch "one-more" \(2 target group\(s\), 2 listener rule\(s\) and 1 listener\(s\)\).*raise loadBalancer.pool to 2/,
        ),
      }),
    ]);
  });

  test("GIVEN --branch for an environment without branches WHEN planned THEN the error names the flag", async () => {
    writeFileSync(join(project, "environments", "production.yml"), "loadBalancer:\n  allowedCidrs: [0.0.0.0/0]\n");
    const result = await runCli(["synth", "-C", project, "--env", "production", "--branch", "x", "--out", join(project, "out")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^--branch: environment "production" has no branch stacks/m);
  });
});

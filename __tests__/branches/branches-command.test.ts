import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { runBranches } from "../../cli/commands/branches";
import { UsageError } from "../../cli/command";
import { branchSlug } from "../../naming/branch-slug";
import { defaultEnvironment } from "../../config/defaults";
import { EnvironmentConfig } from "../../config/environment-model";
import { loadEnvironment } from "../../config/load-environment";
import { branchBookkeeping, collectGarbage, gcIncomplete, listBranchEnvironments } from "../../state/branches";
import { LocalSlotStore } from "../../state/local-store";
import { parseRecord, updateRecord } from "../../state/priority-slots";
import { slotRegistryFor } from "../../state/slot-registry";
import { allocate, run } from "./branches-cli";

function loadQa(project: string): EnvironmentConfig {
  const { env, diagnostics } = loadEnvironment("qa", project);
  if (env === undefined) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return env;
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      if (name.isDirectory()) walk(join(d, name.name));
      else out.push(relative(dir, join(d, name.name)));
    }
  };
  walk(dir);
  return out.sort();
}

describe("compose2ecs branches against a local state folder", () => {
  let project: string;
  let stateDir: string;
  const deployed = ["feature/login", "fix--x"];
  const synthOnly = "UPPER";

  beforeEach(async () => {
    project = mkdtempSync(join(tmpdir(), "c2e-branches-"));
    mkdirSync(join(project, "environments"));
    writeFileSync(join(project, "environments", "qa.yml"), "branches: true\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n");
    writeFileSync(join(project, "environments", "production.yml"), "loadBalancer:\n  allowedCidrs: [0.0.0.0/0]\n");
    for (const branch of [...deployed, synthOnly]) await allocate(project, branch);
    stateDir = join(project, ".compose2ecs", "state", "qa");
    for (const name of ["base", ...deployed.map(branchSlug)]) writeFileSync(join(stateDir, `${name}.tfstate`), "{}");
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  test("GIVEN two deployed branches and one only synthesized WHEN listed as JSON THEN all three show with slot, port and state, and base does not", async () => {
    const { code, out } = await run(["list", "--env", "qa", "-C", project, "--json"]);
    expect(code).toBe(0);
    const listed = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(listed.map((b) => [b.branch, b.slot, b.address, b.state !== null])).toEqual(
      [
        ["feature/login", 1, "port 10001", true],
        ["fix--x", 2, "port 10002", true],
        ["UPPER", 3, "port 10003", false],
      ].sort((a, b) => (branchSlug(String(a[0])) < branchSlug(String(b[0])) ? -1 : 1)),
    );
    expect(listed.every((b) => typeof b.lastModified === "string")).toBe(true);
  });

  test("GIVEN branch environments WHEN listed as text THEN there is one row per branch under a header", async () => {
    const { out } = await run(["list", "--env", "qa", "-C", project]);
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/^BRANCH\s+SLUG\s+SLOT\s+ALB\s+ADDRESS\s+LAST MODIFIED\s+AGE\s+EXPIRES\s+STATE$/);
    expect(lines).toHaveLength(4);
    expect(out).toContain(`${branchSlug("fix--x")}`);
  });

  test("GIVEN a record placed on ALB 2 and records from before pools WHEN listed THEN each row shows its ALB, 1 for the old records", async () => {
    const store = new LocalSlotStore(join(project, ".compose2ecs", "state", "qa"));
    const record = parseRecord(await store.read(`branches/${branchSlug("fix--x")}.json`));
    if (record === undefined) throw new Error("no record for fix--x");
    await updateRecord(store, { ...record, alb: 2, usage: { targetGroups: 2, rules: 2, listeners: 1 } });
    const { out } = await run(["list", "--env", "qa", "-C", project, "--json"]);
    const listed = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(Object.fromEntries(listed.map((b) => [b.branch, b.alb]))).toEqual({ "feature/login": 1, "fix--x": 2, UPPER: 1 });
    const text = (await run(["list", "--env", "qa", "-C", project])).out;
    expect(text.split("\n").find((l) => l.startsWith("fix--x"))).toMatch(/^fix--x\s+\S+\s+2\s+2\s+port 10002/);
  });

  test("GIVEN a live list without fix--x and UPPER WHEN gc runs without --destroy THEN it names them and changes nothing", async () => {
    const live = join(project, "live.txt");
    writeFileSync(live, "# from git branch -r\nfeature/login\nmain\n\n");
    const before = files(project);
    const destroy = jest.fn();
    const { code, out } = await run(["gc", "--env", "qa", "-C", project, "--live", live], destroy);
    expect(code).toBe(0);
    expect(destroy).not.toHaveBeenCalled();
    expect(out).toContain(`would destroy fix--x [${branchSlug("fix--x")}, slot 2]`);
    expect(out).toContain(`would release UPPER [${branchSlug("UPPER")}, slot 3]`);
    expect(out).not.toContain("feature/login");
    expect(out).toMatch(/2 stale branch environment\(s\) in qa; nothing changed/);
    expect(files(project)).toEqual(before);
  });

  test("GIVEN --destroy WHEN gc runs THEN stale branches are destroyed one by one, their state deleted and slots freed", async () => {
    const live = join(project, "live.txt");
    writeFileSync(live, "feature/login\n");
    const destroyed: string[] = [];
    const { code, out } = await run(["gc", "--env", "qa", "-C", project, "--live", live, "--destroy"], async (b) => {
      destroyed.push(b.slug);
      return { ok: true, detail: "2 resource(s) destroyed" };
    });
    expect(code).toBe(0);
    expect(destroyed).toEqual([branchSlug("fix--x")]);
    expect(out).toContain(`destroyed     fix--x [${branchSlug("fix--x")}, slot 2]: 2 resource(s) destroyed`);
    expect(out).toContain(`released      UPPER [${branchSlug("UPPER")}, slot 3]`);
    expect(files(stateDir)).toEqual(
      ["base.tfstate", `branches/${branchSlug("feature/login")}.json`, `${branchSlug("feature/login")}.tfstate`, "slots/1"].sort(),
    );
  });

  test("GIVEN a destroy that fails WHEN gc --destroy runs THEN that branch keeps its state and slot and the exit code is 1", async () => {
    const live = join(project, "live.txt");
    writeFileSync(live, "feature/login\nUPPER\n");
    const { code, out } = await run(["gc", "--env", "qa", "-C", project, "--live", live, "--destroy"], async () => ({
      ok: false,
      detail: "terraform destroy failed: boom",
    }));
    expect(code).toBe(1);
    expect(out).toContain("failed        fix--x");
    expect(existsSync(join(stateDir, `${branchSlug("fix--x")}.tfstate`))).toBe(true);
    expect(existsSync(join(stateDir, "slots", "2"))).toBe(true);
  });

  test.each([
    [["gc", "--env", "qa"], /needs --live FILE/],
    [["list"], /--env NAME \(or COMPOSE2ECS_ENV\) is required/],
    [["prune", "--env", "qa"], /unknown sub-command "prune"/],
    [["list", "--env", "qa", "--destroy"], /belong to `branches gc`/],
  ])("GIVEN %p WHEN run THEN it is a usage error (exit 2)", async (argv, message) => {
    const saved = process.env.COMPOSE2ECS_ENV;
    delete process.env.COMPOSE2ECS_ENV;
    try {
      const error = await run([...argv, "-C", project]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UsageError);
      expect(String(error)).toMatch(message);
    } finally {
      if (saved !== undefined) process.env.COMPOSE2ECS_ENV = saved;
    }
  });

  test("GIVEN a non-branch environment WHEN listed THEN that is an input error", async () => {
    await expect(run(["list", "--env", "production", "-C", project])).rejects.toThrow(/environment production has no branch environments/);
  });

  test("GIVEN an empty live list WHEN gc runs THEN it refuses instead of treating every branch as stale", async () => {
    const live = join(project, "live.txt");
    writeFileSync(live, "\n");
    await expect(run(["gc", "--env", "qa", "-C", project, "--live", live, "--destroy"])).rejects.toThrow(/is empty: refusing/);
  });
});

describe("branches gc keeps slots safe and reports as it goes", () => {
  let project: string;
  let stateDir: string;
  beforeEach(async () => {
    project = mkdtempSync(join(tmpdir(), "c2e-gc-safe-"));
    mkdirSync(join(project, "environments"));
    writeFileSync(join(project, "environments", "qa.yml"), "branches: true\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n");
    stateDir = join(project, ".compose2ecs", "state", "qa");
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  test("GIVEN a stale branch without state at the listing whose state appears before its slot is freed WHEN gc --destroy runs THEN it needs a destroy, keeps its slot and makes the exit code 1", async () => {
    const { bookkeeping } = branchBookkeeping(loadQa(project), project, {});
    if (bookkeeping === undefined) throw new Error("no registry");
    const record = await allocate(project, "feature/late");
    // Listed without state, then deployed (its state written) before gc reaches it.
    const listed = await listBranchEnvironments(bookkeeping.registry, bookkeeping.inventory);
    expect(listed).toEqual([expect.objectContaining({ slug: record.slug, slot: record.slot })]);
    expect(listed[0].state).toBeUndefined();
    writeFileSync(join(stateDir, `${record.slug}.tfstate`), "{}");
    const outcomes = await collectGarbage(listed, bookkeeping.registry, bookkeeping.inventory, { destroy: true, destroyStack: jest.fn() });
    expect(outcomes.map((o) => o.action)).toEqual(["needs destroy"]);
    expect(outcomes.some(gcIncomplete)).toBe(true);
    expect(existsSync(join(stateDir, "slots", String(record.slot)))).toBe(true);
    expect(existsSync(join(stateDir, "branches", `${record.slug}.json`))).toBe(true);
  });

  test("GIVEN a destroyed branch whose state is written again before its slot is freed WHEN gc --destroy runs THEN the slot is not freed", async () => {
    const { bookkeeping } = branchBookkeeping(loadQa(project), project, {});
    if (bookkeeping === undefined) throw new Error("no registry");
    const record = await allocate(project, "feature/redeployed");
    writeFileSync(join(stateDir, `${record.slug}.tfstate`), "{}");
    const listed = await listBranchEnvironments(bookkeeping.registry, bookkeeping.inventory);
    // A concurrent deploy writes the state again right after gc deleted it.
    const inventory = {
      ...bookkeeping.inventory,
      remove: async (slug: string) => {
        await bookkeeping.inventory.remove(slug);
        writeFileSync(join(stateDir, `${slug}.tfstate`), "{}");
      },
    };
    const outcomes = await collectGarbage(listed, bookkeeping.registry, inventory, {
      destroy: true,
      destroyStack: async () => ({ ok: true, detail: "3 resource(s) destroyed" }),
    });
    expect(outcomes.map((o) => o.action)).toEqual(["needs destroy"]);
    expect(existsSync(join(stateDir, "slots", String(record.slot)))).toBe(true);
  });

  test.each([[[] as string[]], [["--json"]]])(
    "GIVEN three stale deployed branches WHEN gc --destroy %p runs THEN each branch's line is printed before the next destroy starts",
    async (extra) => {
      const records = [];
      for (const b of ["old-a", "old-b", "old-c"]) {
        const record = await allocate(project, b);
        writeFileSync(join(stateDir, `${record.slug}.tfstate`), "{}");
        records.push(record);
      }
      const live = join(project, "live.txt");
      writeFileSync(live, "main\n");
      const printed: string[] = [];
      const seenAtStart: number[] = [];
      const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (printed.push(chunk.toString()), true));
      let code: number;
      try {
        code = await runBranches(["gc", "--env", "qa", "-C", project, "--live", live, "--destroy", ...extra], async () => {
          seenAtStart.push(
            printed
              .join("")
              .split("\n")
              .filter((l) => l !== "").length,
          );
          return { ok: true, detail: "1 resource(s) destroyed" };
        });
      } finally {
        spy.mockRestore();
      }
      expect(code).toBe(0);
      expect(seenAtStart).toEqual([0, 1, 2]);
      const lines = printed.join("").trim().split("\n");
      if (extra.includes("--json")) {
        expect(lines.map((l) => (JSON.parse(l) as { action: string }).action)).toEqual(["destroyed", "destroyed", "destroyed"]);
      } else {
        expect(lines.filter((l) => l.startsWith("destroyed"))).toHaveLength(3);
      }
    },
  );
});

describe("a branch environment whose state is in HCP Terraform", () => {
  test("GIVEN state.backend cloud WHEN its slot registry is asked for THEN there is none and the error says why", () => {
    const env = {
      ...defaultEnvironment("qa", true),
      state: { kind: "cloud" as const, organization: "acme", hostname: "app.terraform.io", workspacePrefix: "compose2ecs", tags: [] },
    };
    const { registry, diagnostics } = slotRegistryFor(env, "/project", {});
    expect(registry).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        path: "state.backend",
        message: expect.stringMatching(/HCP Terraform .* no place for the branch slot registry .* use state\.backend: s3/),
      }),
    ]);
    expect(branchBookkeeping(env, "/project", {}).bookkeeping).toBeUndefined();
  });
});

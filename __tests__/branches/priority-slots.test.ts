import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { branchSlug } from "../../naming/branch-slug";
import { listenerPort, priorityBlock } from "../../planner/slots";
import { LocalSlotStore } from "../../state/local-store";
import { allocateSlot, listSlots, lookupSlot, releaseSlot, SlotRecord, SlotResult } from "../../state/priority-slots";
import { REPO_ROOT, writeTsRegister } from "../helpers/ts-child";
import { random, randomBranchNames } from "./random-branches";

const NOW = new Date("2025-01-02T03:04:05Z");

function expectDisjoint(records: readonly SlotRecord[]): void {
  const slots = records.map((r) => r.slot);
  expect(new Set(slots).size).toBe(records.length);
  expect(new Set(records.map((r) => r.slug)).size).toBe(records.length);
  expect(new Set(slots.map(listenerPort)).size).toBe(records.length);
  const blocks = slots.map(priorityBlock).sort((a, b) => a.first - b.first);
  blocks.forEach((b, i) => {
    if (i > 0) expect(b.first).toBeGreaterThan(blocks[i - 1].last);
  });
}

describe("the local slot registry", () => {
  let dir: string;
  let store: LocalSlotStore;
  const allocate = (branch: string, limit: number, now = NOW): Promise<SlotResult> =>
    allocateSlot(store, { envName: "qa", branch, slug: branchSlug(branch), limit }, now);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "c2e-slots-"));
    store = new LocalSlotStore(join(dir, "qa"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("GIVEN a new branch WHEN allocated THEN it gets slot 1 and a record with its name", async () => {
    const { record } = await allocate("feature/login", 48);
    expect(record).toEqual({ branch: "feature/login", slug: branchSlug("feature/login"), slot: 1, createdAt: NOW.toISOString() });
    expect(JSON.parse(readFileSync(join(dir, "qa", "branches", `${record?.slug}.json`), "utf8"))).toEqual(record);
    expect(readFileSync(join(dir, "qa", "slots", "1"), "utf8")).toBe(record?.slug);
  });

  test("GIVEN a branch that has a slot WHEN synthesized again THEN it keeps its slot", async () => {
    await allocate("a", 48);
    const first = (await allocate("b", 48)).record;
    const again = (await allocate("b", 48, new Date(NOW.getTime() + 1000))).record;
    expect(again).toEqual(first);
    expect(readdirSync(join(dir, "qa", "slots"))).toEqual(["1", "2"]);
  });

  test("GIVEN a released slot WHEN another branch arrives THEN it gets the lowest free slot", async () => {
    for (const b of ["a", "b", "c"]) await allocate(b, 48);
    await releaseSlot(store, branchSlug("b"));
    expect((await allocate("d", 48)).record?.slot).toBe(2);
  });

  test("GIVEN all 48 listener slots taken WHEN one more branch arrives THEN the error names the limit and branches gc", async () => {
    for (let i = 0; i < 48; i += 1) expect((await allocate(`b${i}`, 48)).record?.slot).toBe(i + 1);
    const { record, diagnostics } = await allocate("one-too-many", 48);
    expect(record).toBeUndefined();
    expect(diagnostics[0].message).toMatch(/no free branch slot: all 48 are taken .*at most 50 listeners.*branches gc --env qa/);
  });

  test("GIVEN a record of another branch under the same slug WHEN allocating THEN that is reported, not shared", async () => {
    const slug = branchSlug("x");
    await allocate("x", 48);
    const { record, diagnostics } = await allocateSlot(store, { envName: "qa", branch: "y", slug, limit: 48, path: "--branch" }, NOW);
    expect(record).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ path: "--branch", message: expect.stringMatching(/branch "y" and branch "x" share the slug/) });
  });

  test("GIVEN slots 1 and 3 taken WHEN a new branch is looked up THEN it would get slot 2 and nothing is written", async () => {
    for (const b of ["a", "b", "c"]) await allocate(b, 48);
    await releaseSlot(store, branchSlug("b"));
    const before = readdirSync(join(dir, "qa"), { recursive: true }).sort();
    expect(await lookupSlot(store, { envName: "qa", branch: "new", slug: branchSlug("new"), limit: 48 })).toEqual({ provisional: 2, diagnostics: [] });
    expect(await lookupSlot(store, { envName: "qa", branch: "c", slug: branchSlug("c"), limit: 48 })).toEqual({
      record: expect.objectContaining({ branch: "c", slot: 3 }),
      diagnostics: [],
    });
    expect(readdirSync(join(dir, "qa"), { recursive: true }).sort()).toEqual(before);
  });

  test("GIVEN an empty registry that does not exist yet WHEN looked up THEN slot 1 is provisional and no folder is created", async () => {
    expect(await lookupSlot(store, { envName: "qa", branch: "x", slug: branchSlug("x"), limit: 48 })).toEqual({ provisional: 1, diagnostics: [] });
    expect(readdirSync(dir)).toEqual([]);
  });

  test("GIVEN a full registry or a slug held by another branch WHEN looked up THEN lookup reports what allocation would", async () => {
    for (let i = 0; i < 3; i += 1) await allocate(`b${i}`, 3);
    const full = await lookupSlot(store, { envName: "qa", branch: "late", slug: branchSlug("late"), limit: 3, path: "BRANCH" });
    expect(full.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", path: "BRANCH", message: expect.stringMatching(/no free branch slot: all 3 are taken/) }),
    ]);
    const clash = await lookupSlot(store, { envName: "qa", branch: "other", slug: branchSlug("b0"), limit: 3 });
    expect(clash.record).toBeUndefined();
    expect(clash.diagnostics[0].message).toMatch(/branch "other" and branch "b0" share the slug/);
  });

  test("GIVEN thousands of random branches coming and going WHEN allocated against a host-routed registry THEN live branches never share a slot, port or priority block", async () => {
    const names = randomBranchNames(3000, 21);
    const next = random(5);
    const live = new Map<string, SlotRecord>();
    for (const name of names) {
      const { record, diagnostics } = await allocate(name, 999);
      expect(diagnostics).toEqual([]);
      if (record) live.set(record.slug, record);
      // Branches are merged and deleted as others are created: free a random one now and then,
      // and always when the registry is nearly full.
      if (live.size >= 990 || next() < 0.33) {
        const victims = [...live.keys()];
        const victim = victims[Math.floor(next() * victims.length)];
        await releaseSlot(store, victim);
        live.delete(victim);
      }
    }
    const listed = await listSlots(store);
    expect(listed).toEqual([...live.values()].sort((a, b) => a.slot - b.slot));
    expectDisjoint(listed);
  });
});

describe("allocation from parallel processes", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "c2e-race-"));
    writeTsRegister(dir);
    // The registry's own sources, so the children run the real code.
    writeFileSync(
      join(dir, "child.js"),
      [
        `const { allocateSlot } = require(${JSON.stringify(join(REPO_ROOT, "state", "priority-slots.ts"))});`,
        `const { LocalSlotStore } = require(${JSON.stringify(join(REPO_ROOT, "state", "local-store.ts"))});`,
        "const [registryDir, startAt, ...pairs] = process.argv.slice(2);",
        "(async () => {",
        // Every child waits for the same moment, so the allocations really overlap.
        "  while (Date.now() < Number(startAt)) {}",
        "  const out = [];",
        "  for (let i = 0; i < pairs.length; i += 2) {",
        '    const r = await allocateSlot(new LocalSlotStore(registryDir), { envName: "qa", branch: pairs[i], slug: pairs[i + 1], limit: 48 }, new Date());',
        "    out.push(r.record ?? { error: r.diagnostics.map((d) => d.message).join() });",
        "  }",
        "  process.stdout.write(JSON.stringify(out));",
        "})();",
      ].join("\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function runChild(registryDir: string, startAt: number, branches: readonly string[]): Promise<Array<SlotRecord | { error: string }>> {
    const args = branches.flatMap((b) => [b, branchSlug(b)]);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["-r", join(dir, "register.js"), join(dir, "child.js"), registryDir, String(startAt), ...args], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}`))));
    });
  }

  test.each([1, 2, 3])(
    "GIVEN 8 processes allocating 48 branches at once, some for the same branch (round %i) THEN no slot is handed out twice and a branch gets one slot",
    async (round) => {
      const registryDir = join(dir, `registry-${round}`);
      const branches = randomBranchNames(40, 100 + round);
      // Children 0-4 take distinct branches; children 5-7 race them for the first 8 of the same branches.
      const groups = [0, 1, 2, 3, 4].map((i) => branches.slice(i * 8, i * 8 + 8));
      const racers = [5, 6, 7].map(() => branches.slice(0, 8));
      const startAt = Date.now() + 700;
      const results = (await Promise.all([...groups, ...racers].map((g) => runChild(registryDir, startAt, g)))).flat();
      const records = results.filter((r): r is SlotRecord => !("error" in r));
      expect(records.length).toBe(results.length);
      const bySlug = new Map<string, number>();
      for (const r of records) {
        expect(bySlug.get(r.slug) ?? r.slot).toBe(r.slot);
        bySlug.set(r.slug, r.slot);
      }
      const unique = [...new Map(records.map((r) => [r.slug, r])).values()];
      expect(unique.length).toBe(40);
      expectDisjoint(unique);
      expect(readdirSync(join(registryDir, "slots")).length).toBe(40);
    },
  );
});

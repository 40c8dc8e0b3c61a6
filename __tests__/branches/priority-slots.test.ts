import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { branchSlug } from "../../naming/branch-slug";
import { listenerPort, priorityBlock } from "../../planner/slots";
import { LocalSlotRegistry, localSlotStore, listSlots, releaseSlot, SlotRecord } from "../../state/priority-slots";
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
  let registry: LocalSlotRegistry;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "c2e-slots-"));
    registry = new LocalSlotRegistry(join(dir, "qa"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("GIVEN a new branch WHEN allocated THEN it gets slot 1 and a record with its name", () => {
    const { record } = registry.allocate("qa", "feature/login", branchSlug("feature/login"), 48, NOW);
    expect(record).toEqual({ branch: "feature/login", slug: branchSlug("feature/login"), slot: 1, createdAt: NOW.toISOString() });
    expect(JSON.parse(readFileSync(join(dir, "qa", "branches", `${record?.slug}.json`), "utf8"))).toEqual(record);
    expect(readFileSync(join(dir, "qa", "slots", "1"), "utf8")).toBe(record?.slug);
  });

  test("GIVEN a branch that has a slot WHEN synthesized again THEN it keeps its slot", () => {
    registry.allocate("qa", "a", branchSlug("a"), 48, NOW);
    const first = registry.allocate("qa", "b", branchSlug("b"), 48, NOW).record;
    const again = registry.allocate("qa", "b", branchSlug("b"), 48, new Date(NOW.getTime() + 1000)).record;
    expect(again).toEqual(first);
    expect(readdirSync(join(dir, "qa", "slots"))).toEqual(["1", "2"]);
  });

  test("GIVEN a released slot WHEN another branch arrives THEN it gets the lowest free slot", async () => {
    for (const b of ["a", "b", "c"]) registry.allocate("qa", b, branchSlug(b), 48, NOW);
    await releaseSlot(localSlotStore(registry), branchSlug("b"));
    expect(registry.allocate("qa", "d", branchSlug("d"), 48, NOW).record?.slot).toBe(2);
  });

  test("GIVEN all 48 listener slots taken WHEN one more branch arrives THEN the error names the limit and branches gc", () => {
    for (let i = 0; i < 48; i += 1) expect(registry.allocate("qa", `b${i}`, branchSlug(`b${i}`), 48, NOW).record?.slot).toBe(i + 1);
    const { record, diagnostics } = registry.allocate("qa", "one-too-many", branchSlug("one-too-many"), 48, NOW);
    expect(record).toBeUndefined();
    expect(diagnostics[0].message).toMatch(/no free branch slot: all 48 are taken .*at most 50 listeners.*branches gc --env qa/);
  });

  test("GIVEN a record of another branch under the same slug WHEN allocating THEN that is reported, not shared", () => {
    const slug = branchSlug("x");
    registry.allocate("qa", "x", slug, 48, NOW);
    const { record, diagnostics } = registry.allocate("qa", "y", slug, 48, NOW);
    expect(record).toBeUndefined();
    expect(diagnostics[0].message).toMatch(/branch "y" and branch "x" share the slug/);
  });

  test("GIVEN thousands of random branches coming and going WHEN allocated against a host-routed registry THEN live branches never share a slot, port or priority block", async () => {
    const names = randomBranchNames(3000, 21);
    const next = random(5);
    const live = new Map<string, SlotRecord>();
    for (const name of names) {
      const { record, diagnostics } = registry.allocate("qa", name, branchSlug(name), 999, NOW);
      expect(diagnostics).toEqual([]);
      if (record) live.set(record.slug, record);
      // Branches are merged and deleted as others are created: free a random one now and then,
      // and always when the registry is nearly full.
      if (live.size >= 990 || next() < 0.33) {
        const victims = [...live.keys()];
        const victim = victims[Math.floor(next() * victims.length)];
        await releaseSlot(localSlotStore(registry), victim);
        live.delete(victim);
      }
    }
    const listed = await listSlots(localSlotStore(registry));
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
        `const { LocalSlotRegistry } = require(${JSON.stringify(join(REPO_ROOT, "state", "priority-slots.ts"))});`,
        "const [registryDir, startAt, ...pairs] = process.argv.slice(2);",
        // Every child waits for the same moment, so the allocations really overlap.
        "while (Date.now() < Number(startAt)) {}",
        "const out = [];",
        "for (let i = 0; i < pairs.length; i += 2) {",
        '  const r = new LocalSlotRegistry(registryDir).allocate("qa", pairs[i], pairs[i + 1], 48, new Date());',
        "  out.push(r.record ?? { error: r.diagnostics.map((d) => d.message).join() });",
        "}",
        "process.stdout.write(JSON.stringify(out));",
      ].join("\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function runChild(registryDir: string, startAt: number, branches: readonly string[]): Promise<Array<SlotRecord | { error: string }>> {
    const args = branches.flatMap((b) => [b, branchSlug(b)]);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["-r", join(dir, "register.js"), join(dir, "child.js"), registryDir, String(startAt), ...args], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}`))));
    });
  }

  test.each([1, 2, 3])("GIVEN 8 processes allocating 48 branches at once, some for the same branch (round %i) THEN no slot is handed out twice and a branch gets one slot", async (round) => {
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
  });
});

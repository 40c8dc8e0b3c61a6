import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { branchSlug } from "../../naming/branch-slug";
import { LocalSlotStore } from "../../state/local-store";
import { allocateSlot, listSlots, parseRecord, readRecord, recordDeployment, releaseSlot, SlotRecord } from "../../state/priority-slots";
import { runCli } from "../helpers/run-cli";

/**
 * The slot record's `lastDeployedAt` (written by `up` after a successful apply; `branches gc
 * --expired` counts a branch's age from it): how it is written and kept, and that it never reaches
 * the synthesized output.
 */

const CREATED = new Date("2026-11-01T08:00:00Z");
const DEPLOYED = new Date("2026-11-03T17:30:00Z");

describe("recording a branch's deploy in its slot record", () => {
  let dir: string;
  let store: LocalSlotStore;
  const branchOf = (record: SlotRecord) => ({ branch: record.branch, slug: record.slug, slot: record.slot });
  const allocate = async (branch: string): Promise<SlotRecord> => {
    const { record } = await allocateSlot(store, { envName: "qa", branch, slug: branchSlug(branch), limit: 48 }, CREATED);
    if (record === undefined) throw new Error(`no slot for ${branch}`);
    return record;
  };
  const recordFile = (slug: string) => join(dir, "qa", "branches", `${slug}.json`);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "c2e-deploy-record-"));
    store = new LocalSlotStore(join(dir, "qa"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("GIVEN a branch's record WHEN its deploy is recorded THEN the record gains lastDeployedAt and keeps everything else, in the registry's JSON form", async () => {
    const record = await allocate("feature/login");
    expect(await recordDeployment(store, branchOf(record), DEPLOYED)).toBeUndefined();
    const expected = { ...record, lastDeployedAt: DEPLOYED.toISOString() };
    expect(await readRecord(store, record.slug)).toEqual(expected);
    expect(readFileSync(recordFile(record.slug), "utf8")).toBe(JSON.stringify(expected, null, 2) + "\n");
    // Replaced in place: no temporary file is left next to it, and the slot file is untouched.
    expect(readdirSync(join(dir, "qa"), { recursive: true }).map(String).sort()).toEqual(["branches", `branches/${record.slug}.json`, "slots", "slots/1"]);
  });

  test("GIVEN a deploy recorded twice WHEN read THEN the later time is kept", async () => {
    const record = await allocate("feature/login");
    await recordDeployment(store, branchOf(record), DEPLOYED);
    const later = new Date(DEPLOYED.getTime() + 3_600_000);
    await recordDeployment(store, branchOf(record), later);
    expect((await listSlots(store)).map((r) => r.lastDeployedAt)).toEqual([later.toISOString()]);
  });

  test("GIVEN a record with keys this version does not know WHEN a deploy is recorded THEN those keys are kept", async () => {
    const record = await allocate("feature/pool");
    writeFileSync(recordFile(record.slug), JSON.stringify({ ...record, alb: 2, future: { x: 1 } }, null, 2) + "\n");
    await recordDeployment(store, branchOf(record), DEPLOYED);
    expect(JSON.parse(readFileSync(recordFile(record.slug), "utf8"))).toEqual({ ...record, alb: 2, future: { x: 1 }, lastDeployedAt: DEPLOYED.toISOString() });
  });

  test("GIVEN a branch whose slot was freed while up ran WHEN its deploy is recorded THEN the record is not brought back and the answer says why", async () => {
    const record = await allocate("feature/gone");
    await releaseSlot(store, record.slug);
    expect(await recordDeployment(store, branchOf(record), DEPLOYED)).toMatch(/its slot record branches\/.+\.json is gone/);
    expect(await listSlots(store)).toEqual([]);
  });

  test("GIVEN a record that now names another slot WHEN a deploy for the old slot is recorded THEN it is left alone", async () => {
    const record = await allocate("feature/moved");
    expect(await recordDeployment(store, { ...branchOf(record), slot: 7 }, DEPLOYED)).toMatch(
      /now says branch "feature\/moved", slot 1 \(the stack was built for "feature\/moved", slot 7\)/,
    );
    expect(await readRecord(store, record.slug)).toEqual(record);
  });

  test.each([
    ["a record from before lastDeployedAt", { branch: "b", slug: "b-aaaaaa", slot: 1, createdAt: CREATED.toISOString() }, undefined],
    [
      "a record with a deploy time",
      { branch: "b", slug: "b-aaaaaa", slot: 1, createdAt: CREATED.toISOString(), lastDeployedAt: DEPLOYED.toISOString() },
      DEPLOYED.toISOString(),
    ],
    ["a deploy time that is no time", { branch: "b", slug: "b-aaaaaa", slot: 1, createdAt: CREATED.toISOString(), lastDeployedAt: "yesterday" }, undefined],
    ["a deploy time that is a number", { branch: "b", slug: "b-aaaaaa", slot: 1, createdAt: CREATED.toISOString(), lastDeployedAt: 1764000000 }, undefined],
  ])("GIVEN %s WHEN parsed THEN it is a record, with the deploy time only when it is one", (_what, body, expected) => {
    const parsed = parseRecord(JSON.stringify(body));
    expect(parsed).toMatchObject({ branch: "b", slot: 1, createdAt: CREATED.toISOString() });
    expect(parsed?.lastDeployedAt).toBe(expected);
  });
});

describe("the deploy time stays out of the synthesized output", () => {
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), "c2e-deploy-record-synth-"));
    mkdirSync(join(project, "environments"));
    writeFileSync(join(project, "compose.yaml"), 'name: shop\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n');
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  function filesOf(dir: string): Record<string, string> {
    return Object.fromEntries(
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
        .sort()
        .map((file) => [relative(dir, file), readFileSync(file, "utf8")]),
    );
  }

  async function synth(out: string): Promise<Record<string, string>> {
    const result = await runCli(["synth", "-C", project, "--env", "qa", "--branch", "feature/login", "--out", out]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    return filesOf(out);
  }

  test("GIVEN a synthesized branch WHEN up records its deploy and it is synthesized again THEN every output file is byte-identical", async () => {
    writeFileSync(join(project, "environments", "qa.yml"), "branches: true\nbranchTtl: 72h\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n");
    const before = await synth(join(project, "out-before"));
    const store = new LocalSlotStore(join(project, ".compose2ecs", "state", "qa"));
    const [record] = await listSlots(store);
    expect(await recordDeployment(store, { branch: record.branch, slug: record.slug, slot: record.slot }, DEPLOYED)).toBeUndefined();
    expect((await readRecord(store, record.slug))?.lastDeployedAt).toBe(DEPLOYED.toISOString());
    const after = await synth(join(project, "out-after"));
    expect(Object.keys(after).length).toBeGreaterThan(2);
    expect(after).toEqual(before);
  });

  test("GIVEN the same branch WHEN synthesized with and without branchTtl THEN every output file is byte-identical", async () => {
    writeFileSync(join(project, "environments", "qa.yml"), "branches: true\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n");
    const without = await synth(join(project, "out-without"));
    writeFileSync(join(project, "environments", "qa.yml"), "branches: true\nbranchTtl: 3d\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n");
    expect(await synth(join(project, "out-with"))).toEqual(without);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { InputError, UsageError } from "../../cli/command";
import { branchSlug } from "../../naming/branch-slug";
import { branchAge, gcCandidates, shortDuration } from "../../state/branch-expiry";
import { BranchEnvironment } from "../../state/branches";
import { LocalSlotStore } from "../../state/local-store";
import { recordDeployment, SlotRecord } from "../../state/priority-slots";
import { allocate, run } from "./branches-cli";

/**
 * Branch expiry (`branchTtl`): a branch's age counts from its last `up`, else its slot's
 * allocation; `branches list` shows age and expiry, `branches gc --expired` collects those past
 * the TTL, alone or with `--live`. Every clock is injected: nothing sleeps.
 */

const HOUR = 3_600_000;
const NOW = new Date("2026-11-10T12:00:00Z");
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR);
const clock = () => NOW;

describe("a branch's age and expiry", () => {
  const branch = (fields: Partial<BranchEnvironment>): BranchEnvironment => ({ slug: "b-aaaaaa", ...fields });

  test.each([
    ["deployed by up 24h ago, slot 5 days old", "up", 24, false, { slot: 1, createdAt: ago(120), lastDeployedAt: ago(24) }],
    ["never deployed by up, slot 80h old", "slot", 80, true, { slot: 1, createdAt: ago(80) }],
    ["deployed exactly 72h ago", "up", 72, true, { slot: 1, createdAt: ago(100), lastDeployedAt: ago(72) }],
    ["deployed 71h59m ago", "up", 71, false, { slot: 1, createdAt: ago(100), lastDeployedAt: new Date(ago(72).getTime() + 60_000) }],
    ["that is a state without a record, changed 100h ago", "state", 100, true, { state: "/s/x.tfstate", lastModified: ago(100) }],
  ])(
    "GIVEN a branch %s and branchTtl 72h WHEN judged THEN its age counts from %p, is %p whole hours, and expired is %p",
    (_what, basis, hours, expired, fields) => {
      const age = branchAge(branch(fields), 72, NOW);
      expect(age?.basis).toBe(basis);
      expect(Math.floor((age?.ageMs ?? -1) / HOUR)).toBe(hours);
      expect(age?.expired).toBe(expired);
    },
  );

  test("GIVEN a recorded branch whose state changed recently WHEN judged THEN its record decides, not the state (a failed destroy rewrites the state and must be retried)", () => {
    const age = branchAge(branch({ slot: 1, createdAt: ago(100), state: "/s/x.tfstate", lastModified: ago(1) }), 72, NOW);
    expect(age).toMatchObject({ basis: "slot", expired: true });
  });

  test("GIVEN no TTL WHEN judged THEN the branch has an age but never expires", () => {
    const age = branchAge(branch({ slot: 1, createdAt: ago(10_000) }), undefined, NOW);
    expect(age).toMatchObject({ basis: "slot", expired: false });
    expect(age?.expiresAt).toBeUndefined();
  });

  test("GIVEN a deploy time ahead of this machine's clock WHEN judged THEN the age is 0 and the branch is not expired", () => {
    expect(branchAge(branch({ slot: 1, createdAt: ago(1), lastDeployedAt: new Date(NOW.getTime() + HOUR) }), 1, NOW)).toMatchObject({
      ageMs: 0,
      expired: false,
    });
  });

  test("GIVEN a branch with no time at all WHEN judged THEN nothing is known and it is never a candidate", () => {
    const unknown = branch({ slot: 3 });
    expect(branchAge(unknown, 1, NOW)).toBeUndefined();
    expect(gcCandidates([unknown], { expiry: { ttlHours: 1, now: NOW } })).toEqual([]);
  });

  test("GIVEN --live and --expired WHEN candidates are chosen THEN every branch that is gone OR expired is, with each reason", () => {
    const all = [
      branch({ slug: branchSlug("young-gone"), slot: 1, createdAt: ago(1) }),
      branch({ slug: branchSlug("old-live"), slot: 2, createdAt: ago(200), lastDeployedAt: ago(100) }),
      branch({ slug: branchSlug("old-gone"), slot: 3, createdAt: ago(200) }),
      branch({ slug: branchSlug("young-live"), slot: 4, createdAt: ago(200), lastDeployedAt: ago(2) }),
    ];
    const chosen = gcCandidates(all, { live: ["old-live", "young-live", "main"], expiry: { ttlHours: 72, now: NOW } });
    expect(chosen.map((c) => [c.branch.slot, c.reasons])).toEqual([
      [1, ["not live"]],
      [2, ["expired"]],
      [3, ["not live", "expired"]],
    ]);
    expect(gcCandidates(all, { live: ["old-live", "young-live"] }).map((c) => c.branch.slot)).toEqual([1, 3]);
    expect(gcCandidates(all, { expiry: { ttlHours: 72, now: NOW } }).map((c) => c.branch.slot)).toEqual([2, 3]);
  });

  test.each([
    [0, "0m"],
    [59 * 60_000, "59m"],
    [HOUR, "1h"],
    [23.99 * HOUR, "23h"],
    [24 * HOUR, "1d"],
    [50 * HOUR, "2d 2h"],
  ])("GIVEN %p ms WHEN shown THEN it reads %p", (ms, text) => {
    expect(shortDuration(ms)).toBe(text);
  });
});

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe("branches list and gc --expired against a local state folder", () => {
  let project: string;
  let stateDir: string;
  let store: LocalSlotStore;
  const records = new Map<string, SlotRecord>();
  const QA = "branches: true\nbranchTtl: 72h\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n";

  /** A branch with a slot allocated `createdHours` ago, deployed by up `deployedHours` ago (with state) or never. */
  async function branchEnv(name: string, createdHours: number, deployedHours?: number): Promise<SlotRecord> {
    const record = await allocate(project, name, ago(createdHours));
    if (deployedHours !== undefined) {
      expect(await recordDeployment(store, { branch: name, slug: record.slug, slot: record.slot }, ago(deployedHours))).toBeUndefined();
      writeFileSync(join(stateDir, `${record.slug}.tfstate`), "{}");
    }
    records.set(name, record);
    return record;
  }
  const slug = (name: string) => records.get(name)?.slug ?? branchSlug(name);

  beforeEach(async () => {
    project = mkdtempSync(join(tmpdir(), "c2e-expiry-"));
    mkdirSync(join(project, "environments"));
    writeFileSync(join(project, "environments", "qa.yml"), QA);
    stateDir = join(project, ".compose2ecs", "state", "qa");
    store = new LocalSlotStore(stateDir);
    records.clear();
    await branchEnv("feature/fresh", 120, 24); // slot 1: deployed a day ago: expires in 2 days
    await branchEnv("feature/stale", 240, 96); // slot 2: deployed 4 days ago: expired a day ago
    await branchEnv("feature/synth-old", 100); // slot 3: synthesized 100 h ago, never deployed: expired
    await branchEnv("feature/synth-new", 2); // slot 4: synthesized 2 h ago
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  test("GIVEN branchTtl 72h WHEN listed as text THEN each row shows the age with what it counts from, and when it expires; a line names gc --expired", async () => {
    const { code, out } = await run(["list", "--env", "qa", "-C", project], undefined, clock);
    expect(code).toBe(0);
    const row = (name: string) => out.split("\n").find((l) => l.startsWith(`${name} `)) ?? "";
    expect(row("feature/fresh")).toMatch(/\s1d \(up\)\s+in 2d\s/);
    expect(row("feature/stale")).toMatch(/\s4d \(up\)\s+expired 1d ago\s/);
    expect(row("feature/synth-old")).toMatch(/\s4d 4h \(slot\)\s+expired 1d 4h ago\s+\(not deployed\)$/);
    expect(row("feature/synth-new")).toMatch(/\s2h \(slot\)\s+in 2d 22h\s/);
    expect(out.trim().split("\n").pop()).toBe("2 of 4 branch environment(s) are past branchTtl 3d: `compose2ecs branches gc --env qa --expired` names them.");
  });

  test("GIVEN branchTtl 72h WHEN listed as JSON THEN each branch carries its deploy and allocation times, age, expiry and whether it is expired", async () => {
    const { out } = await run(["list", "--env", "qa", "-C", project, "--json"], undefined, clock);
    const listed = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(listed.find((b) => b.branch === "feature/fresh")).toMatchObject({
      createdAt: ago(120).toISOString(),
      lastDeployedAt: ago(24).toISOString(),
      ageFrom: "up",
      ageSeconds: 24 * 3600,
      expiresAt: ago(-48).toISOString(),
      expired: false,
    });
    expect(listed.find((b) => b.branch === "feature/synth-old")).toMatchObject({
      lastDeployedAt: null,
      ageFrom: "slot",
      ageSeconds: 100 * 3600,
      expiresAt: ago(28).toISOString(),
      expired: true,
    });
  });

  test("GIVEN no branchTtl WHEN listed THEN every branch still shows its age and expires never; as JSON expiresAt is null", async () => {
    writeFileSync(join(project, "environments", "qa.yml"), QA.replace("branchTtl: 72h\n", ""));
    const text = await run(["list", "--env", "qa", "-C", project], undefined, clock);
    const rows = text.out.trim().split("\n").slice(1);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => /\(\w+\)\s+never\s/.test(r))).toBe(true);
    const json = JSON.parse((await run(["list", "--env", "qa", "-C", project, "--json"], undefined, clock)).out) as Array<Record<string, unknown>>;
    expect(json.map((b) => [b.expiresAt, b.expired])).toEqual(Array.from({ length: 4 }, () => [null, false]));
  });

  test("GIVEN two branches past the TTL WHEN gc --expired runs without --destroy THEN it names them with why and changes nothing", async () => {
    const before = files(project);
    const destroy = jest.fn();
    const { code, out } = await run(["gc", "--env", "qa", "-C", project, "--expired"], destroy, clock);
    expect(code).toBe(0);
    expect(destroy).not.toHaveBeenCalled();
    expect(out).toContain(
      `would destroy feature/stale [${slug("feature/stale")}, slot 2]: state ${join(stateDir, `${slug("feature/stale")}.tfstate`)} (expired: 4d since up, branchTtl 3d)`,
    );
    expect(out).toContain(
      `would release feature/synth-old [${slug("feature/synth-old")}, slot 3]: slot 3 (never deployed) (expired: 4d 4h since slot, branchTtl 3d)`,
    );
    expect(out).not.toMatch(/feature\/fresh|feature\/synth-new/);
    expect(out.trim().split("\n").pop()).toBe("2 expired branch environment(s) in qa; nothing changed. Run again with --destroy to remove them.");
    expect(files(project)).toEqual(before);
  });

  test("GIVEN two branches past the TTL WHEN gc --expired --destroy runs THEN the deployed one is destroyed, the other released, one line each, and the young ones are untouched", async () => {
    const destroyed: string[] = [];
    const { code, out } = await run(
      ["gc", "--env", "qa", "-C", project, "--expired", "--destroy"],
      async (b) => {
        destroyed.push(b.slug);
        return { ok: true, detail: "7 resource(s) destroyed" };
      },
      clock,
    );
    expect(code).toBe(0);
    expect(destroyed).toEqual([slug("feature/stale")]);
    // One line per branch, in slug order (stale-... before synth-old-...), and no summary after a destroy.
    expect(out.trim().split("\n")).toEqual([
      `destroyed     feature/stale [${slug("feature/stale")}, slot 2]: 7 resource(s) destroyed (expired: 4d since up, branchTtl 3d)`,
      `released      feature/synth-old [${slug("feature/synth-old")}, slot 3]: slot 3 freed (never deployed) (expired: 4d 4h since slot, branchTtl 3d)`,
    ]);
    expect(files(stateDir)).toEqual(
      [`branches/${slug("feature/fresh")}.json`, `${slug("feature/fresh")}.tfstate`, "slots/1", `branches/${slug("feature/synth-new")}.json`, "slots/4"].sort(),
    );
  });

  test("GIVEN --live and --expired WHEN gc runs THEN a branch goes when it is gone OR expired, and each line says which", async () => {
    const live = join(project, "live.txt");
    // stale is live but expired; synth-new is young but gone; synth-old is both; fresh is live and young.
    writeFileSync(live, "main\nfeature/fresh\nfeature/stale\n");
    const { code, out } = await run(["gc", "--env", "qa", "-C", project, "--live", live, "--expired"], jest.fn(), clock);
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    expect(lines.find((l) => l.includes("feature/stale"))).toMatch(/^would destroy .*\(expired: 4d since up, branchTtl 3d\)$/);
    expect(lines.find((l) => l.includes("feature/synth-new"))).toMatch(/^would release .*\(branch gone\)$/);
    expect(lines.find((l) => l.includes("feature/synth-old"))).toMatch(/^would release .*\(branch gone; expired: 4d 4h since slot, branchTtl 3d\)$/);
    expect(out).not.toContain("feature/fresh");
    expect(lines.pop()).toBe("3 stale or expired branch environment(s) in qa (2 gone, 2 expired); nothing changed. Run again with --destroy to remove them.");
  });

  test("GIVEN --json WHEN gc --expired runs THEN each line is one JSON object with its reasons and expiry", async () => {
    const { out } = await run(["gc", "--env", "qa", "-C", project, "--expired", "--json"], jest.fn(), clock);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.branch === "feature/stale")).toMatchObject({
      action: "would destroy",
      reasons: ["expired"],
      expired: true,
      lastDeployedAt: ago(96).toISOString(),
    });
  });

  test("GIVEN an expired branch deployed again while gc destroys the one before it WHEN gc --expired --destroy reaches it THEN it is kept with its state and slot", async () => {
    const again = await branchEnv("feature/zz-again", 300, 90); // slot 5, expired
    // gc goes by slug: feature/stale comes first, feature/zz-again after it.
    expect(slug("feature/stale") < again.slug).toBe(true);
    const destroyed: string[] = [];
    const { code, out } = await run(
      ["gc", "--env", "qa", "-C", project, "--expired", "--destroy"],
      async (b) => {
        destroyed.push(b.slug);
        // Meanwhile `up` deploys the other expired branch (an hour after gc listed it).
        if (b.slug === slug("feature/stale")) await recordDeployment(store, { branch: again.branch, slug: again.slug, slot: again.slot }, ago(-1));
        return { ok: true, detail: "1 resource(s) destroyed" };
      },
      () => new Date(NOW.getTime() + 1.5 * HOUR),
    );
    expect(code).toBe(0);
    expect(destroyed).toEqual([slug("feature/stale")]);
    const kept = out.split("\n").find((l) => l.startsWith("kept"));
    expect(kept).toBe(
      `kept          feature/zz-again [${again.slug}, slot 5]: deployed again at ${ago(-1).toISOString()}, after gc listed it; it expires in 2d 23h (branchTtl 3d in ${join(project, "environments", "qa.yml")})`,
    );
    expect(existsSync(join(stateDir, `${again.slug}.tfstate`))).toBe(true);
    expect(existsSync(join(stateDir, "branches", `${again.slug}.json`))).toBe(true);
    expect(existsSync(join(stateDir, "slots", "5"))).toBe(true);
  });

  test("GIVEN an orphan state (no slot record) unchanged for 100 h WHEN gc --expired runs THEN it is collected by the state's age", async () => {
    const orphan = join(stateDir, "orphan-abc123.tfstate");
    writeFileSync(orphan, "{}");
    utimesSync(orphan, ago(100), ago(100));
    const { out } = await run(["gc", "--env", "qa", "-C", project, "--expired"], jest.fn(), clock);
    expect(out).toContain(`would destroy (unknown branch) [orphan-abc123]: state ${orphan} (expired: 4d 4h since state, branchTtl 3d)`);
  });

  test("GIVEN no branchTtl WHEN gc --expired runs THEN it is an input error naming the file and the key to add, and nothing is read or changed", async () => {
    writeFileSync(join(project, "environments", "qa.yml"), QA.replace("branchTtl: 72h\n", ""));
    const before = files(project);
    const error = await run(["gc", "--env", "qa", "-C", project, "--expired", "--destroy"], jest.fn(), clock).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(String((error as InputError).lines)).toMatch(
      /environment qa sets no branchTtl \(.*environments\/qa\.yml\), so no branch environment can be past it: add e\.g\. `branchTtl: 72h` for --expired, or collect by --live only/,
    );
    expect(files(project)).toEqual(before);
  });

  test("GIVEN nothing past the TTL WHEN gc --expired runs THEN it says so", async () => {
    const { code, out } = await run(["gc", "--env", "qa", "-C", project, "--expired"], jest.fn(), () => ago(30));
    expect(code).toBe(0);
    expect(out).toBe("No expired branch environments in qa (4 within branchTtl 3d).\n");
  });

  test.each([
    [["list", "--env", "qa", "--expired"], /--live, --expired and --destroy belong to `branches gc`/],
    [["gc", "--env", "qa", "--destroy"], /needs --live FILE .* and\/or --expired/],
  ])("GIVEN %p WHEN run THEN it is a usage error", async (argv, message) => {
    const error = await run([...argv, "-C", project]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(String(error)).toMatch(message);
  });
});

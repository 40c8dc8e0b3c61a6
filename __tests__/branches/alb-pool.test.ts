import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { defaultEnvironment } from "../../config/defaults";
import { branchSlug } from "../../naming/branch-slug";
import { loadBalancerName, RULES } from "../../naming/names";
import { planRequest } from "../../pipeline/plan-request";
import { synthesize } from "../../stacks/synthesize";
import { albLimits, albLoads, AlbLimits, chooseAlb, overQuota, QuotaUsage } from "../../state/alb-capacity";
import { listBranchEnvironments } from "../../state/branches";
import { LocalSlotStore } from "../../state/local-store";
import { allocateSlot, listSlots, parseRecord, SlotRecord, updateRecord } from "../../state/priority-slots";
import { albNameInState } from "../../state/state-slot";

/**
 * The load-balancer pool (loadBalancer.pool): which ALB a branch is placed on, the quota check
 * against the other branches' recorded usage, the slot record's `alb` and `usage`, and the base
 * and branch stacks a pool synthesizes.
 */

const USAGE: QuotaUsage = { targetGroups: 2, rules: 2, listeners: 1 };
const LIMITS: AlbLimits = { targetGroups: 100, rules: 100, listeners: 2 };
const NOW = new Date("2026-01-02T03:04:05Z");

describe("placing a branch on the pool", () => {
  test("GIVEN recorded usage per ALB THEN the lowest-index ALB with room is chosen, and none when all are full", () => {
    const records = [
      { slug: "a", alb: 1, usage: USAGE },
      { slug: "b", usage: USAGE }, // from before pools: ALB 1
      { slug: "c", alb: 2, usage: USAGE },
    ];
    const loads = albLoads(records, "new", USAGE);
    expect(loads.get(1)).toEqual({ targetGroups: 4, rules: 4, listeners: 2 });
    expect(overQuota(loads.get(1), USAGE, LIMITS)).toEqual(["listeners"]);
    expect(chooseAlb(loads, USAGE, LIMITS, 2)).toBe(2);
    expect(chooseAlb(loads, USAGE, LIMITS, 1)).toBeUndefined();
    // The branch being checked is left out of its own ALB's load.
    expect(albLoads(records, "a", USAGE).get(1)).toEqual({ targetGroups: 2, rules: 2, listeners: 1 });
  });

  test("GIVEN a record without usage THEN it counts as the branch at hand's usage", () => {
    expect(albLoads([{ slug: "old" }], "new", { targetGroups: 7, rules: 9, listeners: 0 }).get(1)).toEqual({ targetGroups: 7, rules: 9, listeners: 0 });
  });

  test("GIVEN an environment THEN the limits are its quotas less the base's own listeners", () => {
    const env = defaultEnvironment("qa", true);
    expect(albLimits(env)).toEqual({ targetGroups: 100, rules: 100, listeners: 49 });
    const https = {
      ...env,
      loadBalancer: {
        ...env.loadBalancer,
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x",
        quotas: { rulesPerAlb: 300, listenersPerAlb: 10 },
      },
    };
    expect(albLimits(https)).toEqual({ targetGroups: 100, rules: 300, listeners: 8 });
  });
});

describe("slot records with an ALB and usage", () => {
  let dir: string;
  let store: LocalSlotStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "c2e-pool-slots-"));
    store = new LocalSlotStore(join(dir, "qa"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const place = (branch: string, poolSize: number, usage = USAGE) =>
    allocateSlot(store, { envName: "qa", branch, slug: branchSlug(branch), limit: 999, placement: { usage, poolSize, limits: LIMITS } }, NOW);

  test("GIVEN a record from before pools WHEN parsed THEN it has no alb or usage, and lists on ALB 1", async () => {
    const old = { branch: "old", slug: branchSlug("old"), slot: 3, createdAt: NOW.toISOString() };
    expect(parseRecord(JSON.stringify(old))).toEqual(old);
    mkdirSync(join(dir, "qa", "branches"), { recursive: true });
    writeFileSync(join(dir, "qa", "branches", `${old.slug}.json`), JSON.stringify(old));
    const inventory = { list: async () => [], exists: async () => false, read: async () => undefined, remove: async () => undefined };
    expect(await listBranchEnvironments({ store, where: dir }, inventory)).toEqual([expect.objectContaining({ slug: old.slug, slot: 3, alb: 1 })]);
  });

  test.each([
    ["a negative ALB", { alb: -1 }],
    ["a fractional ALB", { alb: 1.5 }],
    ["usage with a missing count", { usage: { targetGroups: 1, rules: 1 } }],
  ])("GIVEN a record with %s WHEN parsed THEN that field is dropped and the rest kept", (_what, extra) => {
    const record = parseRecord(JSON.stringify({ branch: "b", slug: "b-x", slot: 1, createdAt: NOW.toISOString(), ...extra }));
    expect(record).toEqual({ branch: "b", slug: "b-x", slot: 1, createdAt: NOW.toISOString() });
  });

  test("GIVEN branches of two listeners' room each WHEN six are placed on a pool of 3 THEN they fill ALB 1, then 2, then 3, and the seventh is refused naming pool 4", async () => {
    const placed: SlotRecord[] = [];
    for (const b of ["b1", "b2", "b3", "b4", "b5", "b6"]) {
      const { record, diagnostics } = await place(b, 3);
      expect(diagnostics).toEqual([]);
      if (record !== undefined) placed.push(record);
    }
    expect(placed.map((r) => [r.slot, r.alb])).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 3],
      [6, 3],
    ]);
    expect(placed.every((r) => JSON.stringify(r.usage) === JSON.stringify(USAGE))).toBe(true);
    expect(await place("b7", 3)).toEqual({ diagnostics: [expect.objectContaining({ severity: "error", path: "loadBalancer.pool" })] });
    expect((await place("b7", 3)).diagnostics[0]?.message).toMatch(/pool of 3 has room for branch "b7".*raise loadBalancer\.pool to 4/);
    // A refused placement takes no slot, and the lock is released.
    expect(readdirSync(join(dir, "qa", "slots"))).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(readdirSync(join(dir, "qa", "locks"))).toEqual([]);
  });

  test("GIVEN a freed slot on ALB 1 WHEN a new branch arrives THEN it takes the lowest slot and ALB 1 again; nothing else moves", async () => {
    for (const b of ["b1", "b2", "b3"]) await place(b, 2);
    const before = await listSlots(store);
    rmSync(join(dir, "qa", "branches", `${branchSlug("b1")}.json`));
    rmSync(join(dir, "qa", "slots", "1"));
    const { record } = await place("b4", 2);
    expect(record).toMatchObject({ slot: 1, alb: 1 });
    const after = await listSlots(store);
    expect(after.filter((r) => r.branch !== "b4")).toEqual(before.filter((r) => r.branch !== "b1"));
  });

  test("GIVEN a branch too big for any ALB THEN the error says no pool size helps and what to change", async () => {
    const { diagnostics } = await place("huge", 5, { targetGroups: 120, rules: 120, listeners: 1 });
    expect(diagnostics[0]?.message).toMatch(
      /branch "huge" alone needs 120 target groups where an ALB allows 100.*route fewer services through the load balancer/,
    );
  });

  test("GIVEN twelve branches placed at once WHEN allocation runs concurrently THEN no ALB holds more than its quota", async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => place(`c${i}`, 6)));
    expect(results.every((r) => r.record !== undefined)).toBe(true);
    const perAlb = new Map<number, number>();
    for (const r of await listSlots(store)) perAlb.set(r.alb ?? 0, (perAlb.get(r.alb ?? 0) ?? 0) + 1);
    expect([...perAlb.entries()].sort((a, b) => a[0] - b[0])).toEqual([1, 2, 3, 4, 5, 6].map((alb) => [alb, 2]));
  });

  test("GIVEN a stale lock left by a dead process WHEN a branch is placed THEN the lock is taken over", async () => {
    mkdirSync(join(dir, "qa", "locks"), { recursive: true });
    writeFileSync(join(dir, "qa", "locks", "allocation"), JSON.stringify({ owner: "dead", at: "2000-01-01T00:00:00Z" }));
    expect((await place("after-crash", 1)).record).toMatchObject({ slot: 1, alb: 1 });
  });

  test("GIVEN a record WHEN updateRecord writes a new usage THEN the record is replaced whole and nothing else changes", async () => {
    const { record } = await place("b1", 1);
    if (record === undefined) throw new Error("not placed");
    await updateRecord(store, { ...record, usage: { targetGroups: 5, rules: 5, listeners: 1 } });
    expect(parseRecord(readFileSync(join(dir, "qa", "branches", `${record.slug}.json`), "utf8"))).toEqual({
      ...record,
      usage: { targetGroups: 5, rules: 5, listeners: 1 },
    });
    expect(readdirSync(join(dir, "qa", "branches"))).toEqual([`${record.slug}.json`]);
  });
});

describe("ALB names of the pool", () => {
  test("GIVEN ALB 1 THEN its name is the one it had before pools; the others get albN and stay within 32 characters and unique", () => {
    const scope = { project: "shop", env: "qa" };
    expect(loadBalancerName(scope)).toBe("shop-qa");
    expect(loadBalancerName(scope, 1)).toBe("shop-qa");
    expect(loadBalancerName(scope, 2)).toBe("shop-qa-alb2");
    const long = { project: "a-very-long-project-name-for-names", env: "qa-preview" };
    const names = Array.from({ length: 20 }, (_, i) => loadBalancerName(long, i + 1));
    expect(new Set(names).size).toBe(20);
    expect(names.every((n) => n.length <= RULES.loadBalancer.max && /^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(n) && !n.startsWith("internal-"))).toBe(true);
    // An environment whose own name ends in -alb2 does not get pool ALB 2's name of env "qa".
    expect(loadBalancerName({ project: "shop", env: "qa-alb2" })).not.toBe(loadBalancerName(scope, 2));
  });
});

interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown }>;
}

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path, "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("synthesized stacks of a pool", () => {
  const REPO = join(__dirname, "..", "..");
  const COMPOSE = join(REPO, "examples", "seed", "docker-compose.yml");
  let work: string;
  let project: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "c2e-pool-synth-"));
    project = join(work, "project");
    mkdirSync(join(project, "environments"), { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const env = (name: string, loadBalancer: string): void => {
    writeFileSync(
      join(project, "environments", `${name}.yml`),
      `branches: true\nproject: shop\ncompose: [${COMPOSE}]\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\n  deletionProtection: false\n${loadBalancer}`,
    );
  };
  const synth = async (envName: string, branch: string, out: string) => {
    const result = await synthesize({ files: [], projectDir: project, profiles: [], envName, branch, outDir: join(work, out), hcl: false, envVars: {} });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    return result;
  };
  const stack = (out: string, name: string): StackJson => JSON.parse(readFileSync(join(work, out, "stacks", name, "cdk.tf.json"), "utf8")) as StackJson;
  const registry = () => join(project, ".compose2ecs", "state", "qa");

  test("GIVEN pool 1 and pool 2 WHEN the base is synthesized THEN every resource and output of pool 1 is unchanged in pool 2, which only adds ALB 2 with its listener", async () => {
    env("qa", "");
    await synth("qa", "main", "one");
    env("qa", "  pool: 2\n");
    await synth("qa", "main", "two");
    const one = stack("one", "qa-base");
    const two = stack("two", "qa-base");
    const added: string[] = [];
    for (const [type, byId] of Object.entries(two.resource ?? {})) {
      for (const [id, body] of Object.entries(byId)) {
        const before = one.resource?.[type]?.[id];
        if (before === undefined) added.push(`${type}.${id}`);
        else expect({ [`${type}.${id}`]: body }).toEqual({ [`${type}.${id}`]: before });
      }
    }
    for (const [type, byId] of Object.entries(one.resource ?? {})) for (const id of Object.keys(byId)) expect(two.resource?.[type]?.[id]).toBeDefined();
    expect(added.map((a) => a.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual([
      "aws_lb.load-balancer-shop-qa-alb2_alb",
      "aws_lb_listener.load-balancer-shop-qa-alb2_http",
    ]);
    const alb2 = Object.values(two.resource?.aws_lb ?? {}).find((lb) => lb.name === "shop-qa-alb2");
    const alb1 = Object.values(two.resource?.aws_lb ?? {}).find((lb) => lb.name === "shop-qa");
    // Same settings and the one security group of ALB 1.
    expect(alb2?.security_groups).toEqual(alb1?.security_groups);
    expect({ ...alb2, name: "x", "//": undefined }).toEqual({ ...alb1, name: "x", "//": undefined });
    expect(Object.keys(two.output ?? {}).sort()).toEqual([...Object.keys(one.output ?? {}), "load_balancer_2_dns_name"].sort());
  });

  test("GIVEN a pool of 2 with room for two branch listeners each WHEN three branches are synthesized THEN the third goes on ALB 2, whose name its stack looks up", async () => {
    env("qa", "  pool: 2\n  quotas:\n    listenersPerAlb: 3\n");
    for (const [i, b] of ["one", "two", "three"].entries()) await synth("qa", b, `b${i}`);
    const lookedUp = ["one", "two", "three"].map((b, i) => Object.values(stack(`b${i}`, `qa-${branchSlug(b)}`).data?.aws_lb ?? {}).map((lb) => lb.name));
    expect(lookedUp).toEqual([["shop-qa"], ["shop-qa"], ["shop-qa-alb2"]]);
    const ports = ["one", "two", "three"].map((b, i) =>
      Object.values(stack(`b${i}`, `qa-${branchSlug(b)}`).resource?.aws_lb_listener ?? {}).map((l) => l.port),
    );
    expect(ports).toEqual([[10001], [10002], [10003]]);
    const records = await listSlots(new LocalSlotStore(registry()));
    expect(records.map((r) => [r.branch, r.slot, r.alb, r.usage])).toEqual([
      ["one", 1, 1, { targetGroups: 2, rules: 2, listeners: 1 }],
      ["two", 2, 1, { targetGroups: 2, rules: 2, listeners: 1 }],
      ["three", 3, 2, { targetGroups: 2, rules: 2, listeners: 1 }],
    ]);
    // A fifth branch fits nowhere: synth fails naming the pool size, writes no output and takes no slot.
    await synth("qa", "four", "b3");
    const fifth = await synthesize({
      files: [],
      projectDir: project,
      profiles: [],
      envName: "qa",
      branch: "five",
      outDir: join(work, "b4"),
      hcl: false,
      envVars: {},
    });
    expect(fifth.diagnostics.filter((d) => d.severity === "error").map((d) => [d.path, d.location?.line, d.message])).toEqual([
      ["loadBalancer.pool", 7, expect.stringMatching(/raise loadBalancer\.pool to 3/)],
    ]);
    expect(readdirSync(work)).not.toContain("b4");
    expect((await listSlots(new LocalSlotStore(registry()))).map((r) => r.branch)).toEqual(["one", "two", "three", "four"]);
  });

  test("GIVEN a held branch WHEN planned read-only (check, diff, diagram) THEN the registry is not written, even when its usage changed", async () => {
    env("qa", "  pool: 2\n");
    await synth("qa", "one", "b0");
    const store = new LocalSlotStore(registry());
    const [record] = await listSlots(store);
    if (record === undefined) throw new Error("no record");
    await updateRecord(store, { ...record, usage: { targetGroups: 9, rules: 9, listeners: 1 } });
    const before = files(registry());
    const planned = await planRequest({ projectDir: project, envName: "qa", branch: "one", envVars: {} });
    expect(planned.plan?.app.alb).toEqual({ index: 1, name: "shop-qa" });
    await planRequest({ projectDir: project, envName: "qa", branch: "new", envVars: {} });
    expect(files(registry())).toEqual(before);
    // synth refreshes the recorded usage to the branch's current one.
    await synth("qa", "one", "b1");
    expect((await listSlots(store))[0]?.usage).toEqual({ targetGroups: 2, rules: 2, listeners: 1 });
  });

  test("GIVEN a held branch whose ALB has filled up since WHEN synthesized THEN the error says to move it, naming the ALB with room", async () => {
    env("qa", "  pool: 2\n  quotas:\n    rulesPerAlb: 4\n");
    await synth("qa", "one", "b0");
    await synth("qa", "two", "b1");
    const store = new LocalSlotStore(registry());
    const two = (await listSlots(store)).find((r) => r.branch === "two");
    if (two === undefined) throw new Error("no record");
    // Another branch's record on ALB 1 now claims more rules (its services grew).
    await updateRecord(store, { ...two, usage: { targetGroups: 3, rules: 3, listeners: 1 } });
    const result = await synthesize({
      files: [],
      projectDir: project,
      profiles: [],
      envName: "qa",
      branch: "one",
      outDir: join(work, "b2"),
      hcl: false,
      envVars: {},
    });
    expect(result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([
      expect.stringMatching(
        /branch "one" is placed on load balancer 1 .*\(3 \+ 2 listener rules > 4\).*down --env qa --branch one\) and deploy it again to move it to load balancer 2/,
      ),
    ]);
    // `down` plans the branch to destroy it, which is the fix: no quota check stands in its way.
    const forDown = await planRequest({ projectDir: project, envName: "qa", branch: "one", forDestroy: true, envVars: {} });
    expect(forDown.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(forDown.plan?.app.alb.index).toBe(1);
  });

  test("GIVEN a branch placed on ALB 2 WHEN the pool shrinks to 1 THEN its plan fails at loadBalancer.pool saying to destroy it first", async () => {
    env("qa", "  pool: 2\n");
    await synth("qa", "one", "b0");
    const store = new LocalSlotStore(registry());
    const [record] = await listSlots(store);
    if (record === undefined) throw new Error("no record");
    await updateRecord(store, { ...record, alb: 2 });
    env("qa", "");
    const planned = await planRequest({ projectDir: project, envName: "qa", branch: "one", envVars: {} });
    expect(planned.plan).toBeUndefined();
    expect(planned.diagnostics.filter((d) => d.severity === "error").map((d) => [d.path, d.message])).toEqual([
      [
        "loadBalancer.pool",
        expect.stringMatching(
          /branch "one" is placed on load balancer 2 of the pool, but loadBalancer.pool is 1: .*destroy it \(compose2ecs down --env qa --branch one\) before shrinking the pool/,
        ),
      ],
    ]);
  });

  test("GIVEN a domain, pool 2 and a hosted zone WHEN a branch is synthesized THEN its stack has its own alias record of its ALB; without a zone (pool 1) none", async () => {
    env("qa", "  domain: qa.example.com\n  pool: 2\n  hostedZoneId: Z0123456789ABC\n");
    await synth("qa", "feature/dns", "dns");
    const slug = branchSlug("feature/dns");
    const branch = stack("dns", `qa-${slug}`);
    const records = Object.values(branch.resource?.aws_route53_record ?? {});
    expect(records).toEqual([
      expect.objectContaining({
        zone_id: "Z0123456789ABC",
        name: `${slug}.qa.example.com`,
        type: "A",
        alias: {
          name: expect.stringMatching(/^\$\{data\.aws_lb\.base_alb_[0-9A-F]{8}\.dns_name\}$/),
          zone_id: expect.stringMatching(/\.zone_id\}$/),
          evaluate_target_health: false,
        },
      }),
    ]);
    env("qa2", "  domain: qa.example.com\n");
    await synth("qa2", "feature/dns", "nodns");
    expect(stack("nodns", `qa2-${slug}`).resource?.aws_route53_record).toBeUndefined();
  });

  test("GIVEN the same pool, branches and registry WHEN synthesized twice THEN the output is byte-identical", async () => {
    env("qa", "  pool: 2\n  quotas:\n    listenersPerAlb: 3\n");
    for (const b of ["one", "two"]) await synth("qa", b, `a-${b}`);
    await synth("qa", "three", "a1");
    await synth("qa", "three", "again");
    expect(files(join(work, "again"))).toEqual(files(join(work, "a1")));
    expect(Object.values(stack("again", `qa-${branchSlug("three")}`).data?.aws_lb ?? {}).map((lb) => lb.name)).toEqual(["shop-qa-alb2"]);
  });
});

describe("albNameInState", () => {
  test("GIVEN a branch state THEN the ALB it looked up is read from its base lookup, not the network load balancer's", () => {
    const state = {
      resources: [
        { mode: "data", type: "aws_lb", name: "base_alb_9A8C9EFB", instances: [{ attributes: { name: "shop-qa-alb2" } }] },
        { mode: "data", type: "aws_lb", name: "base_nlb_12345678", instances: [{ attributes: { name: "shop-qa-nlb" } }] },
      ],
    };
    expect(albNameInState(JSON.stringify(state))).toBe("shop-qa-alb2");
    expect(albNameInState("{}")).toBeUndefined();
    expect(albNameInState("not json")).toBeUndefined();
  });
});

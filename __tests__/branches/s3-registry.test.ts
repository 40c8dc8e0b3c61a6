import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBranches } from "../../cli/commands/branches";
import { EnvironmentConfig } from "../../config/environment-model";
import { loadEnvironment } from "../../config/load-environment";
import { branchSlug } from "../../naming/branch-slug";
import { allocateSlot, listSlots, readRecord, recordDeployment, SlotRecord, SlotStore } from "../../state/priority-slots";
import { slotRegistryFor } from "../../state/slot-registry";
import { captureOutput, runCli } from "../helpers/run-cli";
import { FAKE_CREDENTIALS, Moto, startMoto } from "./moto";
import { randomBranchNames } from "./random-branches";

/** The S3 slot registry and state listing against moto_server (an S3 emulator on 127.0.0.1). */

const BUCKET = "compose2ecs-state-test";
let moto: Moto;
let project: string;
let env: EnvironmentConfig;
const savedEnv = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, FAKE_CREDENTIALS);
  moto = await startMoto();
  const client = new S3Client({ region: "eu-west-1", endpoint: moto.endpoint, forcePathStyle: true });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
  project = mkdtempSync(join(tmpdir(), "c2e-s3-"));
  mkdirSync(join(project, "environments"));
  writeFileSync(
    join(project, "environments", "qa.yml"),
    `branches: true\naws:\n  endpoint: ${moto.endpoint}\nloadBalancer:\n  allowedCidrs: [203.0.113.0/24]\nstate:\n  backend: s3\n  bucket: ${BUCKET}\n  prefix: states\n`,
  );
  writeFileSync(join(project, "compose.yaml"), 'name: shop\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n');
  const loaded = loadEnvironment("qa", project);
  if (loaded.env === undefined) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  env = loaded.env;
});

afterAll(async () => {
  await moto?.stop();
  rmSync(project, { recursive: true, force: true });
  process.env = savedEnv;
});

function client(): S3Client {
  return new S3Client({ region: "eu-west-1", endpoint: moto.endpoint, forcePathStyle: true });
}

function registryStore(): SlotStore {
  const { registry } = slotRegistryFor(env, project, process.env);
  if (registry === undefined) throw new Error("no registry");
  return registry.store;
}

/** Every object in the bucket with its ETag: what a command wrote, if anything. */
async function bucketContents(): Promise<string[]> {
  const page = await client().send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (page.Contents ?? []).map((o) => `${o.Key ?? ""} ${o.ETag ?? ""}`).sort();
}

test("GIVEN an s3 environment WHEN a new branch is drawn, or synthesized with a planner error THEN the bucket is untouched; a good synth allocates there", async () => {
  const before = await bucketContents();
  const diagram = await runCli(["diagram", "-C", project, "--env", "qa", "--branch", "feature/drawn-only"]);
  expect(diagram.code).toBe(0);
  expect(await bucketContents()).toEqual(before);

  writeFileSync(
    join(project, "environments", "broken.yml"),
    readFileSync(join(project, "environments", "qa.yml"), "utf8").replace("allowedCidrs: [203.0.113.0/24]", "allowedCidrs: []"),
  );
  const failed = await runCli(["synth", "-C", project, "--env", "broken", "--branch", "feature/broken", "--out", join(project, "out-broken")]);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/loadBalancer\.allowedCidrs/);
  expect(await bucketContents()).toEqual(before);

  const synth = await runCli(["synth", "-C", project, "--env", "qa", "--branch", "feature/synthesized", "--out", join(project, "out")]);
  expect(synth.code).toBe(0);
  expect((await bucketContents()).filter((k) => !before.includes(k)).map((k) => k.split(" ")[0])).toEqual(
    [`states/qa/branches/${branchSlug("feature/synthesized")}.json`, "states/qa/slots/1"].sort(),
  );
});

test("GIVEN 16 branches allocated concurrently in S3, three times each WHEN done THEN each branch has one slot and no slot is shared", async () => {
  const store = registryStore();
  const names = randomBranchNames(16, 77);
  const now = new Date();
  const results = await Promise.all(
    [...names, ...names, ...names].map((n) => allocateSlot(store, { envName: "qa", branch: n, slug: branchSlug(n), limit: 999 }, now)),
  );
  expect(results.flatMap((r) => r.diagnostics)).toEqual([]);
  const bySlug = new Map<string, number>();
  for (const r of results) {
    const record = r.record;
    if (record === undefined) throw new Error("no record");
    expect(bySlug.get(record.slug) ?? record.slot).toBe(record.slot);
    bySlug.set(record.slug, record.slot);
  }
  expect(new Set(bySlug.values()).size).toBe(16);
  // feature/synthesized from the first test holds a slot too.
  expect((await listSlots(store)).length).toBe(17);
});

test("GIVEN branches with state objects in the bucket WHEN listed and garbage-collected THEN S3 is the source and gc deletes state and slot", async () => {
  const { record: branch } = await allocateSlot(
    registryStore(),
    { envName: "qa", branch: "feature/s3-gone", slug: branchSlug("feature/s3-gone"), limit: 48 },
    new Date(),
  );
  if (branch === undefined) throw new Error("no slot");
  await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: `states/qa/${branch.slug}.tfstate`, Body: "{}" }));
  await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: "states/qa/base.tfstate", Body: "{}" }));

  let out = "";
  const spy = jest.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((out += c.toString()), true));
  try {
    expect(await runBranches(["list", "--env", "qa", "-C", project, "--json"])).toBe(0);
    const listed = JSON.parse(out) as Array<{ branch: string; state: string | null; lastModified: string }>;
    const gone = listed.find((b) => b.branch === "feature/s3-gone");
    expect(gone?.state).toBe(`s3://${BUCKET}/states/qa/${branch.slug}.tfstate`);
    expect(listed.some((b) => b.state?.endsWith("/base.tfstate"))).toBe(false);

    out = "";
    const live = join(project, "live.txt");
    writeFileSync(live, "main\n");
    expect(
      await runBranches(["gc", "--env", "qa", "-C", project, "--live", live, "--destroy", "--json"], async () => ({
        ok: true,
        detail: "0 resource(s) destroyed",
      })),
    ).toBe(0);
    // One JSON object per line, as each branch is done.
    const outcomes = out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { branch: string; action: string });
    expect(outcomes.find((o) => o.branch === "feature/s3-gone")?.action).toBe("destroyed");

    out = "";
    await runBranches(["list", "--env", "qa", "-C", project, "--json"]);
    expect(JSON.parse(out)).toEqual([]);
  } finally {
    spy.mockRestore();
  }
});

test("GIVEN an S3 environment with branchTtl WHEN up's deploy times are recorded and gc --expired --destroy runs THEN records are replaced in S3, and only the branch past the TTL goes", async () => {
  writeFileSync(
    join(project, "environments", "ttl.yml"),
    readFileSync(join(project, "environments", "qa.yml"), "utf8").replace("branches: true\n", "branches: true\nbranchTtl: 2d\n"),
  );
  const loaded = loadEnvironment("ttl", project);
  if (loaded.env === undefined) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  const { registry } = slotRegistryFor(loaded.env, project, process.env);
  if (registry === undefined) throw new Error("no registry");
  const now = Date.now();
  const hoursAgo = (h: number) => new Date(now - h * 3_600_000);
  const deployed: Record<string, SlotRecord> = {};
  for (const [name, hours] of [
    ["feature/idle", 60],
    ["feature/busy", 1],
  ] as const) {
    const { record } = await allocateSlot(registry.store, { envName: "ttl", branch: name, slug: branchSlug(name), limit: 48 }, hoursAgo(200));
    if (record === undefined) throw new Error("no slot");
    expect(await recordDeployment(registry.store, record, hoursAgo(hours))).toBeUndefined();
    // The PUT replaced the record object that allocation created: read back, it has the deploy time.
    expect(await readRecord(registry.store, record.slug)).toEqual({ ...record, lastDeployedAt: hoursAgo(hours).toISOString() });
    await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: `states/ttl/${record.slug}.tfstate`, Body: "{}" }));
    deployed[name] = record;
  }

  const { stdout } = await captureOutput(() =>
    runBranches(["gc", "--env", "ttl", "-C", project, "--expired", "--destroy", "--json"], async () => ({ ok: true, detail: "0 resource(s) destroyed" })),
  );
  const outcomes = stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { branch: string; action: string; reasons: string[] });
  expect(outcomes).toEqual([expect.objectContaining({ branch: "feature/idle", action: "destroyed", reasons: ["expired"] })]);
  const keys = (await client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "states/ttl/" }))).Contents?.map((o) => o.Key).sort();
  expect(keys).toEqual(
    [
      `states/ttl/${deployed["feature/busy"].slug}.tfstate`,
      `states/ttl/branches/${deployed["feature/busy"].slug}.json`,
      `states/ttl/slots/${deployed["feature/busy"].slot}`,
    ].sort(),
  );
});

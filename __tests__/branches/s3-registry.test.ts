import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBranches } from "../../cli/commands/branches";
import { resolveBranch, resolveBranchAsync } from "../../config/branch-context";
import { EnvironmentConfig } from "../../config/environment-model";
import { loadEnvironment } from "../../config/load-environment";
import { branchSlug } from "../../naming/branch-slug";
import { allocateSlot, listSlots } from "../../state/priority-slots";
import { slotRegistryFor, storeOf } from "../../state/slot-registry";
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
    `branches: true\naws:\n  endpoint: ${moto.endpoint}\nstate:\n  backend: s3\n  bucket: ${BUCKET}\n  prefix: states\n`,
  );
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

test("GIVEN an s3 environment WHEN the branch is resolved synchronously THEN the error says to use the async resolver", () => {
  const { branch, diagnostics } = resolveBranch(env, { branch: "x", projectDir: project, envVars: {} });
  expect(branch).toBeUndefined();
  expect(diagnostics[0].message).toMatch(/keeps its branch slots in S3; resolve the branch with resolveBranchAsync/);
});

test("GIVEN 16 branches allocated concurrently in S3, three times each WHEN done THEN each branch has one slot and no slot is shared", async () => {
  const store = storeOf(slotRegistryFor(env, project, process.env));
  const names = randomBranchNames(16, 77);
  const now = new Date();
  const results = await Promise.all([...names, ...names, ...names].map((n) => allocateSlot(store, "qa", n, branchSlug(n), 999, now)));
  expect(results.flatMap((r) => r.diagnostics)).toEqual([]);
  const bySlug = new Map<string, number>();
  for (const r of results) {
    const record = r.record;
    if (record === undefined) throw new Error("no record");
    expect(bySlug.get(record.slug) ?? record.slot).toBe(record.slot);
    bySlug.set(record.slug, record.slot);
  }
  expect(new Set(bySlug.values()).size).toBe(16);
  expect((await listSlots(store)).length).toBe(16);
});

test("GIVEN branches with state objects in the bucket WHEN listed and garbage-collected THEN S3 is the source and gc deletes state and slot", async () => {
  const { branch } = await resolveBranchAsync(env, { branch: "feature/s3-gone", projectDir: project, envVars: {} });
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
    expect(await runBranches(["gc", "--env", "qa", "-C", project, "--live", live, "--destroy", "--json"], async () => ({ ok: true, detail: "0 resource(s) destroyed" }))).toBe(0);
    const outcomes = JSON.parse(out) as Array<{ branch: string; action: string }>;
    expect(outcomes.find((o) => o.branch === "feature/s3-gone")?.action).toBe("destroyed");

    out = "";
    await runBranches(["list", "--env", "qa", "-C", project, "--json"]);
    expect(JSON.parse(out)).toEqual([]);
  } finally {
    spy.mockRestore();
  }
});

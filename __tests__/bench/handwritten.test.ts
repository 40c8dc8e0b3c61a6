import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_ENVIRONMENT, generatedCompose } from "../../bench/generate";
import { synthHandwritten } from "../../bench/handwritten/app";
import { runCli } from "../helpers/run-cli";
import { exampleProjectDir } from "../synth/project-dir";

/**
 * The bench compares compose2ecs with a cdktf app written by hand (bench/handwritten/app.ts); the
 * ratio means something only while both make the same infrastructure. Per stack, the hand-written
 * app must emit the same resource and data source types, as many of each, as compose2ecs.
 */

type Counts = Record<string, Record<string, number>>;

/** Per stack: `type` (resources) and `data.type` (data sources) with how many of each. */
function resourceCounts(outDir: string): Counts {
  const out: Counts = {};
  for (const stack of readdirSync(join(outDir, "stacks")).sort()) {
    const json = JSON.parse(readFileSync(join(outDir, "stacks", stack, "cdk.tf.json"), "utf8")) as Record<
      string,
      Record<string, Record<string, unknown>> | undefined
    >;
    const counts: Record<string, number> = {};
    for (const [kind, label] of [
      ["resource", ""],
      ["data", "data."],
    ] as const) {
      for (const [type, blocks] of Object.entries(json[kind] ?? {})) counts[`${label}${type}`] = Object.keys(blocks).length;
    }
    out[stack] = counts;
  }
  return out;
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "compose2ecs-bench-reference-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the bench's hand-written cdktf app", () => {
  test("GIVEN the 3-service example WHEN synthesized by hand and by compose2ecs (production) THEN every stack has the same resource types and counts", async () => {
    const { root: exampleRoot, projectDir } = exampleProjectDir();
    try {
      const viaCli = join(root, "example-cli");
      expect((await runCli(["synth", "-C", projectDir, "--env", "production", "--out", viaCli])).code).toBe(0);
      const byHand = join(root, "example-hand");
      synthHandwritten(byHand);
      expect(resourceCounts(byHand)).toEqual(resourceCounts(viaCli));
    } finally {
      rmSync(exampleRoot, { recursive: true, force: true });
    }
  });

  test.each([3, 50, 200])(
    "GIVEN the bench's generated project of %i services WHEN synthesized by hand and by compose2ecs THEN every stack has the same resource types and counts",
    async (n) => {
      const project = join(root, `generated-${n}`);
      mkdirSync(join(project, "environments"), { recursive: true });
      writeFileSync(join(project, "docker-compose.yml"), generatedCompose(n));
      writeFileSync(join(project, "environments", "bench.yml"), BENCH_ENVIRONMENT);
      const viaCli = join(project, "out-cli");
      expect((await runCli(["synth", "-C", project, "--env", "bench", "--out", viaCli])).code).toBe(0);
      const byHand = join(project, "out-hand");
      synthHandwritten(byHand, n);
      const counts = resourceCounts(viaCli);
      expect(counts["bench-app"]?.aws_ecs_service).toBe(n);
      expect(resourceCounts(byHand)).toEqual(counts);
    },
  );
});

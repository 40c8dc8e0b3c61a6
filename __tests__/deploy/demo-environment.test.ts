import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseEnvironment } from "../../config/load-environment";
import { remainingPlaceholders } from "../../config/placeholders";
import { bundledExampleDir, demoEnvironment } from "../../testing/demo";
import { materialise, readManifest } from "../validate/corpus";

/** `compose2ecs demo -f FILE`: the environment it deploys the user's project with (the deployment itself is the up/down e2e's). */

describe("the demo's environment", () => {
  test("GIVEN a user's corpus project WHEN the demo environment is made THEN it loads, names the user's compose file by absolute path, points at the emulator, keeps state there, and has no placeholder up would refuse", () => {
    const entry = readManifest().find((e) => e.file === "awesome-compose__gitea-postgres__compose.yml");
    if (entry === undefined) throw new Error("corpus entry missing");
    const { dir, composeFile } = materialise(entry);
    try {
      const { text, project } = demoEnvironment({ files: [], branches: ["main"], keep: false }, dirname(composeFile), "http://127.0.0.1:5999");
      expect(project).toBe("corpus-project");
      const { env, diagnostics } = parseEnvironment("qa", text, "qa.yml");
      expect(diagnostics).toEqual([]);
      if (env === undefined) throw new Error("did not load");
      expect(env.composeFiles).toEqual([composeFile]);
      expect(env.aws.endpoint).toBe("http://127.0.0.1:5999");
      expect(env.state).toMatchObject({ kind: "s3", bucket: "compose2ecs-demo-state" });
      expect(env.branches).toBe(true);
      expect(env.project).toBe("corpus-project");
      // moto gives every service one running task; the demo asks each for one, and serves the web entry at /.
      expect(env.services).toEqual({ db: { replicas: 1 }, gitea: { replicas: 1, path: "/" } });
      expect(remainingPlaceholders(env)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("GIVEN no project WHEN the demo looks for the bundled example THEN it finds examples/seed", () => {
    expect(readFileSync(join(bundledExampleDir(), "docker-compose.yml"), "utf8")).toMatch(/^name: multi-env$/m);
  });
});

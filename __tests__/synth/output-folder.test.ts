import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { sweepStaleTemporaryFolders } from "../../stacks/output-folder";
import { exampleProjectDir, readTree, REPO, runCli } from "./project-dir";

/**
 * Issue 11 (data loss) and issue 10 (one manifest for all environments): synth replaces its
 * output folder only when it is new, empty or an earlier synth's output, keeps the stacks of
 * other environments and branches, and never leaves its temporary folder behind.
 */

/** Every path under `dir` with its bytes (folders included, so a deleted empty folder shows). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const path = rel === "" ? name : `${rel}/${name}`;
      if (readdirSyncSafe(full) !== undefined) {
        out.set(`${path}/`, "");
        walk(full, path);
      } else out.set(path, readFileSync(full, "utf8"));
    }
  };
  walk(dir, "");
  return out;
}

function readdirSyncSafe(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch {
    return undefined;
  }
}

function manifestStacks(out: string): string[] {
  return Object.keys((JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> }).stacks).sort();
}

function temporaryFolders(out: string): string[] {
  return readdirSync(dirname(out)).filter((e) => e.startsWith(`.${basename(out)}.`));
}

/** A project with a git folder and the bundled example, as a user's repository looks. */
function userProject(): { root: string; projectDir: string } {
  const made = exampleProjectDir();
  mkdirSync(join(made.projectDir, ".git", "refs"), { recursive: true });
  writeFileSync(join(made.projectDir, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(join(made.projectDir, "docker-compose.yml"), readFileSync(join(made.projectDir, "examples", "seed", "docker-compose.yml"), "utf8"));
  return made;
}

describe("synth --out: which folders may be replaced", () => {
  test.each([
    [
      ". (the project itself, .git included)",
      (p: string) => p,
      /--out: \S+ holds files that are not synth output \(\.git, docker-compose\.yml, environments, \.\.\. \(4 in all\)\); synth replaces its output folder/,
    ],
    [
      "environments (the environment files)",
      (p: string) => join(p, "environments"),
      /--out: \S*environments holds files that are not synth output \(production\.yml, qa\.yml\)/,
    ],
    ["docker-compose.yml (a file)", (p: string) => join(p, "docker-compose.yml"), /--out: \S*docker-compose\.yml is a file, not a folder/],
    [
      "a folder with a manifest.json that is not cdktf's",
      (p: string) => {
        const dir = join(p, "not-synth");
        mkdirSync(join(dir, "stacks"), { recursive: true });
        writeFileSync(join(dir, "manifest.json"), '{"name": "my app"}');
        return dir;
      },
      /not-synth has a manifest\.json that is not a cdktf manifest/,
    ],
    [
      "an earlier synth output with a file of the user's added",
      (p: string) => {
        const dir = join(p, "synth-plus");
        mkdirSync(join(dir, "stacks"), { recursive: true });
        writeFileSync(join(dir, "manifest.json"), '{"version": "0.21.0", "stacks": {}}');
        writeFileSync(join(dir, "NOTES.md"), "mine\n");
        return dir;
      },
      /synth-plus holds files that are not synth output \(NOTES\.md\)/,
    ],
  ])("GIVEN --out %s WHEN synthesized THEN exit 1 naming the folder, and nothing is touched", async (_name, outOf, message) => {
    const { projectDir } = userProject();
    const out = outOf(projectDir);
    const before = snapshot(projectDir);
    const result = await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Nothing was written/);
    expect(snapshot(projectDir)).toEqual(before);
    expect(temporaryFolders(out)).toEqual([]);
  });

  test.each([[""], ["  "]])("GIVEN --out %j (an unset $OUTDIR) WHEN synthesized THEN exit 2, a usage error, nothing touched", async (out) => {
    const { projectDir } = userProject();
    const before = snapshot(projectDir);
    const result = await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out is empty/);
    expect(snapshot(projectDir)).toEqual(before);
  });

  test("GIVEN an empty folder WHEN synthesized into THEN it holds the synth output", async () => {
    const { root, projectDir } = userProject();
    const out = join(root, "empty");
    mkdirSync(out);
    expect((await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out])).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["manifest.json", "stacks"]);
  });
});

describe("synth --out: one manifest for every environment", () => {
  test("GIVEN qa branches and production synthesized into one folder THEN every stack is kept and listed, each as a solo synth writes it", async () => {
    const { root, projectDir } = userProject();
    const out = join(root, "cdktf.out");
    const synth = async (...flags: string[]): Promise<void> => {
      const result = await runCli(["synth", "-C", projectDir, "--out", out, ...flags]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    };
    await synth("--env", "qa", "--branch", "feature/a");
    await synth("--env", "production");
    const qaStacks = manifestStacks(out).filter((s) => s.startsWith("qa-"));
    expect(manifestStacks(out)).toEqual(["production-app", "production-base", ...qaStacks]);
    expect(qaStacks).toEqual([expect.stringMatching(/^qa-a-[a-z0-9]+$/), "qa-base"]);
    const third = await runCli(["synth", "-C", projectDir, "--out", out, "--env", "qa", "--branch", "feature/b"]);
    expect(third.stdout).toMatch(/^Kept 3 other stacks already there \(listed in \S+\/manifest\.json\): production-app, production-base, qa-a-[a-z0-9]+$/m);
    const all = manifestStacks(out);
    expect(all).toHaveLength(5);
    expect(all.filter((s) => /^qa-[ab]-/.test(s))).toHaveLength(2);
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(all);

    // Each stack is exactly what synth writes for it alone.
    const solo = join(root, "solo-production");
    const result = await runCli(["synth", "-C", projectDir, "--env", "production", "--out", solo]);
    expect(result.code).toBe(0);
    const together = readTree(out);
    for (const [file, text] of readTree(solo)) if (file !== "manifest.json") expect(together.get(file)).toBe(text);
    expect(temporaryFolders(out)).toEqual([]);
  });

  test("GIVEN terraform's files in stack folders WHEN synthesized again THEN they are kept; the stack files are rewritten", async () => {
    const { root, projectDir } = userProject();
    const out = join(root, "cdktf.out");
    await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out]);
    await runCli(["synth", "-C", projectDir, "--env", "qa", "--branch", "feature/a", "--out", out]);
    const app = join(out, "stacks", "production-app");
    const qaBase = join(out, "stacks", "qa-base");
    mkdirSync(join(app, ".terraform", "providers"), { recursive: true });
    writeFileSync(join(app, ".terraform", "providers", "marker"), "provider\n");
    writeFileSync(join(app, ".terraform.lock.hcl"), "lock\n");
    writeFileSync(join(qaBase, "terraform.tfstate"), "state\n");
    const original = readFileSync(join(app, "cdk.tf.json"), "utf8");
    writeFileSync(join(app, "cdk.tf.json"), "stale");
    expect((await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out])).code).toBe(0);
    expect(readFileSync(join(app, ".terraform", "providers", "marker"), "utf8")).toBe("provider\n");
    expect(readFileSync(join(app, ".terraform.lock.hcl"), "utf8")).toBe("lock\n");
    expect(readFileSync(join(app, "cdk.tf.json"), "utf8")).toBe(original);
    expect(readFileSync(join(qaBase, "terraform.tfstate"), "utf8")).toBe("state\n");
  });

  test("GIVEN synth --hcl after a JSON synth WHEN synthesized THEN the rewritten stacks hold only cdk.tf and the others keep cdk.tf.json", async () => {
    const { root, projectDir } = userProject();
    const out = join(root, "cdktf.out");
    await runCli(["synth", "-C", projectDir, "--env", "qa", "--branch", "feature/a", "--out", out]);
    expect((await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out, "--hcl"])).code).toBe(0);
    expect(readdirSync(join(out, "stacks", "production-app")).sort()).toEqual(["cdk.tf", "metadata.json"]);
    expect(readdirSync(join(out, "stacks", "qa-base"))).toEqual(["cdk.tf.json"]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
    expect(manifest.stacks["production-app"]?.synthesizedStackPath).toBe("stacks/production-app/cdk.tf");
    expect(manifest.stacks["qa-base"]?.synthesizedStackPath).toBe("stacks/qa-base/cdk.tf.json");
  });
});

const CLI = join(REPO, "dist", "cli", "main.js");

function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run \`npm run build\` first (npm test does)`);
}

/** `compose2ecs synth` as a real process that holds its complete temporary folder until signalled. */
function startHeldSynth(projectDir: string, out: string): ChildProcess {
  requireBuild();
  return spawn(process.execPath, [CLI, "synth", "-C", projectDir, "--env", "production", "--out", out], {
    env: { ...process.env, COMPOSE2ECS_TEST_HOLD_OUTPUT_MS: "120000" },
    stdio: "ignore",
  });
}

/** Waits until the child's temporary folder holds a complete synth (its manifest is written). */
async function untilHeld(child: ChildProcess, out: string): Promise<string> {
  for (let i = 0; i < 1200; i++) {
    const temp = temporaryFolders(out).find((e) => e.startsWith(`.${basename(out)}.tmp-${child.pid}-`));
    if (temp !== undefined && existsSync(join(dirname(out), temp, "manifest.json"))) return temp;
    if (child.exitCode !== null) throw new Error(`synth exited (${child.exitCode}) before holding its output`);
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error("synth never reached its complete temporary folder");
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => done({ code, signal }));
  });
}

describe("synth interrupted", () => {
  test.each([["SIGTERM" as const], ["SIGINT" as const]])(
    "GIVEN a synth holding its complete temporary folder WHEN it gets %s THEN it ends by that signal, removes the folder and leaves the previous output as it was",
    async (signal) => {
      const { root, projectDir } = userProject();
      const out = join(root, "cdktf.out");
      expect((await runCli(["synth", "-C", projectDir, "--env", "qa", "--branch", "feature/a", "--out", out])).code).toBe(0);
      const before = snapshot(out);
      const child = startHeldSynth(projectDir, out);
      await untilHeld(child, out);
      child.kill(signal);
      expect(await exited(child)).toEqual({ code: null, signal });
      expect(temporaryFolders(out)).toEqual([]);
      expect(snapshot(out)).toEqual(before);
    },
  );

  test("GIVEN a synth killed with SIGKILL (cannot be caught) WHEN synth runs again THEN the stale temporary folder is swept and the output is complete", async () => {
    const { root, projectDir } = userProject();
    const out = join(root, "cdktf.out");
    const child = startHeldSynth(projectDir, out);
    const temp = await untilHeld(child, out);
    child.kill("SIGKILL");
    expect((await exited(child)).signal).toBe("SIGKILL");
    expect(temporaryFolders(out)).toEqual([temp]);
    expect((await runCli(["synth", "-C", projectDir, "--env", "production", "--out", out])).code).toBe(0);
    expect(temporaryFolders(out)).toEqual([]);
    expect(manifestStacks(out)).toEqual(["production-app", "production-base"]);
  });
});

describe("sweeping temporary folders", () => {
  /** A process id that no longer runs. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(child.stdout);
  }

  test("GIVEN folders of a dead run, of a live run and old and new ones without a process id WHEN swept THEN only the dead run's and the old ones go", () => {
    const { root } = exampleProjectDir();
    const make = (name: string): string => {
      mkdirSync(join(root, name, "stacks"), { recursive: true });
      return name;
    };
    const dead = make(`.cdktf.out.tmp-${deadPid()}-AbC123`);
    const live = make(`.cdktf.out.tmp-${process.pid}-XyZ789`);
    const legacyOld = make(".cdktf.out.tmp-QwErTy");
    const legacyNew = make(".cdktf.out.tmp-AsDfGh");
    const someoneElses = make(".other.tmp-1-AbC123");
    const hourAgo = (Date.now() - 3600_000) / 1000;
    utimesSync(join(root, legacyOld), hourAgo, hourAgo);
    sweepStaleTemporaryFolders(root, "cdktf.out");
    const left = readdirSync(root);
    expect(left).not.toContain(dead);
    expect(left).not.toContain(legacyOld);
    expect(left).toEqual(expect.arrayContaining([live, legacyNew, someoneElses]));
  });

  test("GIVEN a run that died after moving the previous output aside WHEN swept THEN the previous output is put back", () => {
    const { root } = exampleProjectDir();
    const aside = join(root, `.cdktf.out.old-${deadPid()}-AbC123`);
    mkdirSync(join(aside, "stacks"), { recursive: true });
    writeFileSync(join(aside, "manifest.json"), '{"version": "0.21.0", "stacks": {}}');
    sweepStaleTemporaryFolders(root, "cdktf.out");
    expect(existsSync(aside)).toBe(false);
    expect(readdirSync(join(root, "cdktf.out")).sort()).toEqual(["manifest.json", "stacks"]);
  });
});

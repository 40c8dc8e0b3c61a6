import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exampleProjectDir, runCli } from "./project-dir";

/**
 * Named volumes hold the data a compose project cares about. Production file systems are backed
 * up and Terraform refuses to destroy them; `synth --allow-data-loss` releases that refusal for a
 * deliberate destruction; QA branch volumes die with the branch.
 */

interface Stack {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
}

/** The example with a database on a named volume added. */
function projectWithDatabase(): { root: string; projectDir: string } {
  const dir = exampleProjectDir();
  const file = join(dir.projectDir, "examples/seed/docker-compose.yml");
  writeFileSync(
    file,
    `${readFileSync(file, "utf8")}\n  db:\n    image: postgres:16\n    volumes: ['pgdata:/var/lib/postgresql/data']\n\nvolumes:\n  pgdata: {}\n`,
  );
  return dir;
}

async function synth(args: readonly string[], stack: string): Promise<{ json: Stack; stdout: string }> {
  const { root, projectDir } = projectWithDatabase();
  const out = join(root, "out");
  const result = await runCli(["synth", "-C", projectDir, "--out", out, ...args]);
  if (result.code !== 0) throw new Error(result.stderr);
  return { json: JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")) as Stack, stdout: result.stdout };
}

const fileSystems = (json: Stack) => Object.values(json.resource.aws_efs_file_system ?? {});
const backupPolicies = (json: Stack) => Object.values(json.resource.aws_efs_backup_policy ?? {});

describe("data protection of named volumes in synthesized Terraform", () => {
  test("GIVEN production WHEN synthesized THEN the file system has prevent_destroy and an ENABLED backup policy", async () => {
    const { json } = await synth(["--env", "production"], "production-app");
    expect(fileSystems(json)).toEqual([expect.objectContaining({ lifecycle: { prevent_destroy: true } })]);
    expect(backupPolicies(json)).toEqual([expect.objectContaining({ backup_policy: { status: "ENABLED" } })]);
  });

  test("GIVEN production with --allow-data-loss WHEN synthesized THEN prevent_destroy is gone, backups stay, and synth says so", async () => {
    const { json, stdout } = await synth(["--env", "production", "--allow-data-loss"], "production-app");
    expect(fileSystems(json)).toHaveLength(1);
    expect(fileSystems(json)[0]).not.toHaveProperty("lifecycle");
    expect(backupPolicies(json)).toHaveLength(1);
    expect(stdout).toMatch(/--allow-data-loss: the EFS file systems of pgdata are not protected from terraform destroy/);
  });

  test("GIVEN a QA branch WHEN synthesized THEN its volume has neither protection nor backups", async () => {
    const { json } = await synth(["--env", "qa", "--branch", "feature/login"], "qa-login-ubw21s");
    expect(fileSystems(json)).toHaveLength(1);
    expect(fileSystems(json)[0]).not.toHaveProperty("lifecycle");
    expect(backupPolicies(json)).toEqual([]);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MissingToolError, TerraformSetupError, terraformSetup } from "../../terraform/cli-config";

/**
 * How terraform is run: with the user's own configuration, never replacing TF_CLI_CONFIG_FILE; a
 * mirror-only CLI config only when asked for (--provider-mirror, COMPOSE2ECS_PROVIDER_MIRROR).
 */

let root: string;
let work: string;
let mirror: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "c2e-tf-setup-"));
  work = join(root, "work");
  mkdirSync(work);
  mirror = join(root, "mirror");
  mkdirSync(join(mirror, "registry.terraform.io", "hashicorp"), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("terraformSetup", () => {
  test("GIVEN nothing asked WHEN set up THEN terraform gets the user's environment as it is (no CLI config written)", async () => {
    const setup = await terraformSetup({ envVars: { PATH: "/bin", AWS_PROFILE: "dev" }, workDir: work });
    expect(setup).toEqual({ env: { PATH: "/bin", AWS_PROFILE: "dev", TF_IN_AUTOMATION: "1" } });
    expect(readdirSync(work)).toEqual([]);
  });

  test("GIVEN the user's TF_CLI_CONFIG_FILE and COMPOSE2ECS_PROVIDER_MIRROR WHEN set up THEN the user's file is used, untouched, and a note says the variable is ignored", async () => {
    const user = join(root, "user.tfrc");
    writeFileSync(user, 'credentials "app.terraform.io" {\n  token = "secret"\n}\n');
    const setup = await terraformSetup({ envVars: { TF_CLI_CONFIG_FILE: user, COMPOSE2ECS_PROVIDER_MIRROR: mirror }, workDir: work });
    expect(setup.env.TF_CLI_CONFIG_FILE).toBe(user);
    expect(setup.note).toMatch(/TF_CLI_CONFIG_FILE=.*user\.tfrc is set, so terraform uses it; COMPOSE2ECS_PROVIDER_MIRROR is ignored/);
    expect(readFileSync(user, "utf8")).toContain('token = "secret"');
    expect(readdirSync(work)).toEqual([]);
  });

  test("GIVEN the user's TF_CLI_CONFIG_FILE and --provider-mirror WHEN set up THEN it refuses to choose", async () => {
    const user = join(root, "user.tfrc");
    writeFileSync(user, "");
    await expect(terraformSetup({ envVars: { TF_CLI_CONFIG_FILE: user }, providerMirror: mirror, workDir: work })).rejects.toThrow(TerraformSetupError);
  });

  test.each([
    ["--provider-mirror", { providerMirror: "MIRROR" }, {}],
    ["COMPOSE2ECS_PROVIDER_MIRROR", {}, { COMPOSE2ECS_PROVIDER_MIRROR: "MIRROR" }],
    ["--provider-mirror with a TF_CLI_CONFIG_FILE naming no file", { providerMirror: "MIRROR" }, { TF_CLI_CONFIG_FILE: "/nonexistent/terraformrc" }],
  ])("GIVEN %s WHEN set up THEN a mirror-only CLI config is written to the work folder and used", async (_how, flags, vars) => {
    const resolve = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === "MIRROR" ? mirror : v]));
    const setup = await terraformSetup({ envVars: resolve(vars), workDir: work, ...resolve(flags) });
    const file = setup.env.TF_CLI_CONFIG_FILE ?? "";
    expect(file.startsWith(work)).toBe(true);
    expect(readFileSync(file, "utf8")).toContain(`path    = ${JSON.stringify(mirror)}`);
  });

  test("GIVEN a --provider-mirror that is not a mirror WHEN set up THEN a MissingToolError says what a mirror is", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty);
    await expect(terraformSetup({ envVars: {}, providerMirror: empty, workDir: work })).rejects.toThrow(MissingToolError);
    await expect(terraformSetup({ envVars: {}, providerMirror: empty, workDir: work })).rejects.toThrow(
      /--provider-mirror .*empty has no registry\.terraform\.io folder/,
    );
    expect(existsSync(join(work, "terraform-mirror.rc"))).toBe(false);
  });
});

import { resolve } from "node:path";
import { environmentNameFrom } from "../config/load-environment";
import { DeployRequest } from "../deploy/session";
import { InputError, UsageError } from "./command";

/** The flags `up` and `down` share, and how their errors reach the user. */

export const SHARED_OPTIONS = {
  file: { type: "string" as const, short: "f", multiple: true as const, default: [] as string[] },
  "project-dir": { type: "string" as const, short: "C", default: "." },
  profile: { type: "string" as const, multiple: true as const, default: [] as string[] },
  env: { type: "string" as const },
  branch: { type: "string" as const },
  base: { type: "boolean" as const, default: false },
  out: { type: "string" as const, default: "cdktf.out" },
  "provider-mirror": { type: "string" as const },
};

export const SHARED_HELP = `  -f, --file FILE        compose file (repeatable; default: the environment's compose: list)
  -C, --project-dir DIR  project folder: compose files, environments/, local state (default: .)
      --profile P        compose profile (repeatable; default: the environment's)
      --env NAME         environment file environments/NAME.yml (default: COMPOSE2ECS_ENV)
      --branch NAME      branch of a branch environment (default: BRANCH, else the git branch)
      --base             the environment's base stack (network, ECS cluster, load balancer)
      --out DIR          where the stacks are written: new, empty or an earlier synth's
                         (default: cdktf.out); terraform runs in DIR/stacks/<stack>
      --provider-mirror DIR
                         install providers only from this filesystem mirror (made by \`terraform
                         providers mirror DIR\`), for machines without registry access (default:
                         COMPOSE2ECS_PROVIDER_MIRROR; never when TF_CLI_CONFIG_FILE is set)`;

export const TERRAFORM_NOTE = `terraform runs in the stack folders with your own configuration, exactly as at your shell:
TF_CLI_CONFIG_FILE or ~/.terraformrc (never replaced), the registry's providers, and your AWS
credentials (AWS_PROFILE, ...); aws.endpoint in the environment points it at an emulator.`;

interface SharedValues {
  readonly file?: string[];
  readonly "project-dir"?: string;
  readonly profile?: string[];
  readonly env?: string;
  readonly branch?: string;
  readonly base?: boolean;
  readonly out?: string;
  readonly "provider-mirror"?: string;
}

export function deployRequest(values: SharedValues, command: string): DeployRequest {
  const envName = environmentNameFrom(values.env, process.env);
  if (envName === undefined) throw new UsageError(`--env NAME (or COMPOSE2ECS_ENV) is required: ${command} deploys the settings of environments/NAME.yml`);
  if (values.base === true && values.branch !== undefined) throw new UsageError("--base and --branch exclude each other: the base is shared by every branch");
  const out = values.out ?? "cdktf.out";
  if (out.trim() === "") throw new UsageError("--out is empty: give the output folder (default: cdktf.out)");
  return {
    projectDir: resolve(values["project-dir"] ?? "."),
    files: values.file ?? [],
    profiles: values.profile ?? [],
    envName,
    ...(values.branch !== undefined ? { branch: values.branch } : {}),
    base: values.base === true,
    outDir: out,
    ...(values["provider-mirror"] !== undefined ? { providerMirror: values["provider-mirror"] } : {}),
    envVars: process.env,
    print: (line) => process.stdout.write(line + "\n"),
  };
}

/** DeployError, MissingToolError and TerraformSetupError as the CLI reports them. */
export async function reportingDeployErrors<T>(command: string, work: () => Promise<T>): Promise<T> {
  const { DeployError } = await import("../deploy/stack-terraform");
  const { MissingToolError, TerraformSetupError } = await import("../terraform/cli-config");
  try {
    return await work();
  } catch (error) {
    if (error instanceof DeployError) throw new InputError(error.lines);
    if (error instanceof MissingToolError) throw new InputError([`compose2ecs ${command}: ${error.message}`]);
    if (error instanceof TerraformSetupError) throw new UsageError(error.message);
    throw error;
  }
}

/** "90", "90s", "15m", "1h" as milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (match === null) throw new UsageError(`${flag} ${JSON.stringify(text)}: give a duration such as 90s, 15m or 1h`);
  const unit = match[2] === "h" ? 3_600_000 : match[2] === "m" ? 60_000 : 1000;
  const ms = Math.round(Number(match[1]) * unit);
  if (ms <= 0) throw new UsageError(`${flag} must be more than 0`);
  return ms;
}

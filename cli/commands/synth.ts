import { formatDiagnostic, sortDiagnostics } from "../../compose/diagnostics";
import { Command, InputError, UsageError, parseFlags } from "../command";

const HELP = `Usage: compose2ecs synth [-f FILE]... [-C DIR] [--profile P]... [--env NAME] [--branch NAME] [--out DIR] [--hcl] [--allow-data-loss]

Turns the compose project into Terraform (cdktf's layout): DIR/manifest.json and
DIR/stacks/<stack>/cdk.tf.json for two stacks:
  <env>-base               network, ECS cluster, load balancer (shared by the environment)
  <env>-app | <env>-<slug> the compose services (one stack per branch in branch environments)
Run terraform in each stack folder (base first). The output folder is replaced only when
synth succeeded; on any error nothing is written. It must be new, empty, or an earlier synth's
output (manifest.json and stacks/ only): any other folder or a file is refused. Stacks of other
environments and branches already in it are kept, all listed in one manifest.json.

Options:
  -f, --file FILE      compose file, relative to the project directory (repeatable; later files
                       override earlier ones) (default: the environment's compose list, else
                       compose.yaml/docker-compose.yml in the project directory)
  -C, --project-dir DIR  project directory: compose files, environments/, local state (default: .)
      --profile P      activate a compose profile (repeatable; default: the environment's)
      --env NAME       environment file environments/NAME.yml (default: COMPOSE2ECS_ENV, else the
                       built-in "default" environment, which needs no file)
      --branch NAME    branch for a branch environment (default: BRANCH, else the git branch)
      --image-tag TAG  tag of images built from source (build:) in their ECR repositories;
                       repositories are immutable, so give each build its own tag, e.g.
                       "<branch>-<commit>" (default: COMPOSE2ECS_IMAGE_TAG, else the
                       environment's imageTag)
      --out DIR        output folder: new, empty or an earlier synth's (default: cdktf.out)
      --hcl            write cdk.tf (HCL) instead of cdk.tf.json
      --allow-data-loss  synthesize without prevent_destroy on the EFS file systems of named
                       volumes, so a following terraform destroy deletes their data (backups
                       stay in AWS Backup); only for a deliberate destruction
  -h, --help           show this help

Environment: COMPOSE2ECS_AWS_ENDPOINT points every AWS service at one endpoint (an emulator).
Exit codes: 0 written (warnings are printed), 1 invalid input (nothing written), 2 wrong usage.
`;

interface SynthOptions {
  readonly files: string[];
  readonly projectDir: string;
  readonly profiles: string[];
  readonly env?: string;
  readonly branch?: string;
  readonly imageTag?: string;
  readonly out: string;
  readonly hcl: boolean;
  readonly allowDataLoss: boolean;
}

function parse(argv: readonly string[]): SynthOptions {
  const parsed = parseFlags({
    args: [...argv],
    allowPositionals: false,
    options: {
      file: { type: "string", short: "f", multiple: true, default: [] },
      "project-dir": { type: "string", short: "C", default: "." },
      profile: { type: "string", multiple: true, default: [] },
      env: { type: "string" },
      branch: { type: "string" },
      "image-tag": { type: "string" },
      out: { type: "string", default: "cdktf.out" },
      hcl: { type: "boolean", default: false },
      "allow-data-loss": { type: "boolean", default: false },
    },
  });
  const v = parsed.values;
  // An unset $OUTDIR gives `--out ""`, which would mean the current folder: the whole project.
  if (v.out !== undefined && v.out.trim() === "") throw new UsageError("--out is empty: give the output folder (default: cdktf.out)");
  return {
    files: v.file ?? [],
    projectDir: v["project-dir"] ?? ".",
    profiles: v.profile ?? [],
    ...(v.env !== undefined ? { env: v.env } : {}),
    ...(v.branch !== undefined ? { branch: v.branch } : {}),
    ...(v["image-tag"] !== undefined ? { imageTag: v["image-tag"] } : {}),
    out: v.out ?? "cdktf.out",
    hcl: v.hcl ?? false,
    allowDataLoss: v["allow-data-loss"] ?? false,
  };
}

export const command: Command = {
  help: HELP,
  async run(argv) {
    const options = parse(argv);
    // Refused before the input is even loaded: nothing is touched, and no slot is allocated.
    const { inspectOutputFolder, OutputFolderError } = await import("../../stacks/output-folder");
    const inspected = inspectOutputFolder(options.out);
    if ("refused" in inspected) throw new InputError([formatDiagnostic(inspected.refused)]);
    const { synthesize } = await import("../../stacks/synthesize");
    const result = await synthesize({
      files: options.files,
      projectDir: options.projectDir,
      profiles: options.profiles,
      ...(options.env !== undefined ? { envName: options.env } : {}),
      ...(options.branch !== undefined ? { branch: options.branch } : {}),
      ...(options.imageTag !== undefined ? { imageTag: options.imageTag } : {}),
      outDir: options.out,
      hcl: options.hcl,
      envVars: process.env,
      ...(options.allowDataLoss ? { allowDataLoss: true } : {}),
    }).catch((error: unknown) => {
      if (error instanceof OutputFolderError) throw new InputError(error.diagnostics.map(formatDiagnostic));
      throw error;
    });
    const lines = sortDiagnostics(result.diagnostics).map(formatDiagnostic);
    if (result.stacks === undefined) throw new InputError(lines.length > 0 ? lines : ["synth failed"]);
    if (lines.length > 0) process.stderr.write(lines.join("\n") + "\n");
    const file = options.hcl ? "cdk.tf" : "cdk.tf.json";
    const out = [`Wrote ${result.stacks.length} stacks to ${options.out}:`, ...result.stacks.map((s) => `  ${options.out}/stacks/${s}/${file}`)];
    const { listedStacks } = await import("../../stacks/output-folder");
    const written = result.stacks;
    const kept = listedStacks(options.out).filter((s) => !written.includes(s));
    if (kept.length > 0)
      out.push(`Kept ${kept.length} other stack${kept.length === 1 ? "" : "s"} already there (listed in ${options.out}/manifest.json): ${kept.join(", ")}`);
    const released = result.plan?.app.dataProtection;
    if (released?.mode === "released" && released.volumes.length > 0) {
      out.push(
        `--allow-data-loss: the EFS file systems of ${released.volumes.join(", ")} are not protected from terraform destroy (their AWS Backup recovery points stay)`,
      );
    }
    process.stdout.write(out.join("\n") + "\n");
    return 0;
  },
};

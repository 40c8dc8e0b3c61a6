/**
 * The cdktf app entry (`cdktf.json` runs `node dist/main.js`): `npx cdktf synth` builds the
 * same stacks as `compose2ecs synth`. Settings come from the environment, as cdktf passes no
 * arguments: COMPOSE2ECS_ENV (environment name; default: cdktf.json's context
 * "compose2ecs:environment", else the built-in "default"), BRANCH
 * (branch environments), COMPOSE2ECS_PROJECT_DIR (default: the current directory),
 * COMPOSE2ECS_AWS_ENDPOINT (an emulator). The output folder is cdktf's (CDKTF_OUTDIR); stacks of
 * other environments already in it stay listed in its manifest.
 */
import { resolve } from "node:path";
import { formatDiagnostic, sortDiagnostics } from "./compose/diagnostics";
import { planRequest } from "./stacks/synthesize";

async function main(): Promise<number> {
  const projectDir = resolve(process.env.COMPOSE2ECS_PROJECT_DIR ?? process.cwd());
  const { App } = await import("cdktf");
  // cdktf's CLI decides the output folder and HCL mode (CDKTF_OUTDIR, SYNTH_HCL_OUTPUT).
  const app = new App({ stackTraces: false });
  const fromContext: unknown = app.node.tryGetContext("compose2ecs:environment");
  const envName = process.env.COMPOSE2ECS_ENV?.trim() || (typeof fromContext === "string" ? fromContext : undefined);
  const planned = await planRequest({
    files: [],
    projectDir,
    profiles: [],
    ...(envName ? { envName } : {}),
    outDir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
    hcl: false,
    envVars: process.env,
  });
  const lines = sortDiagnostics(planned.diagnostics).map(formatDiagnostic);
  if (lines.length > 0) process.stderr.write(lines.join("\n") + "\n");
  if (planned.plan === undefined) return 1;
  const { addStacks, withoutTokenStackTraces } = await import("./stacks/build-app");
  const { listKeptStacks, previousStacks } = await import("./stacks/output-folder");
  const endpoint = planned.plan.env.aws.endpoint ?? process.env.COMPOSE2ECS_AWS_ENDPOINT?.trim();
  const plan = planned.plan;
  // cdktf writes in place and then deletes stack folders its manifest does not list: listing
  // the other environments' stacks keeps them, as `compose2ecs synth` does.
  listKeptStacks(app.manifest.stacks, previousStacks(app.outdir, [plan.base.stackName, plan.app.stackName]));
  withoutTokenStackTraces(() => {
    addStacks(app, plan, { projectDir, outDir: resolve(app.outdir), ...(endpoint ? { endpoint } : {}) });
    app.synth();
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`compose2ecs: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

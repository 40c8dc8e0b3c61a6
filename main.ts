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
import { claimBranchSlot } from "./pipeline/claim-slot";
import { planRequest } from "./pipeline/plan-request";

async function main(): Promise<number> {
  const projectDir = resolve(process.env.COMPOSE2ECS_PROJECT_DIR ?? process.cwd());
  const { App } = await import("cdktf");
  // cdktf's CLI decides the output folder and HCL mode (CDKTF_OUTDIR, SYNTH_HCL_OUTPUT).
  const app = new App({ stackTraces: false });
  const fromContext: unknown = app.node.tryGetContext("compose2ecs:environment");
  // COMPOSE2ECS_ENV wins over the context; the pipeline reads it (and BRANCH, the endpoint) from envVars.
  const envName = process.env.COMPOSE2ECS_ENV?.trim() || (typeof fromContext === "string" ? fromContext : undefined);
  // The same pipeline and slot step as `compose2ecs synth`: a branch stack's slot is claimed only after its plan succeeded.
  const planned = await claimBranchSlot(await planRequest({ projectDir, ...(envName ? { envName } : {}), envVars: process.env }));
  const lines = sortDiagnostics(planned.diagnostics).map(formatDiagnostic);
  if (lines.length > 0) process.stderr.write(lines.join("\n") + "\n");
  const { plan, loaded } = planned;
  if (plan === undefined || loaded === undefined) return 1;
  const { addStacks, withoutTokenStackTraces } = await import("./stacks/build-app");
  const endpoint = loaded.endpoint;
  const { listKeptStacks, previousStacks } = await import("./stacks/output-folder");
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

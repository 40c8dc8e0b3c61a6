import { App } from "cdktf";
import { Plan } from "../planner/plan";
import { AppStack } from "./app-stack";
import { BaseStack, StackOptions } from "./base-stack";

export interface BuildOptions extends StackOptions {
  /** Where cdktf writes (a temporary folder the CLI renames into place). */
  readonly writeDir: string;
  /** HCL (`cdk.tf`) instead of JSON (`cdk.tf.json`). @default false */
  readonly hcl?: boolean;
}

/** The cdktf app for a plan: the base stack and the application stack. */
export function buildApp(plan: Plan, options: BuildOptions): { app: App; stacks: string[] } {
  // Stack traces in construct metadata cost time and would make output machine-dependent.
  const app = new App({ outdir: options.writeDir, hclOutput: options.hcl ?? false, stackTraces: false });
  withoutTokenStackTraces(() => addStacks(app, plan, options));
  return { app, stacks: [plan.base.stackName, plan.app.stackName] };
}

/**
 * cdktf records a full, formatted stack trace for every token it creates (`creationStack`,
 * shown only when a token cannot be resolved). On a 200-service project that formatting is
 * about a sixth of synth time, so while stacks are built and synthesized the traces are left
 * unformatted (empty). COMPOSE2ECS_DEBUG keeps them for debugging cdktf errors.
 */
export function withoutTokenStackTraces<T>(work: () => T): T {
  if (process.env.COMPOSE2ECS_DEBUG) return work();
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = () => "";
  try {
    return work();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

export function addStacks(app: App, plan: Plan, options: StackOptions): void {
  new BaseStack(app, plan, options);
  new AppStack(app, plan, options);
}

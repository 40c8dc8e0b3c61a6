import { App } from "cdktf";
import { Plan } from "../planner/plan";
import { AppStack } from "./app-stack";
import { BaseStack, StackOptions } from "./base-stack";

export interface BuildOptions extends StackOptions {
  /** Where cdktf writes (a temporary folder the CLI renames into place). */
  readonly writeDir: string;
  /** HCL (`cdk.tf`) instead of JSON (`cdk.tf.json`). @default false */
  readonly hcl?: boolean;
  /** Only the base stack (`up --base`, `down --base`). @default false */
  readonly baseOnly?: boolean;
}

/** The cdktf app for a plan: the base stack and the application stack. */
export function buildApp(plan: Plan, options: BuildOptions): { app: App; stacks: string[] } {
  // Stack traces in construct metadata cost time and would make output machine-dependent.
  const app = new App({ outdir: options.writeDir, hclOutput: options.hcl ?? false, stackTraces: false });
  if (options.baseOnly === true) {
    withoutTokenStackTraces(() => new BaseStack(app, plan, options));
    return { app, stacks: [plan.base.stackName] };
  }
  withoutTokenStackTraces(() => addStacks(app, plan, options));
  return { app, stacks: [plan.base.stackName, plan.app.stackName] };
}

/**
 * cdktf records a full stack trace for every token it creates (`creationStack`, shown only
 * when a token cannot be resolved): it lifts Error.stackTraceLimit to MAX_SAFE_INTEGER and
 * captures every frame. On a 200-service project capturing and formatting those traces is
 * about a sixth of synth time, so while stacks are built and synthesized the limit is pinned
 * to 0 and traces are left unformatted (empty). COMPOSE2ECS_DEBUG keeps them for debugging
 * cdktf errors.
 */
export function withoutTokenStackTraces<T>(work: () => T): T {
  if (process.env.COMPOSE2ECS_DEBUG) return work();
  const previousFormatter = Error.prepareStackTrace;
  const previousLimit = Object.getOwnPropertyDescriptor(Error, "stackTraceLimit");
  Error.prepareStackTrace = () => "";
  Object.defineProperty(Error, "stackTraceLimit", { configurable: true, enumerable: true, get: () => 0, set: () => undefined });
  try {
    return work();
  } finally {
    if (previousLimit) Object.defineProperty(Error, "stackTraceLimit", previousLimit);
    Error.prepareStackTrace = previousFormatter;
  }
}

export function addStacks(app: App, plan: Plan, options: StackOptions): void {
  new BaseStack(app, plan, options);
  new AppStack(app, plan, options);
}

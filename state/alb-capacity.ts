import { Diagnostic } from "../compose/model";
import { ALB_MAX_LISTENERS, MAX_BRANCH_LISTENERS, MAX_SLOT } from "../planner/slots";

/**
 * How much of the shared ALB one application stack uses, and how many such branches one base
 * holds. Hard limits per Application Load Balancer (ELBv2 quotas, not adjustable for target
 * groups per ALB): 100 target groups, 100 rules (default rules not counted), 50 listeners
 * (planner/slots.ts).
 */

export const ALB_MAX_TARGET_GROUPS = 100;
export const ALB_MAX_RULES = 100;
/** Warn when one stack alone takes more than this share of any ALB limit (then fewer than 5 branches fit). */
export const LARGE_SHARE = 0.2;

export interface AlbUsage {
  readonly targetGroups: number;
  readonly rules: number;
  readonly listeners: number;
  /** The largest fraction of any limit this stack uses (0..1+). */
  readonly share: number;
  /** How many stacks of this shape fit on one ALB (branches per base). */
  readonly branchesPerBase: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** The parts of an application stack's plan (planner/plan.ts AppPlan) that use the shared ALB. */
export interface AlbUser {
  readonly stackName: string;
  readonly listener: { readonly kind: "shared" | "own" };
  readonly services: readonly { readonly routes: readonly { readonly targetGroupName: string }[] }[];
}

/** The usage of one application stack; `baseListeners` are the base's own (80, and 443 with a certificate). */
export function albShare(app: AlbUser, baseListeners = 2): AlbUsage {
  const routes = app.services.flatMap((s) => s.routes);
  const targetGroups = new Set(routes.map((r) => r.targetGroupName)).size;
  const rules = routes.length;
  const listeners = app.listener.kind === "own" ? 1 : 0;
  const fits = [
    targetGroups === 0 ? Infinity : Math.floor(ALB_MAX_TARGET_GROUPS / targetGroups),
    rules === 0 ? Infinity : Math.floor(ALB_MAX_RULES / rules),
    listeners === 0 ? MAX_SLOT : Math.min(MAX_BRANCH_LISTENERS, Math.floor((ALB_MAX_LISTENERS - baseListeners) / listeners)),
  ];
  const branchesPerBase = Math.min(...fits);
  const share = Math.max(targetGroups / ALB_MAX_TARGET_GROUPS, rules / ALB_MAX_RULES, listeners / (ALB_MAX_LISTENERS - baseListeners));
  const diagnostics: Diagnostic[] =
    share > LARGE_SHARE
      ? [
          {
            severity: "warning",
            path: "",
            message:
              `stack ${app.stackName} alone uses ${targetGroups} of the shared ALB's ${ALB_MAX_TARGET_GROUPS} target groups and ${rules} of its ${ALB_MAX_RULES} rules, ` +
              `so one base holds only ${branchesPerBase} such branch(es); route fewer services through the load balancer (x-ecs public: false) or give this environment its own base`,
          },
        ]
      : [];
  return { targetGroups, rules, listeners, share, branchesPerBase, diagnostics };
}

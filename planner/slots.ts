import { EnvironmentConfig } from "../config/environment-model";

/**
 * What a slot means, in one place. Every application stack of an environment holds a slot, an
 * integer no other live stack of that environment holds: slot 0 is the non-branch `app` stack,
 * branches get 1..slotLimit(env) from the slot registry (state/priority-slots.ts). The slot gives
 * a stack its block of listener-rule priorities and, for a branch without a domain, its own
 * listener port, so two branches never compete for either.
 */

/** Branch listeners without a domain listen on this port + slot. */
export const LISTENER_PORT_BASE = 10000;
/** Listener rules one stack may have: the size of a slot's priority block. */
export const RULES_PER_SLOT = 50;
/** ALB listener-rule priorities go from 1 to 50000 (ELBv2 CreateRule). */
export const MAX_RULE_PRIORITY = 50000;
/** The highest slot whose priority block still fits under MAX_RULE_PRIORITY (999). */
export const MAX_SLOT = MAX_RULE_PRIORITY / RULES_PER_SLOT - 1;
/** An ALB has at most 50 listeners (ELBv2 quota, not adjustable). */
export const ALB_MAX_LISTENERS = 50;
/** Branch listeners one ALB holds: 80 and 443 are the base's own. */
export const MAX_BRANCH_LISTENERS = ALB_MAX_LISTENERS - 2;

/**
 * The highest slot an environment may hand out to a branch: every slot whose priority block
 * fits. How many branches one ALB of the pool holds (its listeners, rules and target groups) is
 * the quota check's business (state/alb-capacity.ts), not the slot's.
 */
export function slotLimit(_env: EnvironmentConfig): number {
  return MAX_SLOT;
}

/** The dedicated listener port of a branch in an environment without a domain. */
export function listenerPort(slot: number): number {
  return LISTENER_PORT_BASE + slot;
}

/** The listener-rule priorities a stack with this slot may use (inclusive). */
export function priorityBlock(slot: number): { readonly first: number; readonly last: number } {
  return { first: slot * RULES_PER_SLOT + 1, last: slot * RULES_PER_SLOT + RULES_PER_SLOT };
}

/** The slot whose priority block holds `priority`. */
export function slotOfPriority(priority: number): number {
  return Math.floor((priority - 1) / RULES_PER_SLOT);
}

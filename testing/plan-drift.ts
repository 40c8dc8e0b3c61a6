/**
 * Classifies the changes of a re-plan (`terraform show -json <planfile>`) against moto into
 * known emulator drift and everything else. The known drift is listed precisely, with the
 * emulator behaviour behind it (docs/e2e.md), so a product change that drifts is never
 * excused by it: only these exact attribute differences count as the emulator's.
 */

/** The parts of `terraform show -json` output used here. */
export interface PlanJson {
  readonly resource_changes?: readonly ResourceChange[];
}

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
}

export interface DriftReport {
  /** Changes explained by a known emulator quirk: address -> the quirk's name. */
  readonly emulator: readonly { readonly address: string; readonly quirk: EmulatorQuirk }[];
  /** Every other change: address, actions and the attributes that differ. */
  readonly unexpected: readonly { readonly address: string; readonly actions: string; readonly attributes: readonly string[] }[];
}

export type EmulatorQuirk =
  /** moto 5.2's ECS CreateService ignores capacityProviderStrategy, so Terraform wants to replace the service. */
  | "ecs-service-capacity-provider-strategy-not-stored"
  /** moto 5.2's DescribeSecurityGroupRules returns no Description for rules that reference a security group. */
  | "sg-rule-description-not-returned-for-group-references"
  /**
   * moto 5.2's ECS CreateService drops enableECSManagedTags, healthCheckGracePeriodSeconds and
   * availabilityZoneRebalancing, so they read back empty and Terraform updates them in place.
   */
  | "ecs-service-attributes-not-stored";

/** The ECS service arguments moto 5.2 accepts but never returns. */
const ECS_SERVICE_ATTRIBUTES_NOT_STORED: ReadonlySet<string> = new Set([
  "availability_zone_rebalancing",
  "enable_ecs_managed_tags",
  "health_check_grace_period_seconds",
]);

/** What a value that the emulator never stored reads back as. */
const isUnset = (v: unknown) => v === null || v === undefined || v === "" || v === false || v === 0;

const isEmpty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/** Top-level attributes whose known values differ between before and after (unknown-after ones included). */
export function changedAttributes(change: ResourceChange["change"]): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => {
      if (unknown[k] === true) return false;
      const a = JSON.stringify(before[k] ?? null);
      const b = JSON.stringify(after[k] ?? null);
      return a !== b;
    })
    .sort();
}

function quirkOf(rc: ResourceChange): EmulatorQuirk | undefined {
  const { change } = rc;
  const actions = change.actions.join(",");
  if (rc.type === "aws_ecs_service" && (actions === "delete,create" || actions === "create,delete")) {
    const paths = (change.replace_paths ?? []).map((p) => p.join("."));
    const before = change.before ?? {};
    const after = change.after ?? {};
    if (
      paths.length === 1 &&
      paths[0] === "capacity_provider_strategy" &&
      isEmpty(before.capacity_provider_strategy) &&
      !isEmpty(after.capacity_provider_strategy)
    ) {
      return "ecs-service-capacity-provider-strategy-not-stored";
    }
  }
  if (rc.type === "aws_ecs_service" && actions === "update") {
    const before = change.before ?? {};
    const attrs = changedAttributes(change);
    if (attrs.length > 0 && attrs.every((a) => ECS_SERVICE_ATTRIBUTES_NOT_STORED.has(a) && isUnset(before[a]))) {
      return "ecs-service-attributes-not-stored";
    }
  }
  if ((rc.type === "aws_vpc_security_group_ingress_rule" || rc.type === "aws_vpc_security_group_egress_rule") && actions === "update") {
    const before = change.before ?? {};
    const after = change.after ?? {};
    const attrs = changedAttributes(change);
    if (
      attrs.length === 1 &&
      attrs[0] === "description" &&
      isEmpty(before.description) &&
      !isEmpty(before.referenced_security_group_id) &&
      !isEmpty(after.description)
    ) {
      return "sg-rule-description-not-returned-for-group-references";
    }
  }
  return undefined;
}

export function classifyDrift(plan: PlanJson): DriftReport {
  const emulator: { address: string; quirk: EmulatorQuirk }[] = [];
  const unexpected: { address: string; actions: string; attributes: string[] }[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const actions = rc.change.actions.join(",");
    if (actions === "no-op" || actions === "read") continue;
    const quirk = quirkOf(rc);
    if (quirk) emulator.push({ address: rc.address, quirk });
    else unexpected.push({ address: rc.address, actions, attributes: changedAttributes(rc.change) });
  }
  return { emulator, unexpected };
}

import { LISTENER_PORT_BASE, MAX_SLOT, slotOfPriority } from "../planner/slots";

/**
 * The slot a deployed branch stack was built with, read back from its Terraform state: the
 * port of its own listener (`LISTENER_PORT_BASE + slot`) and the priorities of its listener
 * rules (the slot's block). `branches gc` destroys a branch with a configuration built for that
 * slot, so the configuration matches what the state holds even when the slot record is gone.
 */
export type StateSlot =
  /** Read from the listener port and/or rule priorities, which all agree. */
  | { readonly kind: "slot"; readonly slot: number }
  /** No managed resources: nothing to destroy. */
  | { readonly kind: "empty" }
  /** Managed resources, but none whose attributes depend on the slot (no own listener, no rules). */
  | { readonly kind: "unshaped" }
  /** Not a state file this version understands, or its resources disagree about the slot. */
  | { readonly kind: "unreadable"; readonly reason: string };

interface StateResource {
  readonly mode?: unknown;
  readonly type?: unknown;
  readonly instances?: unknown;
}

export function slotInState(text: string): StateSlot {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { kind: "unreadable", reason: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { kind: "unreadable", reason: "not a Terraform state object" };
  const resources = (doc as { resources?: unknown }).resources;
  // A state without a resources list (`{}`) manages nothing, as does an empty list.
  if (resources === undefined) return { kind: "empty" };
  if (!Array.isArray(resources)) return { kind: "unreadable", reason: "its resources are not a list" };
  const managed = (resources as StateResource[]).filter((r) => typeof r === "object" && r !== null && r.mode === "managed" && instancesOf(r).length > 0);
  if (managed.length === 0) return { kind: "empty" };
  const found = new Map<number, string>();
  for (const r of managed) {
    for (const attributes of instancesOf(r)) {
      if (r.type === "aws_lb_listener" && typeof attributes.port === "number" && attributes.port > LISTENER_PORT_BASE) {
        found.set(attributes.port - LISTENER_PORT_BASE, `listener port ${attributes.port}`);
      }
      const priority = typeof attributes.priority === "number" ? attributes.priority : Number(attributes.priority);
      if (r.type === "aws_lb_listener_rule" && Number.isInteger(priority) && priority > 0) found.set(slotOfPriority(priority), `rule priority ${priority}`);
    }
  }
  if (found.size === 0) return { kind: "unshaped" };
  const slots = [...found.keys()].sort((a, b) => a - b);
  if (slots.length > 1)
    return { kind: "unreadable", reason: `its resources belong to different slots (${slots.map((s) => `${s}: ${found.get(s)}`).join("; ")})` };
  const slot = slots[0];
  if (slot < 1 || slot > MAX_SLOT) return { kind: "unreadable", reason: `${found.get(slot)} is not a branch slot's` };
  return { kind: "slot", slot };
}

function instancesOf(resource: StateResource): readonly Record<string, unknown>[] {
  if (!Array.isArray(resource.instances)) return [];
  return resource.instances.flatMap((i: unknown) => {
    const attributes = typeof i === "object" && i !== null ? (i as { attributes?: unknown }).attributes : undefined;
    return typeof attributes === "object" && attributes !== null ? [attributes as Record<string, unknown>] : [];
  });
}

/**
 * The name of the ALB a deployed branch stack looked up (its `data.aws_lb` "alb" in the base
 * lookup), read from its Terraform state: the pool ALB it was deployed on, even when its slot
 * record is gone. Undefined when the state has no such data source.
 */
export function albNameInState(text: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const resources = typeof doc === "object" && doc !== null ? (doc as { resources?: unknown }).resources : undefined;
  if (!Array.isArray(resources)) return undefined;
  const names = new Set<string>();
  for (const r of resources as StateResource[]) {
    if (typeof r !== "object" || r === null || r.mode !== "data" || r.type !== "aws_lb") continue;
    // constructs/base-lookup.ts's DataAwsLb "alb" (its network load balancer is "nlb").
    const address = (r as { name?: unknown }).name;
    if (typeof address !== "string" || !address.startsWith("base_alb_")) continue;
    for (const attributes of instancesOf(r)) if (typeof attributes.name === "string") names.add(attributes.name);
  }
  return names.size === 1 ? [...names][0] : undefined;
}

import { AttributeChange, ContainerChange, diffAttributes } from "./attribute-diff";
import { JsonValue, jsonEqual } from "./json";
import { replacementConsequence } from "./replacement-rules";
import { SynthOutput, SynthResource, SynthStack } from "./synth-output";

/**
 * Compares two synth outputs (e.g. the base branch's and a pull request's) resource by resource.
 * Pure: reading the folders is synth-output.ts's job, printing is render-diff.ts's.
 */

export type ResourceChangeKind = "added" | "removed" | "changed" | "moved";

export interface ResourceChange {
  readonly environment: string;
  readonly stack: string;
  readonly service?: string;
  readonly kind: ResourceChangeKind;
  readonly type: string;
  readonly mode: "managed" | "data";
  readonly address: string;
  /** For "moved": the old address (same arguments, new address: Terraform destroys and re-creates). */
  readonly previousAddress?: string;
  readonly attributes: readonly AttributeChange[];
  readonly containers: readonly ContainerChange[];
  /** Terraform will destroy and re-create the remote object (or make a new task definition revision). */
  readonly replaced: boolean;
  /** Arguments that force the replacement, or why it is replaced. */
  readonly replacementReasons: readonly string[];
  readonly consequence?: string;
  /** Name-like arguments of added/removed resources, to recognise them in a report. */
  readonly identity?: string;
}

export interface StackChange {
  readonly stack: string;
  readonly environment: string;
  readonly kind: "added" | "removed";
  readonly resourceCount: number;
}

export interface OutputChange {
  readonly stack: string;
  readonly environment: string;
  readonly name: string;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

export interface DiffReport {
  readonly oldDir: string;
  readonly newDir: string;
  readonly stacks: readonly StackChange[];
  readonly resources: readonly ResourceChange[];
  readonly outputs: readonly OutputChange[];
}

export function hasChanges(report: DiffReport): boolean {
  return report.stacks.length > 0 || report.resources.length > 0 || report.outputs.length > 0;
}

const IDENTITY_ARGUMENTS = ["name", "family", "name_prefix", "cidr_block", "port"];

function identityOf(resource: SynthResource): string | undefined {
  const parts = IDENTITY_ARGUMENTS.flatMap((key) => {
    const value = resource.attributes[key];
    return typeof value === "string" || typeof value === "number" ? [`${key}=${value}`] : [];
  });
  return parts.length > 0 ? parts.join(", ") : undefined;
}

function base(resource: SynthResource): Pick<ResourceChange, "environment" | "stack" | "service" | "type" | "mode" | "address"> {
  return {
    environment: resource.environment,
    stack: resource.stack,
    ...(resource.service !== undefined ? { service: resource.service } : {}),
    type: resource.type,
    mode: resource.mode,
    address: resource.address,
  };
}

function addedOrRemoved(resource: SynthResource, kind: "added" | "removed"): ResourceChange {
  const identity = identityOf(resource);
  return { ...base(resource), kind, attributes: [], containers: [], replaced: false, replacementReasons: [], ...(identity ? { identity } : {}) };
}

function changed(before: SynthResource, after: SynthResource): ResourceChange | undefined {
  const { attributes, containers } = diffAttributes(after.type, before.attributes, after.attributes);
  if (attributes.length === 0 && containers.length === 0) return undefined;
  const managed = after.mode === "managed";
  const reasons = [
    ...attributes.filter((a) => a.forcesReplacement).map((a) => a.path),
    ...(containers.some((c) => c.fields.some((f) => f.forcesReplacement)) ? ["container_definitions"] : []),
  ];
  const replaced = managed && reasons.length > 0;
  const consequence = replaced ? replacementConsequence(after.type) : undefined;
  return {
    ...base(after),
    kind: "changed",
    attributes,
    containers,
    replaced,
    replacementReasons: replaced ? reasons : [],
    ...(consequence !== undefined ? { consequence } : {}),
  };
}

/** Pairs a removed and an added resource of the same type with identical arguments: an address change. */
function pairMoves(removed: SynthResource[], added: SynthResource[]): { moves: ResourceChange[]; removed: SynthResource[]; added: SynthResource[] } {
  const moves: ResourceChange[] = [];
  const remainingAdded = [...added];
  const remainingRemoved: SynthResource[] = [];
  for (const old of removed) {
    const index = remainingAdded.findIndex((n) => n.type === old.type && n.mode === old.mode && jsonEqual(n.attributes, old.attributes));
    const match = index >= 0 ? remainingAdded[index] : undefined;
    if (match === undefined) {
      remainingRemoved.push(old);
      continue;
    }
    remainingAdded.splice(index, 1);
    const managed = match.mode === "managed";
    moves.push({
      ...base(match),
      kind: "moved",
      previousAddress: old.address,
      attributes: [],
      containers: [],
      replaced: managed,
      replacementReasons: managed ? ["address changed (no `moved` block): Terraform destroys the old object and creates the new one"] : [],
    });
  }
  return { moves, removed: remainingRemoved, added: remainingAdded };
}

function diffStack(before: SynthStack, after: SynthStack): { resources: ResourceChange[]; outputs: OutputChange[] } {
  const oldByAddress = new Map(before.resources.map((r) => [r.address, r]));
  const newByAddress = new Map(after.resources.map((r) => [r.address, r]));
  const removed = before.resources.filter((r) => !newByAddress.has(r.address));
  const added = after.resources.filter((r) => !oldByAddress.has(r.address));
  const changes = after.resources.flatMap((r) => {
    const old = oldByAddress.get(r.address);
    const change = old ? changed(old, r) : undefined;
    return change ? [change] : [];
  });
  const paired = pairMoves(removed, added);
  const outputNames = [...new Set([...Object.keys(before.outputs), ...Object.keys(after.outputs)])].sort();
  const outputs = outputNames.flatMap((name): OutputChange[] => {
    const b = before.outputs[name];
    const a = after.outputs[name];
    if (jsonEqual(b, a)) return [];
    return [{ stack: after.name, environment: after.environment, name, ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}) }];
  });
  return {
    resources: [
      ...changes,
      ...paired.moves,
      ...paired.removed.map((r) => addedOrRemoved(r, "removed")),
      ...paired.added.map((r) => addedOrRemoved(r, "added")),
    ],
    outputs,
  };
}

const KIND_ORDER: Readonly<Record<ResourceChangeKind, number>> = { moved: 0, changed: 1, removed: 2, added: 3 };

function compareChanges(a: ResourceChange, b: ResourceChange): number {
  return (
    a.environment.localeCompare(b.environment) ||
    a.stack.localeCompare(b.stack) ||
    (a.service ?? "").localeCompare(b.service ?? "") ||
    Number(b.replaced) - Number(a.replaced) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    a.address.localeCompare(b.address)
  );
}

/** All differences between two synth outputs, grouped-ready (sorted by environment, stack, service). */
export function diffSynthOutputs(before: SynthOutput, after: SynthOutput): DiffReport {
  const oldStacks = new Map(before.stacks.map((s) => [s.name, s]));
  const newStacks = new Map(after.stacks.map((s) => [s.name, s]));
  const stacks: StackChange[] = [
    ...before.stacks
      .filter((s) => !newStacks.has(s.name))
      .map((s): StackChange => ({ stack: s.name, environment: s.environment, kind: "removed", resourceCount: s.resources.length })),
    ...after.stacks
      .filter((s) => !oldStacks.has(s.name))
      .map((s): StackChange => ({ stack: s.name, environment: s.environment, kind: "added", resourceCount: s.resources.length })),
  ].sort((a, b) => a.stack.localeCompare(b.stack));
  const resources: ResourceChange[] = [];
  const outputs: OutputChange[] = [];
  for (const stack of after.stacks) {
    const old = oldStacks.get(stack.name);
    const result = diffStack(old ?? { ...stack, resources: [], outputs: {} }, stack);
    resources.push(...result.resources);
    outputs.push(...result.outputs);
  }
  for (const stack of before.stacks) {
    if (!newStacks.has(stack.name)) resources.push(...stack.resources.map((r) => addedOrRemoved(r, "removed")));
  }
  return { oldDir: before.dir, newDir: after.dir, stacks, resources: resources.sort(compareChanges), outputs };
}

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The synthesized Terraform JSON of one synth output folder (`stacks/<stack>/cdk.tf.json`), with
 * the two kinds of reference a reader needs: `${type.name.attr}` within a stack, and data sources
 * that look up another stack's resources by name or tag (`data.aws_security_group` by name,
 * `data.aws_vpc` by `tag:Name`, `data.aws_subnets` by `vpc-id` + tags, `data.aws_lb_listener` by load
 * balancer + port). A data source that matches exactly one resource of the folder stands for it;
 * otherwise it stands for itself (its identity is still stable, so equal lookups compare equal).
 */

export interface TfBlock {
  readonly stack: string;
  readonly mode: "resource" | "data";
  readonly type: string;
  readonly name: string;
  /** `aws_x.name` or `data.aws_x.name`. */
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export type JsonObject = Readonly<Record<string, unknown>>;

const REF = /^\$\{((?:data\.)?[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)(?:\[\d+\])?\}$/;

/** Data source types and the resource types they find. */
const DATA_TARGET: Readonly<Record<string, string>> = {
  aws_vpc: "aws_vpc",
  aws_subnets: "aws_subnet",
  aws_subnet: "aws_subnet",
  aws_security_group: "aws_security_group",
  aws_lb: "aws_lb",
  aws_alb: "aws_lb",
  aws_lb_listener: "aws_lb_listener",
  aws_alb_listener: "aws_lb_listener",
  aws_ecs_cluster: "aws_ecs_cluster",
  aws_service_discovery_dns_namespace: "aws_service_discovery_private_dns_namespace",
};

export class Terraform {
  private readonly byStack = new Map<string, TfBlock[]>();
  private readonly identityCache = new Map<TfBlock, readonly TfBlock[]>();

  constructor(stacks: Readonly<Record<string, JsonObject>>) {
    for (const [stack, json] of Object.entries(stacks)) {
      const blocks: TfBlock[] = [];
      for (const mode of ["resource", "data"] as const) {
        const group = json[mode];
        if (!isObject(group)) continue;
        for (const [type, instances] of Object.entries(group)) {
          if (!isObject(instances)) continue;
          for (const [name, body] of Object.entries(instances)) {
            if (!isObject(body)) continue;
            blocks.push({ stack, mode, type, name, address: mode === "data" ? `data.${type}.${name}` : `${type}.${name}`, body });
          }
        }
      }
      this.byStack.set(stack, blocks);
    }
  }

  /** Reads `OUT_DIR/stacks/<stack>/cdk.tf.json` for every stack. */
  static load(outDir: string): Terraform {
    const root = join(outDir, "stacks");
    const stacks: Record<string, JsonObject> = {};
    if (existsSync(root)) {
      for (const stack of readdirSync(root).sort()) {
        const file = join(root, stack, "cdk.tf.json");
        if (existsSync(file)) stacks[stack] = JSON.parse(readFileSync(file, "utf8")) as JsonObject;
      }
    }
    return new Terraform(stacks);
  }

  stackNames(): string[] {
    return [...this.byStack.keys()];
  }

  blocks(stack: string, type: string, mode: "resource" | "data" = "resource"): TfBlock[] {
    return (this.byStack.get(stack) ?? []).filter((b) => b.type === type && b.mode === mode);
  }

  allResources(type: string): TfBlock[] {
    return [...this.byStack.values()].flat().filter((b) => b.type === type && b.mode === "resource");
  }

  /** The block a `${...}` expression points at, and the attribute it reads. */
  ref(stack: string, expr: unknown): { block: TfBlock; attribute: string } | undefined {
    if (typeof expr !== "string") return undefined;
    const m = REF.exec(expr);
    if (m === null) return undefined;
    const [, typePart, name, attribute] = m;
    const mode = (typePart ?? "").startsWith("data.") ? "data" : "resource";
    const type = mode === "data" ? (typePart ?? "").slice(5) : (typePart ?? "");
    const block = (this.byStack.get(stack) ?? []).find((b) => b.mode === mode && b.type === type && b.name === name);
    return block === undefined ? undefined : { block, attribute: attribute ?? "" };
  }

  /** What a block stands for: a data source's matches when it finds exactly one (or, for lists, some), else itself. */
  identities(block: TfBlock): readonly TfBlock[] {
    if (block.mode === "resource") return [block];
    const cached = this.identityCache.get(block);
    if (cached !== undefined) return cached;
    this.identityCache.set(block, [block]); // guards lookups that refer to themselves
    const found = this.findForData(block);
    const result = found.length === 0 || (found.length > 1 && block.type !== "aws_subnets") ? [block] : found;
    this.identityCache.set(block, result);
    return result;
  }

  identity(block: TfBlock): TfBlock {
    const ids = this.identities(block);
    return ids.length === 1 ? (ids[0] as TfBlock) : block;
  }

  /** The blocks an expression (or a list of them, or a `${...ids}` list reference) stands for. */
  resolveAll(stack: string, expr: unknown): TfBlock[] {
    if (Array.isArray(expr)) return expr.flatMap((e) => this.resolveAll(stack, e));
    const r = this.ref(stack, expr);
    return r === undefined ? [] : [...this.identities(r.block)];
  }

  /** A literal string value, following one reference to an attribute of what it stands for. */
  literal(stack: string, expr: unknown): string | undefined {
    if (typeof expr === "string" && !expr.includes("${")) return expr;
    if (typeof expr === "number") return String(expr);
    const r = this.ref(stack, expr);
    if (r === undefined) return undefined;
    const target = this.identity(r.block);
    const v = target.body[r.attribute];
    return typeof v === "string" && !v.includes("${") ? v : typeof v === "number" ? String(v) : undefined;
  }

  /** Identity keys of what an expression stands for, for comparing references across stacks. */
  keys(stack: string, expr: unknown): string[] {
    return this.resolveAll(stack, expr).map(blockKey);
  }

  private findForData(block: TfBlock): TfBlock[] {
    const targetType = DATA_TARGET[block.type];
    if (targetType === undefined) return [];
    const candidates = [...this.byStack.entries()]
      .filter(([s]) => s !== block.stack)
      .flatMap(([, blocks]) => blocks.filter((b) => b.mode === "resource" && b.type === targetType));
    return candidates.filter((c) => this.matches(block, c));
  }

  private matches(data: TfBlock, candidate: TfBlock): boolean {
    for (const [key, wanted] of Object.entries(data.body)) {
      if (key === "//" || key === "depends_on" || key === "provider" || key === "lifecycle") continue;
      if (key === "tags") {
        if (!isObject(wanted)) return false;
        const tags = isObject(candidate.body.tags) ? candidate.body.tags : {};
        if (!Object.entries(wanted).every(([k, v]) => tags[k] === v)) return false;
        continue;
      }
      if (key === "filter") {
        const filters = Array.isArray(wanted) ? wanted : [wanted];
        for (const f of filters) if (!this.filterMatches(data.stack, f, candidate)) return false;
        continue;
      }
      if (!this.sameValue(data.stack, wanted, candidate.stack, candidate.body[key])) return false;
    }
    return true;
  }

  private filterMatches(stack: string, filter: unknown, candidate: TfBlock): boolean {
    if (!isObject(filter) || typeof filter.name !== "string" || !Array.isArray(filter.values)) return false;
    const values = filter.values;
    const tags = isObject(candidate.body.tags) ? candidate.body.tags : {};
    if (filter.name.startsWith("tag:")) return values.includes(tags[filter.name.slice(4)]);
    if (filter.name === "vpc-id") return values.some((v) => this.sameValue(stack, v, candidate.stack, candidate.body.vpc_id));
    if (filter.name === "group-name") return values.includes(candidate.body.name);
    if (filter.name === "cidr-block" || filter.name === "cidr") return values.includes(candidate.body.cidr_block);
    return false;
  }

  private sameValue(stackA: string, a: unknown, stackB: string, b: unknown): boolean {
    if (typeof a === "string" && a.includes("${")) {
      const ka = this.keys(stackA, a);
      const kb = this.keys(stackB, b);
      return ka.length > 0 && ka.length === kb.length && ka.every((k) => kb.includes(k));
    }
    if (typeof a === "number" || typeof b === "number") return String(a) === String(b);
    return a === b;
  }
}

export function blockKey(block: TfBlock): string {
  return `${block.stack}:${block.address}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A nested block that cdktf writes as an object or a one-element list. */
export function blockList(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

import { existsSync, readFileSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { JsonObject, JsonValue, isJsonObject, stringRecord } from "./json";

/**
 * Reads cdktf synth output (`<out>/manifest.json`, `<out>/stacks/<stack>/cdk.tf.json`) into a flat,
 * grouped list of resources. Review tools work on this and never on cdktf constructs, so they also
 * work on output synthesized by another compose2ecs version (e.g. the base branch's).
 */

/** Tag every service resource carries (docs/architecture.md, "Resources are grouped by compose service"). */
export const SERVICE_TAG = "compose2ecs:service";
export const ENVIRONMENT_TAG = "compose2ecs:environment";

export interface SynthResource {
  readonly stack: string;
  readonly environment: string;
  /** "base", "app" or the branch slug: the part of the stack name after `<env>-`. */
  readonly stackRole: string;
  /** Compose service the resource belongs to; undefined for shared resources (VPC, ALB, cluster, ...). */
  readonly service?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  /** Terraform address inside the stack: `aws_lb.alb_1234` or `data.aws_vpc.vpc_1234`. */
  readonly address: string;
  /** cdktf construct path (`qa-app/web/service`), when the metadata is present. */
  readonly constructPath?: string;
  /** Arguments as written to cdk.tf.json, without cdktf's `//` metadata. */
  readonly attributes: JsonObject;
}

export interface SynthStack {
  readonly name: string;
  readonly environment: string;
  readonly stackRole: string;
  readonly resources: readonly SynthResource[];
  /** Terraform outputs by name (their `value` expressions). */
  readonly outputs: JsonObject;
}

export interface SynthOutput {
  readonly dir: string;
  readonly stacks: readonly SynthStack[];
}

export type ReadSynthResult = { readonly ok: true; readonly output: SynthOutput } | { readonly ok: false; readonly errors: readonly string[] };

function parseJsonFile(file: string): { value?: JsonValue; error?: string } {
  try {
    return { value: JSON.parse(readFileSync(file, "utf8")) as JsonValue };
  } catch (error) {
    return { error: `${file}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Reads a synth output folder; every problem is returned as a message naming the file. */
export function readSynthOutput(dir: string): ReadSynthResult {
  const manifestFile = join(dir, "manifest.json");
  if (!existsSync(manifestFile)) {
    return { ok: false, errors: [`${manifestFile}: not found: ${dir} is not a synth output folder (run \`compose2ecs synth --out ${dir}\`)`] };
  }
  const manifest = parseJsonFile(manifestFile);
  if (manifest.error !== undefined) return { ok: false, errors: [manifest.error] };
  const stacksEntry = isJsonObject(manifest.value) ? manifest.value.stacks : undefined;
  if (!isJsonObject(stacksEntry)) return { ok: false, errors: [`${manifestFile}: has no "stacks" object`] };

  const errors: string[] = [];
  const stacks: SynthStack[] = [];
  for (const name of Object.keys(stacksEntry).sort()) {
    const entry = stacksEntry[name];
    const stackPath = isJsonObject(entry) && typeof entry.synthesizedStackPath === "string" ? entry.synthesizedStackPath : undefined;
    if (stackPath === undefined) {
      errors.push(`${manifestFile}: stacks.${name}: no synthesizedStackPath`);
      continue;
    }
    const file = join(dir, stackPath);
    const outside = leavesFolder(dir, stackPath);
    if (outside !== undefined) {
      errors.push(`${manifestFile}: stacks.${name}.synthesizedStackPath ${JSON.stringify(stackPath)} ${outside}; refused`);
      continue;
    }
    if (!stackPath.endsWith(".json")) {
      errors.push(`${file}: HCL output cannot be compared; synth without --hcl for review (the JSON and HCL describe the same resources)`);
      continue;
    }
    const parsed = parseJsonFile(file);
    if (parsed.error !== undefined || !isJsonObject(parsed.value)) {
      errors.push(parsed.error ?? `${file}: not a JSON object`);
      continue;
    }
    stacks.push(readStack(name, parsed.value));
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, output: { dir, stacks } };
}

/**
 * Why `stackPath` (from a manifest, which anyone can edit) does not name a file inside `dir`,
 * or undefined when it does: `../../etc/passwd`, an absolute path, or a symbolic link leading out.
 */
function leavesFolder(dir: string, stackPath: string): string | undefined {
  if (isAbsolute(stackPath)) return "is an absolute path, not one inside the output folder";
  const inside = (root: string, file: string): boolean => {
    const rel = relative(root, file);
    return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  if (!inside(resolve(dir), resolve(dir, stackPath))) return "leaves the output folder";
  try {
    if (!inside(realpathSync(dir), realpathSync(resolve(dir, stackPath)))) return "leads out of the output folder through a symbolic link";
  } catch {
    // A missing file is reported when it is read.
  }
  return undefined;
}

/** Environment of a stack: the provider's default tag when present, else the stack name up to the first `-`. */
export function stackEnvironment(stackName: string, config: JsonObject): string {
  const providers = isJsonObject(config.provider) ? config.provider.aws : undefined;
  const first = Array.isArray(providers) ? providers[0] : providers;
  const defaultTags = isJsonObject(first) ? first.default_tags : undefined;
  const tagBlock = Array.isArray(defaultTags) ? defaultTags[0] : defaultTags;
  const fromTag = isJsonObject(tagBlock) ? stringRecord(tagBlock.tags)[ENVIRONMENT_TAG] : undefined;
  if (fromTag !== undefined && stackName.startsWith(`${fromTag}-`)) return fromTag;
  const dash = stackName.indexOf("-");
  return dash > 0 ? stackName.slice(0, dash) : stackName;
}

function resourceTags(attributes: JsonObject): Readonly<Record<string, string>> {
  return { ...stringRecord(attributes.tags_all), ...stringRecord(attributes.tags) };
}

function metadataPath(body: JsonObject): string | undefined {
  const meta = isJsonObject(body["//"]) ? body["//"].metadata : undefined;
  return isJsonObject(meta) && typeof meta.path === "string" ? meta.path : undefined;
}

function withoutMetadata(body: JsonObject): JsonObject {
  const { "//": _metadata, ...rest } = body;
  return rest;
}

interface RawResource {
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly body: JsonObject;
}

function rawResources(config: JsonObject): RawResource[] {
  const out: RawResource[] = [];
  const blocks: ReadonlyArray<readonly ["managed" | "data", JsonValue | undefined]> = [
    ["managed", config.resource],
    ["data", config.data],
  ];
  for (const [mode, block] of blocks) {
    if (!isJsonObject(block)) continue;
    for (const type of Object.keys(block).sort()) {
      const byName = block[type];
      if (!isJsonObject(byName)) continue;
      for (const name of Object.keys(byName).sort()) {
        const body = byName[name];
        if (isJsonObject(body)) out.push({ mode, type, name, body });
      }
    }
  }
  return out;
}

/**
 * The compose service of a resource: its `compose2ecs:service` tag, else the first construct-path
 * segment that names a service seen in this stack's tags (untaggable resources such as IAM policies
 * and listener-rule attachments live in the same construct scope as their tagged siblings).
 */
export function attributeService(
  tags: Readonly<Record<string, string>>,
  constructPath: string | undefined,
  knownServices: ReadonlySet<string>,
): string | undefined {
  const tagged = tags[SERVICE_TAG];
  if (tagged !== undefined) return tagged;
  if (constructPath === undefined) return undefined;
  return constructPath
    .split("/")
    .slice(1)
    .find((segment) => knownServices.has(segment));
}

function readStack(name: string, config: JsonObject): SynthStack {
  const environment = stackEnvironment(name, config);
  const stackRole = name.startsWith(`${environment}-`) ? name.slice(environment.length + 1) : name;
  const raw = rawResources(config);
  const knownServices = new Set(raw.map((r) => resourceTags(r.body)[SERVICE_TAG]).filter((s): s is string => s !== undefined));
  const resources = raw.map((r): SynthResource => {
    const attributes = withoutMetadata(r.body);
    const constructPath = metadataPath(r.body);
    const service = attributeService(resourceTags(attributes), constructPath, knownServices);
    return {
      stack: name,
      environment,
      stackRole,
      ...(service !== undefined ? { service } : {}),
      mode: r.mode,
      type: r.type,
      address: r.mode === "data" ? `data.${r.type}.${r.name}` : `${r.type}.${r.name}`,
      ...(constructPath !== undefined ? { constructPath } : {}),
      attributes,
    };
  });
  return { name, environment, stackRole, resources, outputs: isJsonObject(config.output) ? config.output : {} };
}

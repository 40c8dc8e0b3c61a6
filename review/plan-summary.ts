import { ENVIRONMENT_TAG, SERVICE_TAG } from "./synth-output";
import { JsonObject, JsonValue, isJsonArray, isJsonObject, stringRecord } from "./json";
import { replacementConsequence } from "./replacement-rules";

/**
 * Summarises `terraform show -json PLANFILE` output (format_version 1.x) per compose service:
 * create / update in place / replace / destroy, replacements first with the attributes Terraform
 * says force them (`replace_paths`). Pure: the CLI reads the files.
 */

export const STACK_TAG = "compose2ecs:stack";

export type PlanAction = "create" | "update" | "replace" | "destroy" | "forget";

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly action: PlanAction;
  /** Compose service, from the `compose2ecs:service` tag or the cdktf resource name; undefined for shared resources. */
  readonly service?: string;
  /** `port`, `dns_config[0].namespace_id`: from Terraform's replace_paths. */
  readonly replacePaths: readonly string[];
  /** Terraform's action_reason, e.g. replace_because_cannot_update, replace_because_tainted. */
  readonly reason?: string;
  readonly consequence?: string;
}

export interface PlanFileSummary {
  readonly file: string;
  readonly environment?: string;
  readonly stack?: string;
  readonly terraformVersion?: string;
  readonly changes: readonly PlannedChange[];
}

export type ParsePlanResult = { readonly ok: true; readonly plan: PlanFileSummary } | { readonly ok: false; readonly error: string };

export interface ActionCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly destroy: number;
  readonly forget: number;
}

const EMPTY_COUNTS: ActionCounts = { create: 0, update: 0, replace: 0, destroy: 0, forget: 0 };

function actionOf(actions: readonly JsonValue[]): PlanAction | undefined {
  const list = actions.filter((a): a is string => typeof a === "string");
  const has = (a: string): boolean => list.includes(a);
  if (has("delete") && has("create")) return "replace";
  if (has("create")) return "create";
  if (has("delete")) return "destroy";
  if (has("update")) return "update";
  if (has("forget")) return "forget";
  return undefined; // no-op, read
}

/** `[["dns_config", 0, "namespace_id"]]` -> `dns_config[0].namespace_id`. */
export function formatReplacePath(steps: readonly JsonValue[]): string {
  return steps.map((step, i) => (typeof step === "number" ? `[${step}]` : `${i === 0 ? "" : "."}${String(step)}`)).join("");
}

function tagsOf(change: JsonObject): Readonly<Record<string, string>> {
  const pick = (side: JsonValue | undefined): Record<string, string> =>
    isJsonObject(side) ? { ...stringRecord(side.tags_all), ...stringRecord(side.tags) } : {};
  return { ...pick(change.before), ...pick(change.after) };
}

/**
 * cdktf names resources `<scope>_<scope>_..._<HASH>` from the construct path, so an untaggable
 * resource of a service starts with `<service>_`. The longest known service name wins.
 */
export function serviceFromName(name: string, knownServices: ReadonlySet<string>): string | undefined {
  return [...knownServices].sort((a, b) => b.length - a.length).find((service) => name.startsWith(`${service}_`));
}

interface RawChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly action: PlanAction;
  readonly tags: Readonly<Record<string, string>>;
  readonly replacePaths: readonly string[];
  readonly reason?: string;
}

function rawChange(entry: JsonValue): RawChange | undefined {
  if (!isJsonObject(entry) || !isJsonObject(entry.change)) return undefined;
  if (entry.mode !== "managed") return undefined;
  const actions = entry.change.actions;
  const action = isJsonArray(actions) ? actionOf(actions) : undefined;
  if (action === undefined || typeof entry.address !== "string" || typeof entry.type !== "string") return undefined;
  const paths = isJsonArray(entry.change.replace_paths) ? entry.change.replace_paths : [];
  return {
    address: entry.address,
    type: entry.type,
    name: typeof entry.name === "string" ? entry.name : entry.address,
    action,
    tags: tagsOf(entry.change),
    replacePaths: paths.filter(isJsonArray).map(formatReplacePath),
    ...(typeof entry.action_reason === "string" ? { reason: entry.action_reason } : {}),
  };
}

/** Reads one plan's JSON; `file` names it in messages. */
export function parsePlan(json: JsonValue, file: string): ParsePlanResult {
  if (!isJsonObject(json) || typeof json.format_version !== "string") {
    return { ok: false, error: `${file}: not \`terraform show -json\` plan output (no format_version)` };
  }
  if (!json.format_version.startsWith("1.")) {
    return { ok: false, error: `${file}: plan format_version ${json.format_version} is not supported (expected 1.x)` };
  }
  if (json.resource_changes !== undefined && !isJsonArray(json.resource_changes)) {
    return { ok: false, error: `${file}: resource_changes is not a list` };
  }
  const raw = (json.resource_changes ?? []).map(rawChange).filter((c): c is RawChange => c !== undefined);
  const knownServices = new Set(raw.map((c) => c.tags[SERVICE_TAG]).filter((s): s is string => s !== undefined));
  const changes = raw
    .map((c): PlannedChange => {
      const service = c.tags[SERVICE_TAG] ?? serviceFromName(c.name, knownServices);
      const consequence = c.action === "replace" ? replacementConsequence(c.type) : undefined;
      return {
        address: c.address,
        type: c.type,
        action: c.action,
        ...(service !== undefined ? { service } : {}),
        replacePaths: c.replacePaths,
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(consequence !== undefined ? { consequence } : {}),
      };
    })
    .sort((a, b) => a.address.localeCompare(b.address));
  const tagged = raw.find((c) => c.tags[STACK_TAG] !== undefined || c.tags[ENVIRONMENT_TAG] !== undefined)?.tags ?? {};
  return {
    ok: true,
    plan: {
      file,
      ...(tagged[ENVIRONMENT_TAG] !== undefined ? { environment: tagged[ENVIRONMENT_TAG] } : {}),
      ...(tagged[STACK_TAG] !== undefined ? { stack: tagged[STACK_TAG] } : {}),
      ...(typeof json.terraform_version === "string" ? { terraformVersion: json.terraform_version } : {}),
      changes,
    },
  };
}

export function countActions(changes: readonly PlannedChange[]): ActionCounts {
  const counts = { ...EMPTY_COUNTS };
  for (const c of changes) counts[c.action] += 1;
  return counts;
}

/** Counts per service (shared resources under ""), services sorted, shared last. */
export function countsByService(changes: readonly PlannedChange[]): ReadonlyArray<readonly [string, ActionCounts]> {
  const services = [...new Set(changes.map((c) => c.service ?? ""))].sort((a, b) => Number(a === "") - Number(b === "") || a.localeCompare(b));
  return services.map((s) => [s, countActions(changes.filter((c) => (c.service ?? "") === s))] as const);
}

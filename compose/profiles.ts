import { RawEntry, RawMap, RawNode, isMap, isScalar, isSeq, scalarText, withEntry } from "./raw";

export interface ProfilesResult {
  readonly root: RawMap;
  /** Services left out, with the profiles that would enable them. */
  readonly disabled: ReadonlyMap<string, readonly string[]>;
}

/**
 * Stage 3 (part): profiles (Compose spec, profiles.md). A service without `profiles` is always
 * enabled; one with profiles only when one of them is active; `*` activates all.
 */
export function applyProfiles(root: RawMap, active: readonly string[]): ProfilesResult {
  const services = root.entries.get("services")?.value;
  const disabled = new Map<string, readonly string[]>();
  if (!isMap(services)) return { root, disabled };
  const all = active.includes("*");
  const entries = new Map<string, RawEntry>();
  for (const [name, entry] of services.entries) {
    const profiles = profilesOf(entry.value);
    if (profiles.length === 0 || all || profiles.some((p) => active.includes(p))) entries.set(name, entry);
    else disabled.set(name, profiles);
  }
  return { root: withEntry(root, "services", { ...services, entries }), disabled };
}

function profilesOf(service: RawNode): string[] {
  const node = isMap(service) ? service.entries.get("profiles")?.value : undefined;
  if (!isSeq(node)) return [];
  return node.items.filter(isScalar).map((i) => scalarText(i.value));
}

/** COMPOSE_PROFILES / --profile values: comma-separated, blanks dropped, in order, once each. */
export function parseProfileList(values: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const part of (value ?? "").split(",")) {
      const p = part.trim();
      if (p !== "" && !out.includes(p)) out.push(p);
    }
  }
  return out;
}

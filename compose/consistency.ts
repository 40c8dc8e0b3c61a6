import { error, warning } from "./diagnostics";
import { splitVolumeSpec } from "./merge";
import { Diagnostic, JsonValue } from "./model";
import { isHostPath } from "./paths";
import { parsePort } from "./ports";
import { ComposePath, RawMap, RawNode, formatPath, isMap, isScalar, isSeq, locate, toPlain } from "./raw";

type Obj = Readonly<Record<string, JsonValue>>;

/**
 * Stage 4 (part): the spec's consistency rules on the merged project (compose-go
 * loader/validate.go and consistency checks): references to services, networks, volumes,
 * secrets and configs that are not defined; depends_on cycles; services with neither image
 * nor build; two services publishing the same host port.
 */
export function checkConsistency(root: RawMap, disabled: ReadonlyMap<string, readonly string[]>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const plain = toPlain(root) as Obj;
  const services = asObj(plain.services);
  const names = new Set(Object.keys(services));
  const err = (path: ComposePath, message: string, atKey = false): void => {
    out.push(error(message, formatPath(path), locate(root, path, atKey)));
  };
  const serviceRef = (path: ComposePath, from: string, target: string, what: string, required = true): void => {
    if (names.has(target)) return;
    const profiles = disabled.get(target);
    const because = profiles
      ? `, which is only enabled with profile ${profiles.map((p) => `"${p}"`).join(" or ")} (activate it with --profile ${profiles[0] ?? ""})`
      : "";
    const message = `service "${from}" ${what} undefined service "${target}"${because}`;
    if (required) err(path, message);
    else out.push(warning(`${message}; ignored (required: false)`, formatPath(path), locate(root, path)));
  };

  for (const name of [...names].sort()) {
    const svc = asObj(services[name]);
    const at = (...rest: ComposePath): ComposePath => ["services", name, ...rest];
    if (svc.image === undefined && svc.build === undefined) {
      err(at(), `service "${name}" has neither an image nor a build section: nothing to deploy`, true);
    }
    const dependsOn = svc.depends_on;
    if (Array.isArray(dependsOn)) (dependsOn as JsonValue[]).forEach((d, i) => serviceRef(at("depends_on", i), name, String(d), "depends on"));
    else for (const [dep, spec] of Object.entries(asObj(dependsOn))) serviceRef(at("depends_on", dep), name, dep, "depends on", asObj(spec).required !== false);
    listOf(svc.links).forEach((link, i) => serviceRef(at("links", i), name, link.split(":")[0] ?? link, "links to"));
    listOf(svc.volumes_from).forEach((from, i) => {
      if (!from.startsWith("container:")) serviceRef(at("volumes_from", i), name, from.split(":")[0] ?? from, "takes volumes from");
    });
    for (const key of ["network_mode", "ipc", "pid"]) {
      const value = svc[key];
      if (typeof value === "string" && value.startsWith("service:")) serviceRef(at(key), name, value.slice("service:".length), `uses ${key} of`);
    }
    checkReferences(svc, at, plain, err);
  }
  out.push(...dependencyCycles(services, root));
  out.push(...duplicatePublishedPorts(services, root));
  out.push(...prototypeKeys(root, [], root));
  return out;
}

/**
 * Keys named `__proto__`: legal YAML and legal for docker compose (an environment variable, a
 * label), but in the plain JavaScript objects every later stage builds, assigning this key sets
 * the object's prototype and the entry vanishes without a word. Refused by name instead.
 */
const PROTOTYPE_KEY = "the key __proto__ is not supported (in JavaScript objects it is the prototype, so the entry would be lost); rename it";

function prototypeKeys(node: RawNode, path: ComposePath, root: RawMap): Diagnostic[] {
  if (isSeq(node)) {
    return node.items.flatMap((item, i) => {
      const at = [...path, i];
      // A `KEY=VALUE` list (environment, labels, sysctls ...) becomes such an object too.
      const listed = isScalar(item) && typeof item.value === "string" && /^__proto__(=|$)/.test(item.value);
      return listed ? [error(PROTOTYPE_KEY, formatPath(at), locate(root, at))] : prototypeKeys(item, at, root);
    });
  }
  if (!isMap(node)) return [];
  return [...node.entries].flatMap(([key, entry]) => {
    const at = [...path, key];
    const here = key === "__proto__" ? [error(PROTOTYPE_KEY, formatPath(at), locate(root, at, true))] : [];
    return [...here, ...prototypeKeys(entry.value, at, root)];
  });
}

function asObj(value: JsonValue | undefined): Obj {
  return value !== null && value !== undefined && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {};
}

function listOf(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? (value as JsonValue[]).map((v) => String(v)) : [];
}

function checkReferences(
  svc: Obj,
  at: (...p: ComposePath) => ComposePath,
  plain: Obj,
  err: (path: ComposePath, message: string, atKey?: boolean) => void,
): void {
  const networks = asObj(plain.networks);
  if (Array.isArray(svc.networks)) {
    listOf(svc.networks).forEach((n, i) => {
      if (n !== "default" && !(n in networks)) err(at("networks", i), `refers to undefined network "${n}"`);
    });
  } else {
    for (const n of Object.keys(asObj(svc.networks)))
      if (n !== "default" && !(n in networks)) err(at("networks", n), `refers to undefined network "${n}"`, true);
  }
  const volumes = asObj(plain.volumes);
  const mounts = Array.isArray(svc.volumes) ? (svc.volumes as JsonValue[]) : [];
  mounts.forEach((m, i) => {
    const source = namedVolumeSource(m);
    if (source !== undefined && !(source in volumes)) err(at("volumes", i), `refers to undefined volume "${source}"`);
  });
  for (const kind of ["secrets", "configs"] as const) {
    const defined = asObj(plain[kind]);
    const refs = Array.isArray(svc[kind]) ? (svc[kind] as JsonValue[]) : [];
    refs.forEach((r, i) => {
      const source = typeof r === "string" ? r : String(asObj(r).source ?? "");
      if (!(source in defined)) err(at(kind, i), `refers to undefined ${kind === "secrets" ? "secret" : "config"} "${source}"`);
    });
  }
  const buildSecrets = Array.isArray(asObj(svc.build).secrets) ? (asObj(svc.build).secrets as JsonValue[]) : [];
  buildSecrets.forEach((r, i) => {
    const source = typeof r === "string" ? r : String(asObj(r).source ?? "");
    if (!(source in asObj(plain.secrets))) err(at("build", "secrets", i), `refers to undefined secret "${source}"`);
  });
}

function namedVolumeSource(mount: JsonValue): string | undefined {
  if (typeof mount === "string") {
    const parts = splitVolumeSpec(mount);
    const source = parts[0] ?? "";
    return parts.length >= 2 && source !== "" && !isHostPath(source) ? source : undefined;
  }
  const obj = asObj(mount);
  const type = obj.type ?? "volume";
  return type === "volume" && typeof obj.source === "string" && obj.source !== "" ? obj.source : undefined;
}

/** Every cycle once, starting from its alphabetically first service, reported at that service's depends_on. */
function dependencyCycles(services: Obj, root: RawMap): Diagnostic[] {
  const edges = new Map<string, string[]>();
  for (const [name, svc] of Object.entries(services)) {
    const deps = asObj(svc).depends_on;
    const targets = Array.isArray(deps) ? listOf(deps) : Object.keys(asObj(deps));
    edges.set(name, targets.filter((t) => t in services).sort());
  }
  const state = new Map<string, "visiting" | "done">();
  const found = new Map<string, string[]>();
  const visit = (name: string, stack: string[]): void => {
    state.set(name, "visiting");
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      if (state.get(next) === "visiting") {
        const cycle = stack.slice(stack.indexOf(next));
        const start = [...cycle].sort()[0] as string;
        const rotated = [...cycle.slice(cycle.indexOf(start)), ...cycle.slice(0, cycle.indexOf(start))];
        const key = rotated.join("\u0000");
        if (!found.has(key)) found.set(key, rotated);
      } else if (state.get(next) === undefined) {
        visit(next, stack);
      }
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const name of [...edges.keys()].sort()) if (state.get(name) === undefined) visit(name, []);
  return [...found.values()].map((cycle) => {
    const first = cycle[0] as string;
    const path: ComposePath = ["services", first, "depends_on"];
    return error(`dependency cycle: ${[...cycle, first].join(" -> ")}`, formatPath(path), locate(root, path, true));
  });
}

/**
 * docker compose cannot bind one host port twice, but its loader accepts the file and only
 * `up` fails. On ECS every task has its own network interface and each routed service its own
 * target group, so both services still convert: a warning, not an error.
 */
function duplicatePublishedPorts(services: Obj, root: RawMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Published ranges are compared as ranges: "1-65535" is one entry, not 65,535.
  const taken: { protocol: string; from: number; to: number; ip: string; owner: string }[] = [];
  const wildcard = (ip: string): boolean => ip === "0.0.0.0" || ip === "::";
  for (const name of Object.keys(services).sort()) {
    const ports = asObj(services[name]).ports;
    if (!Array.isArray(ports)) continue;
    (ports as JsonValue[]).forEach((item, i) => {
      const parsed = parsePort(item);
      if (!parsed.ok || parsed.value.published === undefined) return;
      const p = parsed.value;
      const from = p.published as number;
      const to = p.publishedEnd ?? from;
      const ip = p.hostIp ?? "0.0.0.0";
      // A wildcard address takes the port on every interface, so it clashes with any other binding.
      const clash = taken.find((h) => h.protocol === p.protocol && h.from <= to && from <= h.to && (h.ip === ip || wildcard(h.ip) || wildcard(ip)));
      if (clash !== undefined) {
        const path: ComposePath = ["services", name, "ports", i];
        const port = Math.max(from, clash.from);
        out.push(
          warning(
            `published port ${port}/${p.protocol} is already published by ${clash.owner}: docker compose cannot start both locally; on ECS each service has its own network interface and target group`,
            formatPath(path),
            locate(root, path),
          ),
        );
        return;
      }
      taken.push({ protocol: p.protocol, from, to, ip, owner: `service "${name}"` });
    });
  }
  return out;
}

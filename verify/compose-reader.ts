import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parseDotenv } from "./dotenv";
import { interpolate, InterpolationError, Lookup } from "./interpolate";
import { isOverride, isReset, isTreeMap, Located, locateItem, locateKey, parseYamlTree, setKeyLocation, setItemLocations, Tree, TreeMap } from "./yaml-tree";

/**
 * The verifier's own compose reader: small and independent of compose2ecs's loader, so the two
 * cannot share a mistake. It reads what runtime promises depend on (names, networks, ports,
 * environment, volumes, health checks) and says in `notes` what it does not understand instead of
 * guessing. Supported: YAML anchors and merge keys, interpolation (see interpolate.ts), the
 * project's `.env`, `env_file` (string, list, `{path, required}`), `extends` (same file or `file:`),
 * `include` (paths), several files merged in order, `!reset`/`!override`, profiles (only services
 * without a profile are read: the default profile).
 */

export interface EnvEntry {
  readonly key: string;
  readonly value: string;
  readonly at?: Located;
}

export interface PortSpec {
  readonly target: number;
  /** Host port or range as written; undefined for a long-syntax port without one. */
  readonly published?: string;
  readonly hostIp?: string;
  readonly protocol: "tcp" | "udp";
  /** compose `app_protocol`, else compose-cli's `x-aws-protocol`. */
  readonly appProtocol?: string;
  readonly at?: Located;
}

export interface VolumeMount {
  readonly type: "volume" | "bind" | "tmpfs" | "npipe" | "image" | "cluster";
  /** Named volume name or host path; undefined for an anonymous volume. */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly at?: Located;
}

export interface NetworkMembership {
  readonly name: string;
  readonly aliases: readonly string[];
}

export interface ServiceSpec {
  readonly name: string;
  readonly at?: Located;
  readonly image?: string;
  readonly build: boolean;
  readonly containerName?: string;
  /** Container environment: env_file values first, `environment` over them. */
  readonly environment: readonly EnvEntry[];
  /** `depends_on` entries with their condition (`service_started` when written as a list). */
  readonly dependsOn: readonly { readonly name: string; readonly condition: string; readonly at?: Located }[];
  readonly links: readonly { readonly service: string; readonly alias: string; readonly at?: Located }[];
  /** Compose networks the service joins (`default` when it names none); empty with `network_mode`. */
  readonly networks: readonly NetworkMembership[];
  readonly networkMode?: string;
  readonly ports: readonly PortSpec[];
  readonly expose: readonly number[];
  readonly volumes: readonly VolumeMount[];
  /** Healthcheck test as compose runs it (`["CMD-SHELL", "..."]` for a string); undefined when none or disabled. */
  readonly healthcheck?: readonly string[];
  readonly command: readonly string[];
  readonly entrypoint: readonly string[];
  /** The `x-ecs` mapping as written (path, healthCheckPath, protocol, stateful, ...). */
  readonly xEcs: Readonly<Record<string, unknown>>;
  /** `deploy.replicas`, else `scale`. */
  readonly replicas?: number;
  /** `deploy.update_config.order` (`start-first`, `stop-first`). */
  readonly updateOrder?: string;
}

export interface ComposeProject {
  readonly projectDir: string;
  readonly files: readonly string[];
  readonly services: readonly ServiceSpec[];
  /** Top-level named volumes. */
  readonly volumes: readonly string[];
  /** What the reader could not understand or find (never guessed). */
  readonly notes: readonly string[];
}

export interface ReadOptions {
  /** Compose files, merged in order. */
  readonly files: readonly string[];
  /** The shell environment for interpolation (wins over `.env`). @default {} */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** Where `.env` is read from. @default the first file's folder */
  readonly projectDir?: string;
}

export function readCompose(options: ReadOptions): ComposeProject {
  const files = options.files.map((f) => resolve(f));
  const projectDir = resolve(options.projectDir ?? dirname(files[0] ?? "."));
  const shell = options.environment ?? {};
  const notes: string[] = [];
  const dotenvPath = resolve(projectDir, ".env");
  const dotenv = new Map<string, string>();
  if (existsSync(dotenvPath)) {
    for (const e of parseDotenv(readFileSync(dotenvPath, "utf8"), (n) => shell[n])) dotenv.set(e.key, e.value);
  }
  const lookup: Lookup = (name) => shell[name] ?? dotenv.get(name);
  const reader = new FileReader(lookup, notes);
  let services: Record<string, TreeMap> = {};
  const volumes = new Set<string>();
  for (const file of files) {
    const loaded = reader.services(file);
    for (const v of loaded.volumes) volumes.add(v);
    services = mergeServiceSets(services, loaded.services);
  }
  const specs: ServiceSpec[] = [];
  for (const name of Object.keys(services).sort()) {
    const raw = services[name];
    if (raw === undefined) continue;
    const profiles = raw.profiles;
    if (Array.isArray(profiles) && profiles.length > 0) continue;
    specs.push(normaliseService(name, raw, lookup, notes));
  }
  return { projectDir, files, services: specs, volumes: [...volumes].sort(), notes };
}

/** Reads files (with include and extends) into canonical raw services. */
class FileReader {
  private readonly cache = new Map<string, { services: Record<string, TreeMap>; volumes: string[] }>();
  private readonly resolving = new Set<string>();

  constructor(
    private readonly lookup: Lookup,
    private readonly notes: string[],
  ) {}

  services(file: string): { services: Record<string, TreeMap>; volumes: string[] } {
    const cached = this.cache.get(file);
    if (cached !== undefined) return cached;
    const result = { services: {} as Record<string, TreeMap>, volumes: [] as string[] };
    this.cache.set(file, result);
    if (!existsSync(file)) {
      this.notes.push(`${file}: not found`);
      return result;
    }
    const parsed = parseYamlTree(readFileSync(file, "utf8"), file, (s, at) => {
      try {
        return interpolate(s, this.lookup);
      } catch (e) {
        if (e instanceof InterpolationError) {
          this.notes.push(`${at.file}:${at.line}: ${e.message}`);
          return "";
        }
        throw e;
      }
    });
    this.notes.push(...parsed.errors);
    const top = parsed.value;
    if (!isTreeMap(top)) return result;
    const dir = dirname(file);
    const include = top.include;
    if (Array.isArray(include)) {
      for (const item of include) {
        const paths = typeof item === "string" ? [item] : isTreeMap(item) ? asStrings(item.path) : [];
        if (paths.length === 0) this.notes.push(`${file}: an include entry the verifier does not understand was skipped`);
        for (const p of paths) {
          const included = this.services(resolve(dir, p));
          result.services = mergeServiceSets(result.services, included.services);
          result.volumes.push(...included.volumes);
        }
      }
    }
    if (isTreeMap(top.volumes)) result.volumes.push(...Object.keys(top.volumes));
    const raw = isTreeMap(top.services) ? top.services : {};
    const canonical: Record<string, TreeMap> = {};
    for (const [name, svc] of Object.entries(raw)) {
      if (isTreeMap(svc)) {
        canonical[name] = canonicalise(svc, dir);
        setKeyLocation(canonical[name] as TreeMap, "__service__", locateKey(raw, name));
      }
    }
    const own: Record<string, TreeMap> = {};
    for (const name of Object.keys(canonical)) own[name] = this.extend(file, name, canonical);
    result.services = mergeServiceSets(result.services, own);
    return result;
  }

  /** Resolves `extends` for one service of a file. */
  private extend(file: string, name: string, services: Record<string, TreeMap>): TreeMap {
    const svc = services[name];
    if (svc === undefined) return {};
    const ext = svc.extends;
    if (ext === undefined || ext === null) return svc;
    const baseName = typeof ext === "string" ? ext : isTreeMap(ext) && typeof ext.service === "string" ? ext.service : undefined;
    const baseFile = isTreeMap(ext) && typeof ext.file === "string" ? resolve(dirname(file), ext.file) : file;
    const key = `${baseFile}#${baseName ?? ""}`;
    if (baseName === undefined || this.resolving.has(key)) {
      this.notes.push(`${file}: services.${name}.extends: not understood (or a cycle); the service is read without it`);
      return withoutKey(svc, "extends");
    }
    this.resolving.add(key);
    try {
      const base = baseFile === file ? this.extend(file, baseName, services) : this.services(baseFile).services[baseName];
      if (base === undefined) {
        this.notes.push(`${file}: services.${name}.extends: service ${baseName} not found`);
        return withoutKey(svc, "extends");
      }
      const merged = mergeTree(base, withoutKey(svc, "extends"), []);
      if (!isTreeMap(merged)) return svc;
      setKeyLocation(merged, "__service__", locateKey(svc, "__service__"));
      return merged;
    } finally {
      this.resolving.delete(key);
    }
  }
}

function withoutKey(map: TreeMap, key: string): TreeMap {
  const out: TreeMap = {};
  for (const [k, v] of Object.entries(map)) {
    if (k === key) continue;
    out[k] = v;
    setKeyLocation(out, k, locateKey(map, k));
  }
  setKeyLocation(out, "__service__", locateKey(map, "__service__"));
  return out;
}

function mergeServiceSets(base: Record<string, TreeMap>, over: Record<string, TreeMap>): Record<string, TreeMap> {
  const out: Record<string, TreeMap> = { ...base };
  for (const [name, svc] of Object.entries(over)) {
    const prev = out[name];
    const merged = prev === undefined ? svc : mergeTree(prev, svc, []);
    if (!isTreeMap(merged)) continue;
    setKeyLocation(merged, "__service__", locateKey(prev ?? svc, "__service__") ?? locateKey(svc, "__service__"));
    out[name] = merged;
  }
  return out;
}

/** List-or-map keys become maps, env_file paths absolute, so files and `extends` merge key by key. */
function canonicalise(svc: TreeMap, dir: string): TreeMap {
  const out: TreeMap = {};
  for (const [k, v] of Object.entries(svc)) {
    let value: Tree = v;
    if (k === "environment" && Array.isArray(v)) value = listToMap(v, "=");
    else if (k === "depends_on" && Array.isArray(v)) value = listToMap(v, undefined);
    else if (k === "networks" && Array.isArray(v)) value = listToMap(v, undefined);
    else if (k === "env_file") value = envFiles(v, dir);
    out[k] = value;
    setKeyLocation(out, k, locateKey(svc, k));
  }
  return out;
}

function listToMap(list: Tree[], separator: string | undefined): TreeMap {
  const out: TreeMap = {};
  list.forEach((item, i) => {
    const text = typeof item === "string" ? item : String(item);
    const at = locateItem(list, i);
    if (separator !== undefined && text.includes(separator)) {
      const idx = text.indexOf(separator);
      out[text.slice(0, idx)] = text.slice(idx + separator.length);
      setKeyLocation(out, text.slice(0, idx), at);
    } else {
      out[text] = null;
      setKeyLocation(out, text, at);
    }
  });
  return out;
}

function envFiles(value: Tree, dir: string): Tree {
  const items = Array.isArray(value) ? value : [value];
  const out: Tree[] = [];
  for (const item of items) {
    if (typeof item === "string") out.push({ path: resolve(dir, item), required: true });
    else if (isTreeMap(item) && typeof item.path === "string") out.push({ path: resolve(dir, item.path), required: item.required !== false });
  }
  return out;
}

const REPLACED_LISTS = new Set(["command", "entrypoint", "test", "profiles", "dns", "dns_search"]);

/** Compose's merge: mappings key by key, `volumes` by target, other lists appended without duplicates. */
export function mergeTree(base: Tree | undefined, over: Tree, path: readonly string[]): Tree {
  if (isReset(over)) return over;
  if (isOverride(over) || base === undefined) return over;
  if (isTreeMap(base) && isTreeMap(over)) {
    const out: TreeMap = {};
    for (const [k, v] of Object.entries(base)) {
      out[k] = v;
      setKeyLocation(out, k, locateKey(base, k));
    }
    for (const [k, v] of Object.entries(over)) {
      const merged = mergeTree(out[k], v, [...path, k]);
      if (isReset(merged)) {
        delete out[k];
        continue;
      }
      out[k] = merged;
      setKeyLocation(out, k, locateKey(over, k));
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    const last = path[path.length - 1] ?? "";
    if (REPLACED_LISTS.has(last)) return over;
    const items: Tree[] = [];
    const lines: (Located | undefined)[] = [];
    const keyOf = (item: Tree) => (last === "volumes" && path.length === 1 ? volumeTarget(item) : JSON.stringify(item));
    const seen = new Map<string, number>();
    const add = (item: Tree, at: Located | undefined) => {
      const key = keyOf(item);
      const existing = seen.get(key);
      if (existing !== undefined) {
        items[existing] = item;
        lines[existing] = at;
        return;
      }
      seen.set(key, items.length);
      items.push(item);
      lines.push(at);
    };
    base.forEach((item, i) => add(item, locateItem(base, i)));
    over.forEach((item, i) => add(item, locateItem(over, i)));
    setItemLocations(items, lines);
    return items;
  }
  return over;
}

function volumeTarget(item: Tree): string {
  if (typeof item === "string") {
    const parts = splitVolume(item);
    return parts.target;
  }
  if (isTreeMap(item) && typeof item.target === "string") return item.target;
  return JSON.stringify(item);
}

function asStrings(value: Tree | undefined): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

function asWords(value: Tree | undefined): string[] {
  if (typeof value === "string") return value.split(/\s+/).filter((w) => w !== "");
  if (Array.isArray(value)) return value.map((v) => (v === null ? "" : String(v)));
  return [];
}

function normaliseService(name: string, raw: TreeMap, lookup: Lookup, notes: string[]): ServiceSpec {
  const environment = new Map<string, EnvEntry>();
  const envFilesList = Array.isArray(raw.env_file) ? raw.env_file : [];
  for (const f of envFilesList) {
    if (!isTreeMap(f) || typeof f.path !== "string") continue;
    if (!existsSync(f.path)) {
      if (f.required !== false) notes.push(`services.${name}.env_file: ${f.path} not found`);
      continue;
    }
    const file = f.path;
    for (const e of parseDotenv(readFileSync(file, "utf8"), lookup)) environment.set(e.key, { key: e.key, value: e.value, at: { file, line: e.line } });
  }
  if (isTreeMap(raw.environment)) {
    for (const [key, value] of Object.entries(raw.environment)) {
      const at = locateKey(raw.environment, key);
      if (value === null) {
        const inherited = lookup(key);
        if (inherited !== undefined) environment.set(key, { key, value: inherited, ...(at ? { at } : {}) });
        else environment.delete(key);
        continue;
      }
      if (isReset(value) || isTreeMap(value) || Array.isArray(value)) continue;
      environment.set(key, { key, value: String(value), ...(at ? { at } : {}) });
    }
  }
  const dependsOn = isTreeMap(raw.depends_on)
    ? Object.entries(raw.depends_on).map(([d, cfg]) => ({
        name: d,
        condition: isTreeMap(cfg) && typeof cfg.condition === "string" ? cfg.condition : "service_started",
        ...optionalAt(locateKey(raw.depends_on as TreeMap, d)),
      }))
    : [];
  const links = Array.isArray(raw.links)
    ? raw.links.map((l, i) => {
        const text = String(l);
        const [service, alias] = text.includes(":") ? [text.slice(0, text.indexOf(":")), text.slice(text.indexOf(":") + 1)] : [text, text];
        return { service, alias, ...optionalAt(locateItem(raw.links as Tree[], i)) };
      })
    : [];
  const networkMode = typeof raw.network_mode === "string" ? raw.network_mode : undefined;
  const networks: NetworkMembership[] = [];
  if (networkMode === undefined) {
    if (isTreeMap(raw.networks)) {
      for (const [net, cfg] of Object.entries(raw.networks)) networks.push({ name: net, aliases: isTreeMap(cfg) ? asStrings(cfg.aliases) : [] });
    } else networks.push({ name: "default", aliases: [] });
  }
  const ports: PortSpec[] = [];
  if (Array.isArray(raw.ports)) {
    raw.ports.forEach((p, i) => {
      const parsed = parsePort(p, locateItem(raw.ports as Tree[], i));
      if (parsed === undefined) notes.push(`services.${name}.ports[${i}]: not understood: ${JSON.stringify(p)}`);
      else ports.push(...parsed);
    });
  }
  const expose: number[] = [];
  if (Array.isArray(raw.expose)) {
    for (const e of raw.expose) {
      const range = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/.exec(String(e));
      if (range === null) {
        notes.push(`services.${name}.expose: not understood: ${JSON.stringify(e)}`);
        continue;
      }
      const from = Number(range[1]);
      const to = range[2] !== undefined ? Number(range[2]) : from;
      for (let port = from; port <= to && port - from < 1000; port++) expose.push(port);
    }
  }
  const volumes: VolumeMount[] = [];
  if (Array.isArray(raw.volumes)) {
    raw.volumes.forEach((v, i) => {
      const parsed = parseVolume(v, locateItem(raw.volumes as Tree[], i));
      if (parsed === undefined) notes.push(`services.${name}.volumes[${i}]: not understood: ${JSON.stringify(v)}`);
      else volumes.push(parsed);
    });
  }
  const hc = raw.healthcheck;
  let healthcheck: string[] | undefined;
  if (isTreeMap(hc) && hc.disable !== true) {
    if (typeof hc.test === "string") healthcheck = ["CMD-SHELL", hc.test];
    else if (Array.isArray(hc.test)) healthcheck = hc.test.map((t) => String(t));
    if (healthcheck?.[0] === "NONE") healthcheck = undefined;
  }
  const deploy = isTreeMap(raw.deploy) ? raw.deploy : {};
  const replicas = typeof deploy.replicas === "number" ? deploy.replicas : typeof raw.scale === "number" ? raw.scale : undefined;
  const updateConfig = isTreeMap(deploy.update_config) ? deploy.update_config : {};
  const updateOrder = typeof updateConfig.order === "string" ? updateConfig.order : undefined;
  const xEcs = isTreeMap(raw["x-ecs"]) ? (raw["x-ecs"] as Record<string, unknown>) : {};
  const at = locateKey(raw, "__service__");
  return {
    name,
    ...optionalAt(at),
    ...(typeof raw.image === "string" && raw.image !== "" ? { image: raw.image } : {}),
    build: raw.build !== undefined && raw.build !== null,
    ...(typeof raw.container_name === "string" ? { containerName: raw.container_name } : {}),
    environment: [...environment.values()],
    dependsOn,
    links,
    networks,
    ...(networkMode !== undefined ? { networkMode } : {}),
    ports,
    expose,
    volumes,
    ...(healthcheck !== undefined ? { healthcheck } : {}),
    command: asWords(raw.command),
    entrypoint: asWords(raw.entrypoint),
    xEcs,
    ...(replicas !== undefined ? { replicas } : {}),
    ...(updateOrder !== undefined ? { updateOrder } : {}),
  };
}

function optionalAt(at: Located | undefined): { at?: Located } {
  return at !== undefined && at.line > 0 ? { at } : {};
}

/** Short (`[ip:][published:]target[/proto]`, ranges) and long port syntax. */
export function parsePort(value: Tree, at?: Located): PortSpec[] | undefined {
  const located = optionalAt(at);
  if (typeof value === "number") return [{ target: value, protocol: "tcp", ...located }];
  if (isTreeMap(value)) {
    const target = Number(value.target);
    if (!Number.isInteger(target)) return undefined;
    const protocol = value.protocol === "udp" ? "udp" : "tcp";
    const app = typeof value.app_protocol === "string" ? value.app_protocol : typeof value["x-aws-protocol"] === "string" ? value["x-aws-protocol"] : undefined;
    return [
      {
        target,
        protocol,
        ...(value.published !== undefined && value.published !== null && value.published !== "" ? { published: String(value.published) } : {}),
        ...(typeof value.host_ip === "string" ? { hostIp: value.host_ip } : {}),
        ...(app !== undefined ? { appProtocol: app.toLowerCase() } : {}),
        ...located,
      },
    ];
  }
  if (typeof value !== "string") return undefined;
  let text = value.trim();
  let protocol: "tcp" | "udp" = "tcp";
  const slash = text.lastIndexOf("/");
  if (slash >= 0) {
    const proto = text.slice(slash + 1);
    if (proto !== "tcp" && proto !== "udp") return undefined;
    protocol = proto;
    text = text.slice(0, slash);
  }
  let hostIp: string | undefined;
  const bracket = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (bracket !== null) {
    hostIp = bracket[1];
    text = bracket[2] ?? "";
  }
  const parts = text.split(":");
  if (hostIp === undefined && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2) return undefined;
  const targetText = parts[parts.length - 1] ?? "";
  const published = parts.length === 2 ? parts[0] : undefined;
  const range = /^(\d+)(?:-(\d+))?$/.exec(targetText);
  if (range === null) return undefined;
  const from = Number(range[1]);
  const to = range[2] !== undefined ? Number(range[2]) : from;
  const out: PortSpec[] = [];
  for (let port = from; port <= to && port - from < 1000; port++) {
    // A short-syntax port always publishes (a host port is chosen when none is written).
    out.push({
      target: port,
      protocol,
      published: published !== undefined && published !== "" ? published : "",
      ...(hostIp !== undefined && hostIp !== "" ? { hostIp } : {}),
      ...located,
    });
  }
  return out;
}

function splitVolume(text: string): { source?: string; target: string; mode?: string } {
  // Windows drive letters (C:\data) are sources, not separators.
  const parts = text.match(/^([A-Za-z]:[\\/][^:]*|[^:]+)(?::([^:]+))?(?::([^:]+))?$/);
  if (parts === null) return { target: text };
  if (parts[2] === undefined) return { target: parts[1] ?? text };
  return { source: parts[1] ?? "", target: parts[2], ...(parts[3] !== undefined ? { mode: parts[3] } : {}) };
}

export function parseVolume(value: Tree, at?: Located): VolumeMount | undefined {
  const located = optionalAt(at);
  if (typeof value === "string") {
    const { source, target, mode } = splitVolume(value);
    const readOnly = (mode ?? "").split(",").includes("ro");
    if (source === undefined) return { type: "volume", target, readOnly, ...located };
    const isPath = /^[./~]/.test(source) || isAbsolute(source) || /^[A-Za-z]:[\\/]/.test(source) || source.includes("/");
    return { type: isPath ? "bind" : "volume", source, target, readOnly, ...located };
  }
  if (isTreeMap(value) && typeof value.target === "string") {
    const type = typeof value.type === "string" ? value.type : "volume";
    if (!["volume", "bind", "tmpfs", "npipe", "image", "cluster"].includes(type)) return undefined;
    return {
      type: type as VolumeMount["type"],
      ...(typeof value.source === "string" && value.source !== "" ? { source: value.source } : {}),
      target: value.target,
      readOnly: value.read_only === true,
      ...located,
    };
  }
  return undefined;
}

import { ComposeProject, ServiceSpec } from "./compose-reader";
import { schemePort } from "./well-known";
import { Located } from "./yaml-tree";

/**
 * Finds the names a service uses to reach its siblings: URLs (`postgres://user:pw@db:5432/x`,
 * several hosts as in `mongodb://a:1,b:2`), `host:port` tokens, bare host names in variables whose
 * key says they hold a host (`DB_HOST=db`, `ES_SEEDS=elasticsearch`), `depends_on` and `links`.
 * Only names a sibling answers to count (service names, container names, network and link
 * aliases), so `localhost`, image names and paths never do.
 */

export type ReferenceForm = "url" | "host-port" | "bare" | "depends_on" | "link";

export interface FoundReference {
  readonly host: string;
  /** The port the reference means, when it says (written, or implied by the URL scheme or a paired `*_PORT`). */
  readonly port?: number;
  readonly form: ReferenceForm;
  /** The text as written (the URL, the token, the variable value). */
  readonly text: string;
}

export interface Reference extends FoundReference {
  /** The variable holding it, or `depends_on`, `links`, `command`, `entrypoint`. */
  readonly origin: string;
  readonly at?: Located;
}

/**
 * Keys whose values are not connections even when they hold a sibling's name: what the key names
 * (its last word: a type, engine, user, database name, image, ...) or a word marking it as meant
 * for browsers or allow-lists (PUBLIC_URL, CORS_ORIGINS, ALLOWED_HOSTS, NO_PROXY).
 */
const NOT_A_CONNECTION = [
  /(TYPE|DRIVER|ENGINE|BACKEND|DIALECT|PROVIDER|MODE|KIND|VENDOR|IMAGE|VERSION|NAME|USER|USERNAME|LOGIN|PASSWORD|SECRET|TOKEN|DATABASE|SCHEMA|BUCKET|QUEUE|TOPIC|PREFIX|ROLE|PROFILE|CHANNEL|PATH|LEVEL|SLUG)$/,
  /(^|_)(DB|ID|KEY|ENV|TAG|PASS|PWD|DIR|FILE)$/,
  /(^|_)(PUBLIC|EXTERNAL|CALLBACK|REDIRECT|CORS|ORIGIN|ORIGINS|TRUSTED|ALLOWED|NO_PROXY)(_|$)/,
];

/** Keys that hold a host name, so a bare sibling name in them is a reference. */
const HOLDS_A_HOST =
  /(HOST|HOSTNAME|HOSTS|SERVER|SERVERS|ADDR|ADDRESS|ADDRESSES|SEEDS|BROKER|BROKERS|NODES|PEERS|URL|URI|DSN|ENDPOINT|ENDPOINTS|LOCATION|UPSTREAM)$/;

/** The prefix of a `<P>HOST`-style key, for finding its `<P>PORT` partner. */
const HOST_SUFFIX = /(HOST|HOSTNAME|SERVER|ADDR|ADDRESS)$/;

export function isConnectionKey(key: string): boolean {
  const upper = key.toUpperCase();
  return !NOT_A_CONNECTION.some((p) => p.test(upper));
}

export interface ValueContext {
  /** Names a sibling answers to. */
  readonly names: ReadonlySet<string>;
  /** The variable's key; bare names count only in keys that hold a host. */
  readonly key?: string;
  /** The service's other variables, for `<P>HOST` + `<P>PORT` pairs. */
  readonly environment?: ReadonlyMap<string, string>;
  /** Bare names allowed (environment values yes, command words no). @default true */
  readonly bare?: boolean;
}

const URL_PATTERN = /([A-Za-z][A-Za-z0-9+.-]*):\/\/([^\s/?#'"`]*)/g;
const HOST_PORT = /^\[?([A-Za-z0-9_][A-Za-z0-9_.-]*)\]?:(\d{1,5})$/;

export function referencesInValue(value: string, ctx: ValueContext): FoundReference[] {
  if (ctx.key !== undefined && !isConnectionKey(ctx.key)) return [];
  const out: FoundReference[] = [];
  let rest = value;
  for (const m of value.matchAll(URL_PATTERN)) {
    const scheme = m[1] ?? "";
    let authority = m[2] ?? "";
    const at = authority.lastIndexOf("@");
    if (at >= 0) authority = authority.slice(at + 1);
    for (const hostPart of authority.split(",")) {
      const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(hostPart);
      if (hp === null) continue;
      const host = (hp[1] ?? "").replace(/^\[|\]$/g, "");
      if (!ctx.names.has(host)) continue;
      const written = hp[2] !== undefined ? Number(hp[2]) : undefined;
      const port = written ?? schemePort(scheme);
      out.push({ host, ...(port !== undefined ? { port } : {}), form: "url", text: m[0] });
    }
    rest = rest.replace(m[0], " ");
  }
  const tokens = rest.split(/[\s,;=()"'`]+/).filter((t) => t !== "");
  const hostKey = ctx.key !== undefined && HOLDS_A_HOST.test(ctx.key.toUpperCase());
  for (const token of tokens) {
    const hp = HOST_PORT.exec(token);
    if (hp !== null && ctx.names.has(hp[1] ?? "")) {
      const port = Number(hp[2]);
      if (port > 0 && port < 65536) out.push({ host: hp[1] ?? "", port, form: "host-port", text: token });
      continue;
    }
    if ((ctx.bare ?? true) && hostKey && ctx.names.has(token)) {
      const port = pairedPort(ctx.key ?? "", ctx.environment);
      out.push({ host: token, ...(port !== undefined ? { port } : {}), form: "bare", text: token });
    }
  }
  return out;
}

/** `DB_HOST` -> the number in `DB_PORT`, if any. */
function pairedPort(key: string, env: ReadonlyMap<string, string> | undefined): number | undefined {
  const m = HOST_SUFFIX.exec(key.toUpperCase());
  if (m === null || env === undefined) return undefined;
  const prefix = key.slice(0, key.length - (m[1] ?? "").length);
  const value = env.get(`${prefix}PORT`) ?? env.get(`${prefix}PORT`.toLowerCase());
  if (value === undefined || !/^\d{1,5}$/.test(value.trim())) return undefined;
  const port = Number(value.trim());
  return port > 0 && port < 65536 ? port : undefined;
}

/** Every name any sibling answers to (service names, container names, network aliases, link aliases). */
export function siblingNames(project: ComposeProject, caller?: ServiceSpec): Set<string> {
  const names = new Set<string>();
  for (const s of project.services) {
    names.add(s.name);
    if (s.containerName !== undefined) names.add(s.containerName);
    for (const n of s.networks) for (const a of n.aliases) names.add(a);
  }
  for (const l of caller?.links ?? []) names.add(l.alias);
  return names;
}

/** All references one service makes, with where each was written. */
export function serviceReferences(project: ComposeProject, service: ServiceSpec): Reference[] {
  const names = siblingNames(project, service);
  const env = new Map(service.environment.map((e) => [e.key, e.value]));
  const out: Reference[] = [];
  for (const e of service.environment) {
    for (const r of referencesInValue(e.value, { names, key: e.key, environment: env })) out.push({ ...r, origin: e.key, ...(e.at ? { at: e.at } : {}) });
  }
  for (const [origin, words] of [
    ["command", service.command],
    ["entrypoint", service.entrypoint],
  ] as const) {
    for (const r of referencesInValue(words.join(" "), { names, bare: false })) out.push({ ...r, origin });
  }
  // A one-shot dependency (`service_completed_successfully`) orders start-up; it is no connection.
  for (const d of service.dependsOn.filter((x) => x.condition !== "service_completed_successfully"))
    out.push({ host: d.name, form: "depends_on", text: d.name, origin: "depends_on", ...(d.at ? { at: d.at } : {}) });
  for (const l of service.links)
    out.push({
      host: l.alias,
      form: "link",
      text: l.service === l.alias ? l.service : `${l.service}:${l.alias}`,
      origin: "links",
      ...(l.at ? { at: l.at } : {}),
    });
  return out;
}

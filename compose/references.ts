import { ComposeProject, ServiceModel } from "./model";
import { imageDefaultPort, schemePort } from "./well-known";

/**
 * The connections a service's configuration says it makes: to siblings by compose name
 * (`postgres://u:p@db:5432/x`, `redis://cache`, `db:5432`, `DB_HOST=db`, `depends_on`, `links`)
 * and to hosts outside the project (`SMTP_HOST=smtp.example.com` with `SMTP_PORT=587`,
 * `http://example.com`). Read from the model only (environment values already include
 * `env_file`), so the planner can say which of them the security groups block. Pure: no I/O.
 */

export type ReferenceForm = "url" | "host-port" | "host" | "depends_on" | "links";

/** Where a reference's port comes from: written in it, its URL scheme, a `<P>PORT` variable next to `<P>HOST`, or the sibling's image. */
export type PortSource = "written" | "scheme" | "paired" | "image";

export interface SiblingReference {
  /** The compose service the name resolves to. */
  readonly service: string;
  /** The name as written (a service name or a `container_name`). */
  readonly host: string;
  /** The port the connection uses, when the reference or the sibling's image says. */
  readonly port?: number;
  readonly portSource?: PortSource;
  readonly form: ReferenceForm;
  /** `environment.DATABASE_URL`, `depends_on` or `links`: the service's key holding it. */
  readonly origin: string;
  /** The text as written (the URL, the token, the value or the dependency). */
  readonly text: string;
}

export interface OutsideReference {
  /** A DNS name with a dot or an IPv4 address, never a sibling or the loopback. */
  readonly host: string;
  readonly port: number;
  readonly portSource: Exclude<PortSource, "image">;
  readonly form: Exclude<ReferenceForm, "depends_on" | "links">;
  readonly origin: string;
  readonly text: string;
}

export interface ServiceReferences {
  readonly siblings: readonly SiblingReference[];
  readonly outside: readonly OutsideReference[];
}

/**
 * Variables whose values are not connections even when they hold a name: the key's last word
 * says what it holds instead (a type, engine, user, database name, image, version, ...).
 */
const NAMES_SOMETHING_ELSE =
  /(^|_)(TYPE|DRIVER|ENGINE|BACKEND|DIALECT|PROVIDER|MODE|KIND|VENDOR|IMAGE|VERSION|NAME|USER|USERNAME|LOGIN|PASSWORD|PASS|PWD|SECRET|TOKEN|KEY|DATABASE|DB|SCHEMA|BUCKET|QUEUE|TOPIC|PREFIX|ROLE|PROFILE|CHANNEL|PATH|DIR|FILE|LEVEL|SLUG|ID|ENV|TAG|FROM|TO|EMAIL|ADMINISTRATOR)$/;

/** Variables meant for browsers or allow-lists, not for the service's own connections. */
const FOR_BROWSERS_OR_ALLOW_LISTS =
  /(^|_)(PUBLIC|EXTERNAL|CALLBACK|REDIRECT|CORS|ORIGIN|ORIGINS|TRUSTED|ALLOWED|ALLOWLIST|WHITELIST|WHITELISTED|CSRF|NO_PROXY)(_|$)/;

/** Variables that hold a host, so a bare name in them is a connection. */
const HOLDS_A_HOST =
  /(HOST|HOSTNAME|HOSTS|SERVER|SERVERS|ADDR|ADDRESS|ADDRESSES|SEEDS|BROKER|BROKERS|NODES|PEERS|URL|URI|URIS|URLS|DSN|ENDPOINT|ENDPOINTS|LOCATION|UPSTREAM)$/;

/** The part of a `<P>HOST`-style key before the host word, for finding its `<P>PORT`. */
const HOST_WORD = /(HOSTNAME|HOST|SERVER|ADDRESS|ADDR)$/;

const URL_PATTERN = /([A-Za-z][A-Za-z0-9+.-]*):\/\/([^\s/?#'"`;]*)/g;
const AUTHORITY_HOST = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/;
const HOST_PORT_TOKEN = /^([A-Za-z0-9_][A-Za-z0-9_.-]*):(\d{1,5})$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** A DNS name outside the project: labels joined by dots, ending in a top-level domain of letters. */
const FQDN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** Hosts that never leave the task: the loopback and names only docker hosts resolve. */
const LOCAL_HOST = /^(localhost|.*\.localhost|host\.docker\.internal|gateway\.docker\.internal|.*\.local|0\.0\.0\.0|127\.\d+\.\d+\.\d+|::1?|\[::1?\])$/i;

/** Whether a variable can hold a connection at all (see NAMES_SOMETHING_ELSE, FOR_BROWSERS_OR_ALLOW_LISTS). */
export function isConnectionVariable(key: string): boolean {
  const upper = key.toUpperCase();
  return !NAMES_SOMETHING_ELSE.test(upper) && !FOR_BROWSERS_OR_ALLOW_LISTS.test(upper);
}

function validPort(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text.trim())) return undefined;
  const port = Number(text.trim());
  return port >= 1 && port <= 65535 ? port : undefined;
}

function isOutsideHost(host: string): boolean {
  if (LOCAL_HOST.test(host)) return false;
  const ip = IPV4.exec(host);
  if (ip !== null) return ip.slice(1, 5).every((o) => Number(o) <= 255);
  return FQDN.test(host);
}

/** `DB_HOST` -> the number in `DB_PORT`, if the service sets one. */
function pairedPort(key: string, environment: Readonly<Record<string, string>>): number | undefined {
  const word = HOST_WORD.exec(key.toUpperCase());
  if (word === null) return undefined;
  const prefix = key.slice(0, key.length - (word[1] ?? "").length);
  return validPort(environment[`${prefix}PORT`] ?? environment[`${prefix}port`]);
}

/** Names siblings answer to: compose service names and `container_name`s (DNS is case-insensitive). */
export function siblingNames(project: ComposeProject): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const s of project.services) {
    names.set(s.name.toLowerCase(), s.name);
    if (s.containerName !== undefined) names.set(s.containerName.toLowerCase(), s.name);
  }
  return names;
}

interface Found {
  readonly host: string;
  readonly port?: number;
  readonly portSource?: Exclude<PortSource, "image">;
  readonly form: "url" | "host-port" | "host";
  readonly text: string;
}

/** Hosts (with their ports, when written or implied) one environment value names. */
export function hostsInValue(key: string, value: string, environment: Readonly<Record<string, string>> = {}): Found[] {
  if (!isConnectionVariable(key)) return [];
  const out: Found[] = [];
  let rest = value;
  for (const match of value.matchAll(URL_PATTERN)) {
    const scheme = match[1] ?? "";
    const authority = match[2] ?? "";
    // user:password@host: the host follows the last "@"; mongodb://a:1,b:2 lists several hosts.
    const hosts = authority.slice(authority.lastIndexOf("@") + 1);
    for (const part of hosts.split(",")) {
      const hp = AUTHORITY_HOST.exec(part);
      if (hp === null) continue;
      const host = (hp[1] ?? "").replace(/^\[|\]$/g, "");
      const written = validPort(hp[2]);
      const implied = schemePort(scheme);
      const port = written ?? implied;
      out.push({ host, ...(port !== undefined ? { port, portSource: written !== undefined ? "written" : "scheme" } : {}), form: "url", text: match[0] });
    }
    rest = rest.replace(match[0], " ");
  }
  const hostKey = HOLDS_A_HOST.test(key.toUpperCase());
  const paired = pairedPort(key, environment);
  for (const token of rest.split(/[\s,;=()"'`]+/).filter((t) => t !== "")) {
    const hp = HOST_PORT_TOKEN.exec(token);
    const port = hp === null ? undefined : validPort(hp[2]);
    if (hp !== null && port !== undefined) {
      out.push({ host: hp[1] ?? "", port, portSource: "written", form: "host-port", text: token });
    } else if (hostKey && /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(token)) {
      out.push({ host: token, ...(paired !== undefined ? { port: paired, portSource: "paired" as const } : {}), form: "host", text: token });
    }
  }
  return out;
}

/** Every connection `service`'s configuration names, to siblings and to outside hosts. */
export function serviceReferences(project: ComposeProject, service: ServiceModel): ServiceReferences {
  const names = siblingNames(project);
  const byName = new Map(project.services.map((s) => [s.name, s]));
  const siblings: SiblingReference[] = [];
  const outside: OutsideReference[] = [];
  const seen = new Set<string>();
  const addSibling = (r: SiblingReference): void => {
    const key = JSON.stringify([r.service, r.port ?? null, r.origin]);
    if (seen.has(key)) return;
    seen.add(key);
    siblings.push(r);
  };
  for (const key of Object.keys(service.environment).sort()) {
    const value = service.environment[key] ?? "";
    for (const found of hostsInValue(key, value, service.environment)) {
      const origin = `environment.${key}`;
      const sibling = names.get(found.host.toLowerCase());
      if (sibling !== undefined) {
        const image = imageDefaultPort(byName.get(sibling)?.image);
        const port = found.port ?? image;
        const portSource = found.port !== undefined ? found.portSource : image !== undefined ? "image" : undefined;
        addSibling({
          service: sibling,
          host: found.host,
          ...(port !== undefined ? { port } : {}),
          ...(portSource !== undefined ? { portSource } : {}),
          form: found.form,
          origin,
          text: found.text,
        });
      } else if (found.port !== undefined && found.portSource !== undefined && isOutsideHost(found.host)) {
        outside.push({ host: found.host.toLowerCase(), port: found.port, portSource: found.portSource, form: found.form, origin, text: found.text });
      }
    }
  }
  // A one-shot dependency (service_completed_successfully) orders start-up; it opens no connection.
  for (const d of service.dependsOn.filter((x) => x.condition !== "service_completed_successfully")) {
    const port = imageDefaultPort(byName.get(d.service)?.image);
    addSibling({
      service: d.service,
      host: d.service,
      ...(port !== undefined ? { port, portSource: "image" as const } : {}),
      form: "depends_on",
      origin: "depends_on",
      text: d.service,
    });
  }
  for (const link of service.links) {
    const port = imageDefaultPort(byName.get(link)?.image);
    addSibling({
      service: link,
      host: link,
      ...(port !== undefined ? { port, portSource: "image" as const } : {}),
      form: "links",
      origin: "links",
      text: link,
    });
  }
  return { siblings, outside };
}

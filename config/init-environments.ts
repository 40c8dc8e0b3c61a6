import { ComposeProject, ServiceModel } from "../compose/model";
import { DOCUMENTATION_CIDRS, placeholderCertificateArn } from "./placeholders";

/**
 * The environment files `compose2ecs init` writes for a compose project: `qa.yml` (one stack per
 * git branch) and `production.yml`, as commented YAML text. Pure: the command finds the project
 * and writes the files. Values only the user knows are placeholders from documentation ranges
 * (config/placeholders.ts), each under a `# REPLACE_ME:` comment; `up` refuses any left.
 */

export interface InitRequest {
  /** The loaded compose project (its name is pinned as `project:`). */
  readonly project: ComposeProject;
  /** Compose files, relative to the project directory, in load order. */
  readonly composeFiles: readonly string[];
  /** AWS region. */
  readonly region: string;
  /** The service served at `/`, when one is clearly the web entry (see webService). */
  readonly web?: string;
  /** `# yaml-language-server: $schema=...` path relative to environments/, when the schema is installed in the project. */
  readonly schemaPath?: string;
}

export interface InitFiles {
  readonly "qa.yml": string;
  readonly "production.yml": string;
}

/** Host ports a site is served on locally. */
const WEB_PORTS: ReadonlySet<number> = new Set([80, 443]);
/** Names teams give the service a browser talks to. */
const WEB_NAMES: ReadonlySet<string> = new Set(["web", "www", "frontend", "front", "ui", "app", "site", "nginx", "proxy", "gateway"]);

function publishesTcp(service: ServiceModel): boolean {
  return service.ecs.public !== false && service.ports.some((p) => p.published !== undefined && p.protocol === "tcp");
}

/**
 * The service a browser opens, when one clearly is: the only one publishing a port, else the
 * only one publishing 80 or 443, else the only publishing one with a web name (web, frontend,
 * proxy, ...). Undefined when the project already serves one at `/` (x-ecs path) or no rule
 * picks exactly one; `candidates` are the services that publish a port.
 */
export function webService(project: ComposeProject): { readonly web?: string; readonly candidates: readonly string[] } {
  const candidates = project.services.filter(publishesTcp);
  const names = candidates.map((s) => s.name);
  if (project.services.some((s) => s.ecs.path === "/")) return { candidates: names };
  const only = (list: readonly ServiceModel[]) => (list.length === 1 ? list[0]?.name : undefined);
  const web =
    only(candidates) ??
    only(candidates.filter((s) => s.ports.some((p) => p.published !== undefined && WEB_PORTS.has(p.published)))) ??
    only(candidates.filter((s) => WEB_NAMES.has(s.name.toLowerCase())));
  return web !== undefined ? { web, candidates: names } : { candidates: names };
}

/** A YAML scalar: plain when that is unambiguous, else a JSON (double-quoted) string. */
function scalar(text: string): string {
  return /^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/.test(text) && !/^(true|false|yes|no|on|off|null|~|[0-9.]+)$/i.test(text) ? text : JSON.stringify(text);
}

function header(request: InitRequest, what: readonly string[]): string[] {
  return [
    ...(request.schemaPath !== undefined ? [`# yaml-language-server: $schema=${request.schemaPath}`] : []),
    ...what.map((line) => `# ${line}`),
    "# Written by `compose2ecs init`; every key: schema/environment.schema.json in the compose2ecs package.",
  ];
}

function common(request: InitRequest): string[] {
  return [
    "# AWS names and state keys are made from the project name: keep it once deployed (renaming",
    "# it replaces every resource).",
    `project: ${scalar(request.project.name)}`,
    "compose:",
    ...request.composeFiles.map((f) => `  - ${scalar(f)}`),
    `region: ${scalar(request.region)}`,
  ];
}

function services(request: InitRequest): string[] {
  if (request.web === undefined) return [];
  return [
    "services:",
    `  # ${request.web} is the web entry: served at / (other services with a published port at /<service>).`,
    `  ${scalar(request.web)}:`,
    "    path: /",
  ];
}

function noWebNote(request: InitRequest, candidates: readonly string[]): string[] {
  if (request.web !== undefined || candidates.length === 0) return [];
  return [
    `# No service is clearly the web entry (publishing ports: ${candidates.join(", ")}); each is served at /<service>.`,
    "# To serve one at /, add:",
    "# services:",
    `#   ${candidates[0] ?? "web"}:`,
    "#     path: /",
  ];
}

const STATE = [
  "state:",
  "  backend: local",
  "  # For a team (and for CI), keep state in S3 so everyone sees the same stacks and branch slots:",
  "  # backend: s3",
  "  # bucket: my-terraform-state",
  "  # region: eu-west-1",
];

export function initEnvironmentFiles(request: InitRequest, candidates: readonly string[] = []): InitFiles {
  const qa = [
    ...header(request, [
      "QA: one copy of the application per git branch, sharing one VPC, ECS cluster and load",
      "balancer. `compose2ecs up --env qa --base` once, then `compose2ecs up --env qa --branch NAME`",
      "per branch; each branch gets its own listener port (its URL is printed).",
    ]),
    ...common(request),
    "branches: true",
    "# Optional: scale every branch to 0 tasks outside working hours (`compose2ecs up` wakes a",
    "# sleeping branch until the end of its next awake hours):",
    "# sleepSchedule:",
    '#   awake: "07:00-20:00"',
    "#   days: mon-fri",
    "#   timezone: Europe/Berlin",
    "# How long a branch environment lives after its last `compose2ecs up`: the nightly",
    "# `branches gc --expired --destroy` (docs/ci) removes it after that, and the next push deploys",
    "# it again. Remove the line to keep branch environments until their git branch is gone.",
    "branchTtl: 72h",
    "network:",
    "  nat: single",
    "loadBalancer:",
    `  # REPLACE_ME: who may reach QA (your office or VPN CIDRs). ${DOCUMENTATION_CIDRS[0]} is a documentation`,
    "  # range that reaches nobody; `compose2ecs up` refuses it until you replace it.",
    `  allowedCidrs: [${DOCUMENTATION_CIDRS[0]}]`,
    "  # Optional: serve each branch at <branch>.<domain> instead of its own port (needs a wildcard",
    "  # DNS record for the load balancer):",
    "  # domain: qa.example.com",
    ...services(request),
    ...noWebNote(request, candidates),
    ...STATE,
    "",
  ];
  const production = [
    ...header(request, [
      "Production: the services scale separately behind an HTTPS load balancer open to the public.",
      "`compose2ecs up --env production` deploys it (network, cluster, load balancer, then the services).",
    ]),
    ...common(request),
    "branches: false",
    "network:",
    "  nat: per-az",
    "loadBalancer:",
    "  # The public site: anyone may connect (plain HTTP only redirects to HTTPS).",
    "  allowedCidrs: [0.0.0.0/0]",
    `  # REPLACE_ME: your ACM certificate in ${request.region} for the domain users open (the all-zero`,
    "  # certificate is a placeholder; `compose2ecs up` refuses it until you replace it).",
    `  certificateArn: ${placeholderCertificateArn(request.region)}`,
    "  # Optional: a domain routes other published services at <service>.<domain>:",
    "  # domain: example.com",
    "  deletionProtection: true",
    ...services(request),
    ...noWebNote(request, candidates),
    ...STATE,
    "",
  ];
  return { "qa.yml": qa.join("\n"), "production.yml": production.join("\n") };
}

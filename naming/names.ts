import { shortHash } from "./hash";

/**
 * The one naming module: every AWS name compose2ecs writes comes from here, so limits and
 * uniqueness are decided once. Names derive only from (project, environment, branch slug,
 * compose name); never from list positions, so one service's rename cannot move another's.
 *
 * A name that is too long, or that had to be changed to fit the AWS character set, gets a
 * 6-character hash of the full, unchanged input as suffix: two different inputs therefore
 * never produce the same name, and the same input always produces the same name.
 */

/** Who a name belongs to. `slug` is set for a branch's application stack only. */
export interface NameScope {
  readonly project: string;
  readonly env: string;
  readonly slug?: string;
}

/** The constraints of one AWS name kind. */
export interface NameRule {
  /** Maximum length in characters. */
  readonly max: number;
  /** Characters NOT allowed; each run of them becomes the separator. */
  readonly invalid: RegExp;
  /** Lower-case only (ECR, DNS). */
  readonly lowerCase: boolean;
  /** Characters that may not start or end the name. */
  readonly trim: RegExp;
  /** Extra clean-up after invalid characters are replaced (e.g. ECR forbids doubled separators). */
  readonly normalise?: (name: string) => string;
}

const HASH_LENGTH = 6;

export const RULES = {
  // ELBv2: 1-32 alphanumerics and hyphens, not starting/ending with a hyphen, not starting with "internal-".
  loadBalancer: { max: 32, invalid: /[^A-Za-z0-9-]+/g, lowerCase: true, trim: /^-+|-+$/g },
  targetGroup: { max: 32, invalid: /[^A-Za-z0-9-]+/g, lowerCase: true, trim: /^-+|-+$/g },
  // IAM role: 64 characters of [\w+=,.@-].
  iamRole: { max: 64, invalid: /[^A-Za-z0-9+=,.@_-]+/g, lowerCase: false, trim: /^$/g },
  // IAM instance profile: 128 characters, same set.
  instanceProfile: { max: 128, invalid: /[^A-Za-z0-9+=,.@_-]+/g, lowerCase: false, trim: /^$/g },
  // EC2 security group name: 255 characters; "sg-" prefix is reserved.
  securityGroup: { max: 255, invalid: /[^A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+/g, lowerCase: false, trim: /^$/g },
  // CloudWatch Logs group: 512 characters of [.\-_/#A-Za-z0-9].
  logGroup: { max: 512, invalid: /[^A-Za-z0-9._/#-]+/g, lowerCase: false, trim: /^$/g },
  // ECS cluster, service, task family, capacity provider: 255 letters, digits, hyphens, underscores.
  ecs: { max: 255, invalid: /[^A-Za-z0-9_-]+/g, lowerCase: false, trim: /^$/g },
  // ECR repository: 2-256 lower-case, segments of [a-z0-9] joined by single . _ - and /.
  ecrRepository: {
    max: 256,
    invalid: /[^a-z0-9._/-]+/g,
    lowerCase: true,
    trim: /^[._/-]+|[._/-]+$/g,
    normalise: (name: string) => name.replace(/[._-]*\/[._/-]*/g, "/").replace(/[._-]{2,}/g, "-"),
  },
  // Secrets Manager: 512 characters of [A-Za-z0-9/_+=.@-].
  secret: { max: 512, invalid: /[^A-Za-z0-9/_+=.@-]+/g, lowerCase: false, trim: /^$/g },
  // A DNS label (Cloud Map namespace part): 63 lower-case letters, digits, hyphens.
  dnsLabel: { max: 63, invalid: /[^a-z0-9-]+/g, lowerCase: true, trim: /^-+|-+$/g },
  // EC2 launch template: 128 characters of [a-zA-Z0-9().\-/_].
  launchTemplate: { max: 128, invalid: /[^A-Za-z0-9().\-/_]+/g, lowerCase: false, trim: /^$/g },
  // Auto Scaling group: 255 characters; keep it to the ECS set for readability.
  autoScalingGroup: { max: 255, invalid: /[^A-Za-z0-9_-]+/g, lowerCase: false, trim: /^$/g },
  // EFS creation token: 1-64 characters.
  efsToken: { max: 64, invalid: /[^A-Za-z0-9_-]+/g, lowerCase: false, trim: /^$/g },
  // Tag values: 256 Unicode characters.
  tag: { max: 256, invalid: /[^A-Za-z0-9 _.:/=+@-]+/g, lowerCase: false, trim: /^$/g },
} as const satisfies Record<string, NameRule>;

/**
 * A name made of parts (project, environment, branch slug, compose name, kind): the text AWS
 * sees, and whether that text alone could stand for other parts. Joining `a` + `b-c` and
 * `a-b` + `c` with "-" gives the same text, so such names carry a hash of the parts themselves.
 */
export interface CompositeName {
  readonly text: string;
  /** An unambiguous encoding of the parts: the input of the uniqueness hash. */
  readonly key: string;
  /** True when a part contains the separator, so the text does not identify the parts. */
  readonly ambiguous: boolean;
}

/** Joins the present parts with `separator`; undefined and empty parts are left out. */
export function composite(separator: string, ...parts: readonly (string | undefined)[]): CompositeName {
  const present = parts.filter((p): p is string => p !== undefined && p !== "");
  return { text: present.join(separator), key: JSON.stringify(present), ambiguous: present.some((p) => p.includes(separator)) };
}

/**
 * Fits a name to `rule`: sanitised, truncated, and made unique with a hash when it changed or
 * is ambiguous. The hash covers the unchanged input (a composite's parts, not its joined text),
 * so two different inputs never produce the same name and the same input always does.
 */
export function fitName(raw: string | CompositeName, rule: NameRule): string {
  const name = typeof raw === "string" ? { text: raw, key: raw, ambiguous: false } : raw;
  const cased = rule.lowerCase ? name.text.toLowerCase() : name.text;
  const replaced = cased.replace(rule.invalid, "-");
  const cleaned = (rule.normalise ? rule.normalise(replaced) : replaced).replace(rule.trim, "") || "x";
  if (!name.ambiguous && cleaned === name.text && cleaned.length <= rule.max) return cleaned;
  const suffix = shortHash(name.key, HASH_LENGTH);
  if (cleaned.length + 1 + HASH_LENGTH <= rule.max) return `${cleaned}-${suffix}`;
  const head = cleaned.slice(0, rule.max - HASH_LENGTH - 1).replace(rule.trim, "");
  return `${head}-${suffix}`;
}

/** `/a/b/c`: a log group path (no part holds "/", so the path identifies its parts). */
function logPath(...parts: readonly (string | undefined)[]): CompositeName {
  const inner = composite("/", ...parts);
  return { ...inner, text: `/${inner.text}` };
}

/** `project-env[-slug]-...rest`, joined by "-". */
function scoped(scope: NameScope, ...rest: readonly (string | undefined)[]): CompositeName {
  return composite("-", scope.project, scope.env, scope.slug, ...rest);
}

// ---- stacks and state ---------------------------------------------------------------

/** `<env>-base`. */
export function baseStackName(env: string): string {
  return fitName(`${env}-base`, RULES.ecs);
}

/** `<env>-app` for a non-branch environment, `<env>-<slug>` for a branch. */
export function appStackName(env: string, slug?: string): string {
  return fitName(`${env}-${slug ?? "app"}`, RULES.ecs);
}

/** State name: "base", "app", or the branch slug (state/backend.ts). */
export function appStateName(slug?: string): string {
  return slug ?? "app";
}

// ---- base stack (shared by all branches of an environment) ----------------------------

export function vpcName(scope: NameScope): string {
  return fitName(scoped(scope), RULES.tag);
}

export function subnetName(scope: NameScope, tier: "public" | "private", az: string): string {
  return fitName(composite("-", scope.project, scope.env, tier, az), RULES.tag);
}

export function clusterName(scope: NameScope): string {
  return fitName(composite("-", scope.project, scope.env), RULES.ecs);
}

/**
 * ALB: 32 characters; AWS reserves the "internal-" prefix. `index` is the ALB's place in the
 * base's pool (loadBalancer.pool): ALB 1 keeps the name it had before pools, so growing the
 * pool renames nothing; ALB k gets an `albk` part (a composite, so it cannot clash with an
 * environment whose name ends in "-albk").
 */
export function loadBalancerName(scope: NameScope, index = 1): string {
  const member = index === 1 ? undefined : `alb${index}`;
  const name = fitName(composite("-", scope.project, scope.env, member), RULES.loadBalancer);
  return name.startsWith("internal-") ? fitName(composite("-", "lb", scope.project, scope.env, member), RULES.loadBalancer) : name;
}

export function loadBalancerSecurityGroupName(scope: NameScope): string {
  return securityGroupName(composite("-", scope.project, scope.env, "alb"));
}

/** Network load balancers share the 32-character name space (and the "internal-" rule) of ALBs. */
export function networkLoadBalancerName(scope: NameScope): string {
  const name = fitName(composite("-", scope.project, scope.env, "nlb"), RULES.loadBalancer);
  return name.startsWith("internal-") ? fitName(composite("-", "lb", scope.project, scope.env, "nlb"), RULES.loadBalancer) : name;
}

export function networkLoadBalancerSecurityGroupName(scope: NameScope): string {
  return securityGroupName(composite("-", scope.project, scope.env, "nlb"));
}

export function flowLogGroupName(scope: NameScope): string {
  return fitName(logPath("vpc", scope.project, scope.env, "flow-logs"), RULES.logGroup);
}

export function flowLogRoleName(scope: NameScope): string {
  return fitName(composite("-", scope.project, scope.env, "flow-logs"), RULES.iamRole);
}

/** ECS capacity provider names may not start with "aws", "ecs" or "fargate". */
export function capacityProviderName(scope: NameScope): string {
  return fitName(composite("-", "cp", scope.project, scope.env), RULES.ecs);
}

export function launchTemplateName(scope: NameScope): string {
  return fitName(composite("-", scope.project, scope.env, "ecs"), RULES.launchTemplate);
}

export function autoScalingGroupName(scope: NameScope): string {
  return fitName(composite("-", scope.project, scope.env, "ecs"), RULES.autoScalingGroup);
}

export function instanceRoleName(scope: NameScope): string {
  return fitName(composite("-", scope.project, scope.env, "ecs-instance"), RULES.iamRole);
}

export function instanceProfileName(scope: NameScope): string {
  return fitName(composite("-", scope.project, scope.env, "ecs-instance"), RULES.instanceProfile);
}

export function instanceSecurityGroupName(scope: NameScope): string {
  return securityGroupName(composite("-", scope.project, scope.env, "ecs-instances"));
}

// ---- application stack (one per environment, or per branch) ----------------------------

/** Private DNS namespace: `<slug>.<env>.<project>.internal` (each label at most 63 characters). */
export function namespaceName(scope: NameScope): string {
  const labels = [scope.slug, scope.env, scope.project].filter((p): p is string => p !== undefined);
  return [...labels.map((l) => fitName(l, RULES.dnsLabel)), "internal"].join(".");
}

/**
 * Cloud Map service name: the compose name itself so `redis:6379` resolves. Cloud Map allows
 * letters, digits, hyphens and underscores in a label; DNS is case-insensitive, so lower-case.
 */
export function discoveryServiceName(service: string): string {
  const lower = service
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (lower === service.toLowerCase() && lower.length <= 63) return lower;
  return fitName(service, RULES.dnsLabel);
}

export function ecsServiceName(scope: NameScope, service: string): string {
  // Unique within the environment's cluster, which every branch shares.
  return fitName(composite("-", scope.project, scope.slug, service), RULES.ecs);
}

export function scheduledActionName(scope: NameScope, service: string, action: "sleep" | "wake"): string {
  // Application Auto Scaling lists every scheduled action of the namespace: the service names it.
  return fitName(composite("-", scope.project, scope.slug, service, action), RULES.ecs);
}

export function taskFamily(scope: NameScope, service: string): string {
  // Task families are per account and region, so the environment is part of the name.
  return fitName(scoped(scope, service), RULES.ecs);
}

export function targetGroupName(scope: NameScope, service: string, port: number): string {
  return fitName(scoped(scope, service, String(port)), RULES.targetGroup);
}

/** A network load balancer's TCP target group: its own name, so moving a port between load balancers never reuses one. */
export function networkTargetGroupName(scope: NameScope, service: string, port: number): string {
  return fitName(scoped(scope, service, String(port), "tcp"), RULES.targetGroup);
}

export function logGroupName(scope: NameScope, service: string): string {
  return fitName(logPath("ecs", scope.project, scope.env, scope.slug, service), RULES.logGroup);
}

export function executionRoleName(scope: NameScope, service: string): string {
  return fitName(scoped(scope, service, "exec"), RULES.iamRole);
}

export function taskRoleName(scope: NameScope, service: string): string {
  return fitName(scoped(scope, service, "task"), RULES.iamRole);
}

export function serviceSecurityGroupName(scope: NameScope, service: string): string {
  return securityGroupName(scoped(scope, service));
}

/** A compose network becomes a membership security group: services on it may reach each other. */
export function networkSecurityGroupName(scope: NameScope, network: string): string {
  return securityGroupName(scoped(scope, "net", network));
}

/** The group of a network's declared-ports members, when the network also has members open on every port. */
export function networkDeclaredPortsSecurityGroupName(scope: NameScope, network: string): string {
  return securityGroupName(scoped(scope, "net", network, "ports"));
}

export function efsSecurityGroupName(scope: NameScope, volume: string): string {
  return securityGroupName(scoped(scope, "efs", volume));
}

export function efsCreationToken(scope: NameScope, volume: string): string {
  return fitName(scoped(scope, volume), RULES.efsToken);
}

export function efsName(scope: NameScope, volume: string): string {
  return fitName(scoped(scope, volume), RULES.tag);
}

export function ecrRepositoryName(scope: NameScope, service: string): string {
  const owner = scoped(scope);
  // "/" cannot occur in a part, so only the "-"-joined owner can be ambiguous.
  return fitName({ text: `${owner.text}/${service}`, key: JSON.stringify([owner.key, service]), ambiguous: owner.ambiguous }, RULES.ecrRepository);
}

export function secretName(scope: NameScope, secret: string): string {
  return fitName(composite("/", scope.project, scope.env, scope.slug, secret), RULES.secret);
}

/** A Secrets Manager secret serving one variable of a service's `secretEnvironment`. */
export function secretVariableName(scope: NameScope, service: string, variable: string): string {
  // Compose secret names have no "/", so these (two more parts) never meet a compose secret's name.
  return fitName(composite("/", scope.project, scope.env, scope.slug, service, variable), RULES.secret);
}

/** A single-task placement's one ECS service and family. */
export function singleTaskName(scope: NameScope): string {
  return fitName(scoped(scope, "all"), RULES.ecs);
}

function securityGroupName(raw: CompositeName): string {
  // "sg-" starts every security group id, so AWS refuses it as a name prefix.
  const name = fitName(raw, RULES.securityGroup);
  if (!name.toLowerCase().startsWith("sg-")) return name;
  return fitName({ text: `g-${raw.text}`, key: JSON.stringify(["g", raw.key]), ambiguous: raw.ambiguous }, RULES.securityGroup);
}

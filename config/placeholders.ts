import { Diagnostic } from "../compose/model";
import { EnvironmentConfig } from "./environment-model";
import { environmentLocation } from "./locations";

/**
 * Placeholders: values `compose2ecs init` (and the bundled example) write where only the user
 * knows the answer. Each is a valid value from a range reserved for documentation, so `check`,
 * `synth`, `diff` and `terraform validate` work at once, and applying one by hand does no harm
 * (a documentation CIDR reaches nobody, an all-zero certificate is refused by AWS). `up` refuses
 * every one that is left, by key and location.
 */

/** Reserved for documentation (RFC 5737): no host on the internet has these addresses. */
export const DOCUMENTATION_CIDRS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"] as const;

/** The certificate placeholder: AWS's documentation account and an all-zero certificate id. */
export const PLACEHOLDER_CERTIFICATE_ID = "00000000-0000-0000-0000-000000000000";

/** Domains reserved for documentation (RFC 2606, RFC 6761): they never resolve to a site of the user's. */
const DOCUMENTATION_DOMAIN = /(^|\.)(example\.(com|net|org)|example|invalid)$/;

export function placeholderCertificateArn(region: string): string {
  return `arn:aws:acm:${region}:123456789012:certificate/${PLACEHOLDER_CERTIFICATE_ID}`;
}

function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Whether every address of `cidr` lies in a documentation range. */
export function isDocumentationCidr(cidr: string): boolean {
  const [address, prefixText] = cidr.split("/");
  const start = ipv4(address ?? "");
  const prefix = Number(prefixText);
  if (start === undefined || !Number.isInteger(prefix) || prefix < 24 || prefix > 32) return false;
  return DOCUMENTATION_CIDRS.some((range) => {
    const [rangeAddress] = range.split("/");
    const rangeStart = ipv4(rangeAddress ?? "") ?? -1;
    return start >= rangeStart && start < rangeStart + 256;
  });
}

export function isPlaceholderCertificate(arn: string): boolean {
  return arn.endsWith(`:certificate/${PLACEHOLDER_CERTIFICATE_ID}`);
}

export function isDocumentationDomain(domain: string): boolean {
  return DOCUMENTATION_DOMAIN.test(domain.toLowerCase());
}

/**
 * Every placeholder left in the environment, as errors at their keys (for `up`): what the value
 * is, why it is a placeholder and what to put there.
 */
export function remainingPlaceholders(env: EnvironmentConfig): Diagnostic[] {
  const found: Diagnostic[] = [];
  const add = (path: string, key: string, message: string) => {
    const location = environmentLocation(env, key);
    found.push({ severity: "error", path, message, ...(location ? { location } : {}) });
  };
  const lb = env.loadBalancer;
  lb.allowedCidrs.forEach((cidr, i) => {
    if (!isDocumentationCidr(cidr)) return;
    add(
      `loadBalancer.allowedCidrs[${i}]`,
      "loadBalancer.allowedCidrs",
      `placeholder ${cidr}: a documentation range (RFC 5737) that reaches nobody; replace it with the CIDRs that may reach the load balancer (your office or VPN, or 0.0.0.0/0 for the public)`,
    );
  });
  (env.networkLoadBalancer?.allowedCidrs ?? []).forEach((cidr, i) => {
    // Without its own list the network load balancer takes the application one's (reported above).
    if (!isDocumentationCidr(cidr) || env.locations?.["networkLoadBalancer.allowedCidrs"] === undefined) return;
    add(
      `networkLoadBalancer.allowedCidrs[${i}]`,
      "networkLoadBalancer.allowedCidrs",
      `placeholder ${cidr}: a documentation range (RFC 5737) that reaches nobody; replace it with the CIDRs that may reach the network load balancer's TCP ports`,
    );
  });
  if (lb.certificateArn !== undefined && isPlaceholderCertificate(lb.certificateArn)) {
    add(
      "loadBalancer.certificateArn",
      "loadBalancer.certificateArn",
      `placeholder ${lb.certificateArn}: replace it with the ARN of your ACM certificate in ${env.aws.region} (or remove the key to serve plain HTTP)`,
    );
  }
  if (lb.domain !== undefined && isDocumentationDomain(lb.domain)) {
    add(
      "loadBalancer.domain",
      "loadBalancer.domain",
      `placeholder ${lb.domain}: a domain reserved for documentation; replace it with a domain whose DNS points at the load balancer (or remove the key)`,
    );
  }
  return found;
}

/**
 * The oldest TLS version each predefined Application Load Balancer security policy accepts,
 * from AWS's "Security policies for your Application Load Balancer"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html).
 * Clients on TLS 1.0 and 1.1 use broken ciphers and fail PCI DSS; the loader warns about such
 * policies, and refuses them in environments without branches unless `loadBalancer.allowLegacyTls`.
 * AWS adds policies over time: a name missing here is reported as unknown, not guessed.
 */
export type TlsVersion = "1.0" | "1.1" | "1.2" | "1.3";

export const SSL_POLICY_MIN_TLS: Readonly<Record<string, TlsVersion>> = {
  // TLS 1.3 only.
  "ELBSecurityPolicy-TLS13-1-3-2021-06": "1.3",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09": "1.3",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04": "1.3",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09": "1.3",
  // TLS 1.2 and 1.3.
  "ELBSecurityPolicy-TLS13-1-2-2021-06": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09": "1.2",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09": "1.2",
  // TLS 1.2 only.
  "ELBSecurityPolicy-TLS-1-2-2017-01": "1.2",
  "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": "1.2",
  "ELBSecurityPolicy-FS-1-2-2019-08": "1.2",
  "ELBSecurityPolicy-FS-1-2-Res-2019-08": "1.2",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10": "1.2",
  // Down to TLS 1.1.
  "ELBSecurityPolicy-TLS13-1-1-2021-06": "1.1",
  "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04": "1.1",
  "ELBSecurityPolicy-TLS-1-1-2017-01": "1.1",
  "ELBSecurityPolicy-FS-1-1-2019-08": "1.1",
  // Down to TLS 1.0.
  "ELBSecurityPolicy-TLS13-1-0-2021-06": "1.0",
  "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09": "1.0",
  "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04": "1.0",
  "ELBSecurityPolicy-2016-08": "1.0",
  "ELBSecurityPolicy-2015-05": "1.0",
  "ELBSecurityPolicy-TLS-1-0-2015-04": "1.0",
  "ELBSecurityPolicy-FS-2018-06": "1.0",
};

/** The oldest TLS version `policy` accepts; undefined for a policy not in the table. */
export function minimumTlsVersion(policy: string): TlsVersion | undefined {
  return Object.prototype.hasOwnProperty.call(SSL_POLICY_MIN_TLS, policy) ? SSL_POLICY_MIN_TLS[policy] : undefined;
}

export function allowsLegacyTls(version: TlsVersion): boolean {
  return version === "1.0" || version === "1.1";
}

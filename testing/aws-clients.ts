import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { ServiceDiscoveryClient } from "@aws-sdk/client-servicediscovery";

/**
 * AWS SDK v3 clients pointed at the emulator with dummy credentials. The credentials are
 * given explicitly so no profile, SSO cache or instance metadata is ever consulted, and the
 * endpoint must be on loopback so a mistake can never reach a real account.
 */

/** moto accepts any key pair; these are the ones its documentation uses. */
export const DUMMY_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" } as const;

export interface AwsClients {
  readonly ecs: ECSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly ec2: EC2Client;
  readonly discovery: ServiceDiscoveryClient;
  readonly s3: S3Client;
  readonly iam: IAMClient;
  readonly logs: CloudWatchLogsClient;
  /** Closes every client's sockets. */
  destroy(): void;
}

/** Throws unless `endpoint` is an http(s) URL on 127.0.0.1 or localhost. */
export function assertLoopback(endpoint: string): void {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    throw new Error(`not a URL: ${endpoint}`);
  }
  if (host !== "127.0.0.1" && host !== "localhost") {
    throw new Error(`refusing to use ${endpoint}: the test clients only ever talk to an emulator on 127.0.0.1`);
  }
}

export function awsClients(endpoint: string, region: string): AwsClients {
  assertLoopback(endpoint);
  const common = { endpoint, region, credentials: DUMMY_CREDENTIALS, maxAttempts: 2 };
  const clients = {
    ecs: new ECSClient(common),
    elbv2: new ElasticLoadBalancingV2Client(common),
    ec2: new EC2Client(common),
    discovery: new ServiceDiscoveryClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    // IAM is global; moto serves it on the same endpoint for any region.
    iam: new IAMClient(common),
    logs: new CloudWatchLogsClient(common),
  };
  return {
    ...clients,
    destroy: () => Object.values(clients).forEach((c) => c.destroy()),
  };
}

/**
 * An ACM certificate in the emulator (RequestCertificate), for environments with HTTPS:
 * moto's ELBv2 refuses a listener whose certificate it does not know. One JSON call made
 * directly, so the tests need no ACM client package; moto routes it by the credential scope.
 */
export async function requestCertificate(endpoint: string, region: string, domainName: string): Promise<string> {
  assertLoopback(endpoint);
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "CertificateManager.RequestCertificate",
      Authorization: `AWS4-HMAC-SHA256 Credential=${DUMMY_CREDENTIALS.accessKeyId}/20250101/${region}/acm/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ DomainName: domainName, ValidationMethod: "DNS" }),
  });
  const body = (await response.json()) as { CertificateArn?: string };
  if (!response.ok || body.CertificateArn === undefined) throw new Error(`ACM RequestCertificate failed with HTTP ${response.status}`);
  return body.CertificateArn;
}

import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { EnvironmentConfig } from "../config/environment-model";

/** Every AWS service the stacks call (provider `endpoints` keys), for an emulator endpoint. */
export const ENDPOINT_SERVICES = [
  "acm",
  "applicationautoscaling",
  "autoscaling",
  "cloudwatch",
  "cloudwatchlogs",
  "ec2",
  "ecr",
  "ecs",
  "efs",
  "elbv2",
  "iam",
  "kms",
  "route53",
  "s3",
  "secretsmanager",
  "servicediscovery",
  "ssm",
  "sts",
  "wafv2",
] as const;

export interface ProviderOptions {
  readonly env: EnvironmentConfig;
  readonly project: string;
  readonly stackName: string;
  /** One endpoint for every service (env.aws.endpoint or COMPOSE2ECS_AWS_ENDPOINT). */
  readonly endpoint?: string;
}

/** The tags every resource gets through the provider's default_tags. */
export function defaultTags(options: ProviderOptions): Record<string, string> {
  return {
    ...options.env.tags,
    "compose2ecs:environment": options.env.name,
    "compose2ecs:project": options.project,
    "compose2ecs:stack": options.stackName,
    "managed-by": "compose2ecs",
  };
}

export function configureProvider(scope: Construct, options: ProviderOptions): AwsProvider {
  const endpoint = options.endpoint;
  return new AwsProvider(scope, "aws", {
    region: options.env.aws.region,
    defaultTags: [{ tags: defaultTags(options) }],
    ...(endpoint
      ? {
          endpoints: [Object.fromEntries(ENDPOINT_SERVICES.map((s) => [s, endpoint]))],
          skipCredentialsValidation: true,
          // Not skipRequestingAccountId: without the account id the provider reads rules that
          // reference another security group back as "<account>/sg-..." and every plan drifts.
          skipMetadataApiCheck: "true",
          skipRegionValidation: true,
          s3UsePathStyle: true,
        }
      : {}),
  });
}

import { EnvironmentConfig } from "./environment-model";

/**
 * The one place environment defaults live. The environment loader fills what a file leaves
 * out from here; synth without an environment file uses it as is.
 * Branch (QA) environments default to cheaper, destroyable settings; the rest to production ones.
 */
export function defaultEnvironment(name: string, branches = false, region = "eu-west-1"): EnvironmentConfig {
  return {
    name,
    aws: { region },
    composeFiles: [],
    profiles: [],
    branches,
    network: {
      kind: "new",
      cidr: "10.0.0.0/16",
      azs: [`${region}a`, `${region}b`],
      nat: "single",
      flowLogs: !branches,
    },
    capacity: { kind: "fargate", containerInsights: !branches },
    loadBalancer: {
      internal: false,
      allowedCidrs: [],
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      idleTimeoutSeconds: 60,
      deletionProtection: !branches,
      pool: 1,
      quotas: DEFAULT_ALB_QUOTAS,
    },
    access: "compose",
    egress: [],
    placement: "per-service",
    services: {},
    tags: {},
    state: { kind: "local", dir: DEFAULT_LOCAL_STATE.dir },
    logRetentionDays: branches ? 7 : 365,
    deregistrationDelaySeconds: 30,
    imageTag: "latest",
  };
}

/** Defaults for `loadBalancer.quotas`: the ELBv2 default quotas per ALB (adjustable in AWS Service Quotas). */
export const DEFAULT_ALB_QUOTAS = { rulesPerAlb: 100, listenersPerAlb: 50 } as const;

/** Defaults for `capacity.ec2` when `capacity.kind` is "ec2". */
export const DEFAULT_EC2_CAPACITY = {
  instanceType: "t3.small",
  desiredSize: 2,
  minSize: 1,
  maxSize: 4,
  amiSsmParameter: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
} as const;

/** Defaults for `state` when `backend` is local (the default backend). */
export const DEFAULT_LOCAL_STATE = { dir: ".compose2ecs/state" } as const;

/** Defaults for `state` when `backend` is s3 (`region` defaults to the environment's region). */
export const DEFAULT_S3_STATE = { prefix: "compose2ecs" } as const;

/** Defaults for `state` when `backend` is cloud (HCP Terraform). */
export const DEFAULT_CLOUD_STATE = { hostname: "app.terraform.io", workspacePrefix: "compose2ecs", tags: [] as readonly string[] } as const;

import { App, LocalBackend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";

/**
 * A small cdktf app shaped like compose2ecs output (stack per environment/branch, one construct scope
 * per compose service, `compose2ecs:service` tags, provider default tags) so the review tools are
 * tested on real cdktf output before and independently of the real synth.
 */

export interface FixtureService {
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly replicas?: number;
  readonly environment?: Readonly<Record<string, string>>;
}

export interface FixtureSpec {
  readonly env: string;
  /** Stack role: "app" or a branch slug. */
  readonly role: string;
  readonly services: readonly FixtureService[];
  /** Construct id of the target group inside each service scope. @default "target-group" */
  readonly targetGroupId?: string;
  readonly hcl?: boolean;
  /** Moto (or another emulator) endpoint: plans then need no AWS account. */
  readonly endpoint?: string;
  /** Local state file (absolute path) so a test can apply and re-plan. */
  readonly statePath?: string;
}

const ENDPOINT_SERVICES = ["ec2", "ecs", "elbv2", "iam", "cloudwatchlogs", "sts"] as const;

interface Shared {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly clusterArn: string;
}

/** Shared network and cluster: real resources (appliable on moto) so services can reference them. */
function addShared(stack: TerraformStack, env: string): Shared {
  const scope = new Construct(stack, "shared");
  const vpc = new Vpc(scope, "vpc", { cidrBlock: "10.0.0.0/16" });
  const subnets = ["a", "b"].map(
    (az, i) => new Subnet(scope, `subnet-${az}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: `eu-west-1${az}` }),
  );
  const cluster = new EcsCluster(scope, "cluster", { name: env });
  return { vpcId: vpc.id, subnetIds: subnets.map((s) => s.id), clusterArn: cluster.arn };
}

function addService(stack: TerraformStack, stackName: string, s: FixtureService, targetGroupId: string, shared: Shared): void {
  const scope = new Construct(stack, s.name);
  const tags = { "compose2ecs:service": s.name };
  const logGroup = new CloudwatchLogGroup(scope, "logs", { name: `/ecs/${stackName}/${s.name}`, retentionInDays: 7, tags });
  const role = new IamRole(scope, "execution-role", {
    name: `${stackName}-${s.name}-exec`,
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags,
  });
  new IamRolePolicy(scope, "execution-policy", {
    role: role.name,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup.arn}:*` }],
    }),
  });
  const sg = new SecurityGroup(scope, "security-group", { name: `${stackName}-${s.name}`, description: `Tasks of ${s.name}`, vpcId: shared.vpcId, tags });
  const tg = new LbTargetGroup(scope, targetGroupId, {
    name: `${stackName}-${s.name}`,
    port: s.port,
    protocol: "HTTP",
    vpcId: shared.vpcId,
    targetType: "ip",
    tags,
  });
  const environment = Object.entries(s.environment ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  const task = new EcsTaskDefinition(scope, "task", {
    family: `${stackName}-${s.name}`,
    cpu: "256",
    memory: "512",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    executionRoleArn: role.arn,
    containerDefinitions: JSON.stringify([
      { name: s.name, image: s.image, essential: true, portMappings: [{ containerPort: s.port, protocol: "tcp" }], environment },
    ]),
    tags,
  });
  new EcsService(scope, "service", {
    name: s.name,
    cluster: shared.clusterArn,
    taskDefinition: task.arn,
    desiredCount: s.replicas ?? 1,
    launchType: "FARGATE",
    networkConfiguration: { subnets: [...shared.subnetIds], securityGroups: [sg.id], assignPublicIp: false },
    loadBalancer: [{ targetGroupArn: tg.arn, containerName: s.name, containerPort: s.port }],
    tags,
  });
}

/** Synthesizes the fixture into `outdir` (cdktf layout: manifest.json, stacks/<stack>/cdk.tf.json). */
export function synthFixture(outdir: string, spec: FixtureSpec): void {
  const app = new App({ outdir, hclOutput: spec.hcl ?? false });
  const stackName = `${spec.env}-${spec.role}`;
  // cdktf 0.21 quirk: App's hclOutput only renames the file; the stack renders HCL only when
  // SYNTH_HCL_OUTPUT is set while the stack is constructed.
  const previous = process.env.SYNTH_HCL_OUTPUT;
  if (spec.hcl) process.env.SYNTH_HCL_OUTPUT = "true";
  const stack = new TerraformStack(app, stackName);
  if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
  else process.env.SYNTH_HCL_OUTPUT = previous;
  new AwsProvider(stack, "aws", {
    region: "eu-west-1",
    defaultTags: [{ tags: { "managed-by": "compose2ecs", "compose2ecs:environment": spec.env, "compose2ecs:stack": stackName } }],
    ...(spec.endpoint
      ? {
          accessKey: "test",
          secretKey: "test",
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: "true",
          skipRegionValidation: true,
          endpoints: [Object.fromEntries(ENDPOINT_SERVICES.map((s) => [s, spec.endpoint]))],
        }
      : {}),
  });
  if (spec.statePath !== undefined) new LocalBackend(stack, { path: spec.statePath });
  const shared = addShared(stack, spec.env);
  const sorted = [...spec.services].sort((a, b) => a.name.localeCompare(b.name));
  for (const s of sorted) addService(stack, stackName, s, spec.targetGroupId ?? "target-group", shared);
  app.synth();
}

export const SEED_LIKE: readonly FixtureService[] = [
  { name: "web", image: "registry.example/web:1", port: 5000, replicas: 2, environment: { REDIS_HOST: "redis", BOOT_URL: "http://boot:8080" } },
  { name: "boot", image: "laszlocph/spring-boot-dummy:exposed", port: 8080, replicas: 2 },
  { name: "redis", image: "redis:7.2-alpine", port: 6379 },
];

/**
 * The bench's reference: a minimal cdktf app written by hand, deep imports only, no loader, no
 * planner, with the same resources (types and counts, tested: __tests__/bench/handwritten.test.ts)
 * as compose2ecs makes for
 * - the 3-service example (`synth --env production`: base + app stacks), or
 * - N services of the bench's generated project (bench/generate.ts, environment `bench`).
 * Written before any synth optimisation and kept as it is: it is what "as fast as cdktf by hand" means.
 * Usage: node dist/bench/handwritten/app.js OUTDIR [N]
 */
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsLb } from "@cdktf/provider-aws/lib/data-aws-lb";
import { DataAwsLbListener } from "@cdktf/provider-aws/lib/data-aws-lb-listener";
import { DataAwsSecurityGroup } from "@cdktf/provider-aws/lib/data-aws-security-group";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { App, LocalBackend, TerraformStack } from "cdktf";

const REGION = "eu-west-1";
const AZS = ["eu-west-1a", "eu-west-1b"];
const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
const trust = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** What differs between the example's production environment and the bench environment. */
interface Environment {
  /** Project name, also the VPC's Name tag and the cluster's name. */
  readonly project: string;
  readonly env: string;
  readonly cidr: string;
  /** One NAT gateway per AZ (the example's production) or a single one (the bench environment). */
  readonly natPerAz: boolean;
  readonly namespace: string;
}

const EXAMPLE: Environment = { project: "multi-env", env: "production", cidr: "10.20", natPerAz: true, namespace: "production.multi-env.internal" };
const BENCH: Environment = { project: "bench", env: "bench", cidr: "10.0", natPerAz: false, namespace: "bench.bench.internal" };

const tags = (e: Environment, stack: string) => [{ tags: { "managed-by": "compose2ecs", "compose2ecs:environment": e.env, "compose2ecs:stack": stack } }];
const prefix = (e: Environment) => `${e.project}-${e.env}`;

function base(app: App, e: Environment): void {
  const stack = new TerraformStack(app, `${e.env}-base`);
  new AwsProvider(stack, "aws", { region: REGION, defaultTags: tags(e, `${e.env}-base`) });
  new LocalBackend(stack, { path: "base.tfstate" });
  const vpc = new Vpc(stack, "vpc", { cidrBlock: `${e.cidr}.0.0/16`, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: prefix(e) } });
  const igw = new InternetGateway(stack, "igw", { vpcId: vpc.id });
  const publicRt = new RouteTable(stack, "public-rt", { vpcId: vpc.id });
  new Route(stack, "public-default", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
  let sharedNat: NatGateway | undefined;
  const publicSubnets = AZS.map((az, i) => {
    const s = new Subnet(stack, `public-${az}`, { vpcId: vpc.id, cidrBlock: `${e.cidr}.${i * 16}.0/20`, availabilityZone: az, mapPublicIpOnLaunch: false });
    new RouteTableAssociation(stack, `public-${az}-rta`, { subnetId: s.id, routeTableId: publicRt.id });
    if (e.natPerAz || sharedNat === undefined) {
      const eip = new Eip(stack, `nat-${az}-eip`, { domain: "vpc" });
      sharedNat = new NatGateway(stack, `nat-${az}`, { allocationId: eip.allocationId, subnetId: s.id });
    }
    const s2 = new Subnet(stack, `private-${az}`, {
      vpcId: vpc.id,
      cidrBlock: `${e.cidr}.${128 + i * 16}.0/20`,
      availabilityZone: az,
      mapPublicIpOnLaunch: false,
      tags: { "compose2ecs:tier": "private" },
    });
    const rt = new RouteTable(stack, `private-${az}-rt`, { vpcId: vpc.id });
    new Route(stack, `private-${az}-default`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: sharedNat.id });
    new RouteTableAssociation(stack, `private-${az}-rta`, { subnetId: s2.id, routeTableId: rt.id });
    return s.id;
  });
  const flowGroup = new CloudwatchLogGroup(stack, "flow-logs", { name: `/vpc/${e.project}/${e.env}/flow-logs`, retentionInDays: 365 });
  const flowRole = new IamRole(stack, "flow-role", { name: `${prefix(e)}-flow-logs`, assumeRolePolicy: trust.replace("ecs-tasks", "vpc-flow-logs") });
  new IamRolePolicy(stack, "flow-policy", {
    role: flowRole.id,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${flowGroup.arn}:*`] }],
    }),
  });
  new FlowLog(stack, "flow-log", { vpcId: vpc.id, trafficType: "ALL", logDestination: flowGroup.arn, iamRoleArn: flowRole.arn });
  const cluster = new EcsCluster(stack, "cluster", {
    name: prefix(e),
    setting: [{ name: "containerInsights", value: "enabled" }],
    configuration: { executeCommandConfiguration: { logging: "DEFAULT" } },
  });
  new EcsClusterCapacityProviders(stack, "capacity", {
    clusterName: cluster.name,
    capacityProviders: ["FARGATE", "FARGATE_SPOT"],
    defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
  });
  const sg = new SecurityGroup(stack, "alb-sg", { name: `${prefix(e)}-alb`, description: "ALB", vpcId: vpc.id });
  for (const port of [80, 443])
    new VpcSecurityGroupIngressRule(stack, `alb-in-${port}`, {
      securityGroupId: sg.id,
      description: `${port}`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      cidrIpv4: "0.0.0.0/0",
    });
  new VpcSecurityGroupEgressRule(stack, "alb-out", { securityGroupId: sg.id, description: "VPC", ipProtocol: "-1", cidrIpv4: vpc.cidrBlock });
  const lb = new Lb(stack, "alb", {
    name: prefix(e),
    internal: false,
    loadBalancerType: "application",
    securityGroups: [sg.id],
    subnets: publicSubnets,
    dropInvalidHeaderFields: true,
    enableDeletionProtection: true,
  });
  new LbListener(stack, "http", {
    loadBalancerArn: lb.arn,
    port: 80,
    protocol: "HTTP",
    defaultAction: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
  });
  new LbListener(stack, "https", {
    loadBalancerArn: lb.arn,
    port: 443,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificateArn: CERTIFICATE,
    defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" } }],
  });
}

interface Svc {
  readonly name: string;
  /** An image, or "ecr" for a service compose builds (an ECR repository of its own). */
  readonly image: string;
  readonly port: number;
  readonly cpu: string;
  readonly memory: string;
  readonly count: number;
  readonly path?: string[];
  readonly priority?: number;
  readonly health?: string;
  readonly scale?: number;
  readonly environment?: Record<string, string>;
}

/** The example's three services (examples/seed/docker-compose.yml with environments/production.yml). */
const EXAMPLE_SERVICES: readonly Svc[] = [
  {
    name: "boot",
    image: "laszlocph/spring-boot-dummy:exposed",
    port: 8080,
    cpu: "512",
    memory: "1024",
    count: 2,
    path: ["/boot", "/boot/*"],
    priority: 1,
    health: "/actuator/health",
    scale: 70,
  },
  { name: "redis", image: "redis:7.2-alpine", port: 6379, cpu: "256", memory: "512", count: 1 },
  { name: "web", image: "ecr", port: 5000, cpu: "256", memory: "512", count: 2, path: ["/*"], priority: 2, health: "/health", scale: 60 },
];

/** The services of bench/generate.ts: the first 40 routed, every one with the same size, health check and environment. */
function generatedServices(n: number): Svc[] {
  const name = (i: number) => `svc${String(i).padStart(3, "0")}`;
  return Array.from({ length: n }, (_, i) => ({
    name: name(i),
    image: `registry.example.com/bench/${name(i)}:1.0`,
    port: 8080,
    cpu: "512",
    memory: "1024",
    count: 2,
    ...(i < 40 ? { path: [`/${name(i)}`, `/${name(i)}/*`], priority: i + 1, health: "/health" } : {}),
    environment: { LOG_LEVEL: "info", SERVICE_NAME: name(i), UPSTREAM: `http://${name((i + 1) % n)}:8080` },
  }));
}

function application(app: App, e: Environment, services: readonly Svc[]): void {
  const stack = new TerraformStack(app, `${e.env}-app`);
  new AwsProvider(stack, "aws", { region: REGION, defaultTags: tags(e, `${e.env}-app`) });
  new LocalBackend(stack, { path: "app.tfstate" });
  const vpc = new DataAwsVpc(stack, "vpc", { filter: [{ name: "tag:Name", values: [prefix(e)] }] });
  const subnets = new DataAwsSubnets(stack, "subnets", {
    filter: [
      { name: "vpc-id", values: [vpc.id] },
      { name: "tag:compose2ecs:tier", values: ["private"] },
    ],
  });
  const cluster = new DataAwsEcsCluster(stack, "cluster", { clusterName: prefix(e) });
  const lb = new DataAwsLb(stack, "alb", { name: prefix(e) });
  const albSg = new DataAwsSecurityGroup(stack, "alb-sg", { name: `${prefix(e)}-alb`, vpcId: vpc.id });
  const listener = new DataAwsLbListener(stack, "https", { loadBalancerArn: lb.arn, port: 443 });
  const ns = new ServiceDiscoveryPrivateDnsNamespace(stack, "ns", { name: e.namespace, vpc: vpc.id });
  const net = new SecurityGroup(stack, "net-default", { name: `${prefix(e)}-net-default`, description: "default network", vpcId: vpc.id });
  new SecurityGroupRule(stack, "net-default-self", {
    type: "ingress",
    securityGroupId: net.id,
    selfAttribute: true,
    protocol: "-1",
    fromPort: 0,
    toPort: 0,
    description: "default network",
  });
  for (const s of services) {
    const image =
      s.image === "ecr"
        ? `${new EcrRepository(stack, `${s.name}-repo`, { name: `${prefix(e)}/${s.name}`, imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, encryptionConfiguration: [{ encryptionType: "KMS" }] }).repositoryUrl}:latest`
        : s.image;
    const logs = new CloudwatchLogGroup(stack, `${s.name}-logs`, { name: `/ecs/${e.project}/${e.env}/${s.name}`, retentionInDays: 365 });
    const exec = new IamRole(stack, `${s.name}-exec`, { name: `${prefix(e)}-${s.name}-exec`, assumeRolePolicy: trust });
    new IamRolePolicy(stack, `${s.name}-exec-policy`, {
      role: exec.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logs.arn}:*`] }],
      }),
    });
    const task = new IamRole(stack, `${s.name}-task`, { name: `${prefix(e)}-${s.name}-task`, assumeRolePolicy: trust });
    const sg = new SecurityGroup(stack, `${s.name}-sg`, { name: `${prefix(e)}-${s.name}`, description: s.name, vpcId: vpc.id });
    if (s.path)
      new VpcSecurityGroupIngressRule(stack, `${s.name}-from-alb`, {
        securityGroupId: sg.id,
        referencedSecurityGroupId: albSg.id,
        description: "alb",
        ipProtocol: "tcp",
        fromPort: s.port,
        toPort: s.port,
      });
    new VpcSecurityGroupEgressRule(stack, `${s.name}-https`, {
      securityGroupId: sg.id,
      description: "https",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    new VpcSecurityGroupEgressRule(stack, `${s.name}-vpc`, { securityGroupId: sg.id, description: "vpc", ipProtocol: "-1", cidrIpv4: vpc.cidrBlock });
    const logConfiguration = { logDriver: "awslogs", options: { "awslogs-group": logs.name, "awslogs-region": REGION, "awslogs-stream-prefix": s.name } };
    const environment = Object.entries(s.environment ?? {}).map(([name, value]) => ({ name, value }));
    const td = new EcsTaskDefinition(stack, `${s.name}-td`, {
      family: `${prefix(e)}-${s.name}`,
      cpu: s.cpu,
      memory: s.memory,
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      executionRoleArn: exec.arn,
      taskRoleArn: task.arn,
      containerDefinitions: JSON.stringify([
        { name: "searchdomain-sidecar", image: "docker/ecs-searchdomain-sidecar:1.0", essential: false, command: [e.namespace], logConfiguration },
        {
          name: s.name,
          image,
          essential: true,
          environment,
          portMappings: [{ containerPort: s.port, protocol: "tcp" }],
          ...(s.health
            ? { healthCheck: { command: ["CMD", "curl", "-f", `http://localhost:${s.port}${s.health}`], interval: 15, timeout: 5, retries: 3 } }
            : {}),
          dependsOn: [{ containerName: "searchdomain-sidecar", condition: "SUCCESS" }],
          logConfiguration,
        },
      ]),
    });
    const discovery = new ServiceDiscoveryService(stack, `${s.name}-discovery`, {
      name: s.name,
      dnsConfig: { namespaceId: ns.id, dnsRecords: [{ ttl: 10, type: "A" }], routingPolicy: "MULTIVALUE" },
    });
    let loadBalancer: { targetGroupArn: string; containerName: string; containerPort: number }[] = [];
    if (s.path && s.priority !== undefined) {
      const tg = new LbTargetGroup(stack, `${s.name}-tg`, {
        name: `${prefix(e)}-${s.name}`,
        port: s.port,
        protocol: "HTTP",
        targetType: "ip",
        vpcId: vpc.id,
        deregistrationDelay: "30",
        healthCheck: { path: s.health ?? "/", matcher: "200-399" },
      });
      new LbListenerRule(stack, `${s.name}-rule`, {
        listenerArn: listener.arn,
        priority: s.priority,
        action: [{ type: "forward", targetGroupArn: tg.arn }],
        condition: [{ pathPattern: { values: s.path } }],
      });
      loadBalancer = [{ targetGroupArn: tg.arn, containerName: s.name, containerPort: s.port }];
    }
    const service = new EcsService(stack, `${s.name}-service`, {
      name: `${e.project}-${s.name}`,
      cluster: cluster.arn,
      taskDefinition: td.arn,
      desiredCount: s.count,
      launchType: "FARGATE",
      deploymentCircuitBreaker: { enable: true, rollback: true },
      networkConfiguration: { subnets: subnets.ids, securityGroups: [sg.id, net.id], assignPublicIp: false },
      loadBalancer,
      serviceRegistries: { registryArn: discovery.arn },
    });
    if (s.scale !== undefined) {
      const target = new AppautoscalingTarget(stack, `${s.name}-scaling`, {
        minCapacity: 2,
        maxCapacity: 6,
        resourceId: `service/${prefix(e)}/${e.project}-${s.name}`,
        scalableDimension: "ecs:service:DesiredCount",
        serviceNamespace: "ecs",
        dependsOn: [service],
      });
      new AppautoscalingPolicy(stack, `${s.name}-cpu`, {
        name: `${s.name}-cpu`,
        policyType: "TargetTrackingScaling",
        resourceId: target.resourceId,
        scalableDimension: target.scalableDimension,
        serviceNamespace: target.serviceNamespace,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: s.scale,
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        },
      });
    }
  }
}

/** Synthesizes the example (no `services`) or `services` generated services into `outdir`. */
export function synthHandwritten(outdir: string, services?: number): void {
  const main = new App({ outdir, stackTraces: false });
  const e = services === undefined ? EXAMPLE : BENCH;
  base(main, e);
  application(main, e, services === undefined ? EXAMPLE_SERVICES : generatedServices(services));
  main.synth();
}

if (require.main === module) {
  const [outdir, services] = process.argv.slice(2);
  synthHandwritten(outdir ?? "cdktf.out", services === undefined ? undefined : Number(services));
}

/**
 * The bench's reference: a minimal cdktf app written by hand with the same resources as
 * `compose2ecs synth --env production` makes for the 3-service example (base + app stacks),
 * deep imports only, no planner, no loader. Usage: node dist/bench/handwritten/app.js OUTDIR
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
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { App, LocalBackend, TerraformStack } from "cdktf";

const REGION = "eu-west-1";
const AZS = ["eu-west-1a", "eu-west-1b"];
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const tags = (stack: string) => [{ tags: { "managed-by": "compose2ecs", "compose2ecs:environment": "production", "compose2ecs:stack": stack } }];

function base(app: App): void {
  const stack = new TerraformStack(app, "production-base");
  new AwsProvider(stack, "aws", { region: REGION, defaultTags: tags("production-base") });
  new LocalBackend(stack, { path: "base.tfstate" });
  const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.20.0.0/16", enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: "multi-env-production" } });
  const igw = new InternetGateway(stack, "igw", { vpcId: vpc.id });
  const publicRt = new RouteTable(stack, "public-rt", { vpcId: vpc.id });
  new Route(stack, "public-default", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
  const publicSubnets = AZS.map((az, i) => {
    const s = new Subnet(stack, `public-${az}`, { vpcId: vpc.id, cidrBlock: `10.20.${i * 16}.0/20`, availabilityZone: az, mapPublicIpOnLaunch: false });
    new RouteTableAssociation(stack, `public-${az}-rta`, { subnetId: s.id, routeTableId: publicRt.id });
    const eip = new Eip(stack, `nat-${az}-eip`, { domain: "vpc" });
    const nat = new NatGateway(stack, `nat-${az}`, { allocationId: eip.allocationId, subnetId: s.id });
    const s2 = new Subnet(stack, `private-${az}`, { vpcId: vpc.id, cidrBlock: `10.20.${128 + i * 16}.0/20`, availabilityZone: az, mapPublicIpOnLaunch: false, tags: { "compose2ecs:tier": "private" } });
    const rt = new RouteTable(stack, `private-${az}-rt`, { vpcId: vpc.id });
    new Route(stack, `private-${az}-default`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
    new RouteTableAssociation(stack, `private-${az}-rta`, { subnetId: s2.id, routeTableId: rt.id });
    return s.id;
  });
  const flowGroup = new CloudwatchLogGroup(stack, "flow-logs", { name: "/vpc/multi-env/production/flow-logs", retentionInDays: 365 });
  const flowRole = new IamRole(stack, "flow-role", { name: "multi-env-production-flow-logs", assumeRolePolicy: trust.replace("ecs-tasks", "vpc-flow-logs") });
  new IamRolePolicy(stack, "flow-policy", {
    role: flowRole.id,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${flowGroup.arn}:*`] }] }),
  });
  new FlowLog(stack, "flow-log", { vpcId: vpc.id, trafficType: "ALL", logDestination: flowGroup.arn, iamRoleArn: flowRole.arn });
  const cluster = new EcsCluster(stack, "cluster", { name: "multi-env-production", setting: [{ name: "containerInsights", value: "enabled" }], configuration: { executeCommandConfiguration: { logging: "DEFAULT" } } });
  new EcsClusterCapacityProviders(stack, "capacity", { clusterName: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }] });
  const sg = new SecurityGroup(stack, "alb-sg", { name: "multi-env-production-alb", description: "ALB", vpcId: vpc.id });
  for (const port of [80, 443]) new VpcSecurityGroupIngressRule(stack, `alb-in-${port}`, { securityGroupId: sg.id, description: `${port}`, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0" });
  new VpcSecurityGroupEgressRule(stack, "alb-out", { securityGroupId: sg.id, description: "VPC", ipProtocol: "-1", cidrIpv4: vpc.cidrBlock });
  const lb = new Lb(stack, "alb", { name: "multi-env-production", internal: false, loadBalancerType: "application", securityGroups: [sg.id], subnets: publicSubnets, dropInvalidHeaderFields: true, enableDeletionProtection: true });
  new LbListener(stack, "http", { loadBalancerArn: lb.arn, port: 80, protocol: "HTTP", defaultAction: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }] });
  new LbListener(stack, "https", {
    loadBalancerArn: lb.arn,
    port: 443,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" } }],
  });
}

interface Svc {
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly cpu: string;
  readonly memory: string;
  readonly count: number;
  readonly path?: string[];
  readonly priority?: number;
  readonly health?: string;
  readonly scale?: number;
}

function app(app: App): void {
  const stack = new TerraformStack(app, "production-app");
  new AwsProvider(stack, "aws", { region: REGION, defaultTags: tags("production-app") });
  new LocalBackend(stack, { path: "app.tfstate" });
  const vpc = new DataAwsVpc(stack, "vpc", { filter: [{ name: "tag:Name", values: ["multi-env-production"] }] });
  const subnets = new DataAwsSubnets(stack, "subnets", { filter: [{ name: "vpc-id", values: [vpc.id] }, { name: "tag:compose2ecs:tier", values: ["private"] }] });
  const cluster = new DataAwsEcsCluster(stack, "cluster", { clusterName: "multi-env-production" });
  const lb = new DataAwsLb(stack, "alb", { name: "multi-env-production" });
  const albSg = new DataAwsSecurityGroup(stack, "alb-sg", { name: "multi-env-production-alb", vpcId: vpc.id });
  const listener = new DataAwsLbListener(stack, "https", { loadBalancerArn: lb.arn, port: 443 });
  const ns = new ServiceDiscoveryPrivateDnsNamespace(stack, "ns", { name: "production.multi-env.internal", vpc: vpc.id });
  const net = new SecurityGroup(stack, "net-default", { name: "multi-env-production-net-default", description: "default network", vpcId: vpc.id });
  const repo = new EcrRepository(stack, "web-repo", { name: "multi-env-production/web", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, encryptionConfiguration: [{ encryptionType: "KMS" }] });
  const services: Svc[] = [
    { name: "boot", image: "laszlocph/spring-boot-dummy:exposed", port: 8080, cpu: "512", memory: "1024", count: 2, path: ["/boot", "/boot/*"], priority: 1, health: "/actuator/health", scale: 70 },
    { name: "redis", image: "redis:7.2-alpine", port: 6379, cpu: "256", memory: "512", count: 1 },
    { name: "web", image: `${repo.repositoryUrl}:latest`, port: 5000, cpu: "256", memory: "512", count: 2, path: ["/*"], priority: 2, health: "/health", scale: 60 },
  ];
  for (const s of services) {
    const logs = new CloudwatchLogGroup(stack, `${s.name}-logs`, { name: `/ecs/multi-env/production/${s.name}`, retentionInDays: 365 });
    const exec = new IamRole(stack, `${s.name}-exec`, { name: `multi-env-production-${s.name}-exec`, assumeRolePolicy: trust });
    new IamRolePolicy(stack, `${s.name}-exec-policy`, {
      role: exec.id,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logs.arn}:*`] }] }),
    });
    const task = new IamRole(stack, `${s.name}-task`, { name: `multi-env-production-${s.name}-task`, assumeRolePolicy: trust });
    const sg = new SecurityGroup(stack, `${s.name}-sg`, { name: `multi-env-production-${s.name}`, description: s.name, vpcId: vpc.id });
    new VpcSecurityGroupIngressRule(stack, `${s.name}-from-net`, { securityGroupId: sg.id, referencedSecurityGroupId: net.id, description: "network", ipProtocol: "tcp", fromPort: s.port, toPort: s.port });
    if (s.path) new VpcSecurityGroupIngressRule(stack, `${s.name}-from-alb`, { securityGroupId: sg.id, referencedSecurityGroupId: albSg.id, description: "alb", ipProtocol: "tcp", fromPort: s.port, toPort: s.port });
    new VpcSecurityGroupEgressRule(stack, `${s.name}-https`, { securityGroupId: sg.id, description: "https", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" });
    new VpcSecurityGroupEgressRule(stack, `${s.name}-vpc`, { securityGroupId: sg.id, description: "vpc", ipProtocol: "-1", cidrIpv4: vpc.cidrBlock });
    const logConfiguration = { logDriver: "awslogs", options: { "awslogs-group": logs.name, "awslogs-region": REGION, "awslogs-stream-prefix": s.name } };
    const td = new EcsTaskDefinition(stack, `${s.name}-td`, {
      family: `multi-env-production-${s.name}`,
      cpu: s.cpu,
      memory: s.memory,
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      executionRoleArn: exec.arn,
      taskRoleArn: task.arn,
      containerDefinitions: JSON.stringify([
        { name: "searchdomain-sidecar", image: "docker/ecs-searchdomain-sidecar:1.0", essential: false, command: ["production.multi-env.internal"], logConfiguration },
        { name: s.name, image: s.image, essential: true, portMappings: [{ containerPort: s.port, protocol: "tcp" }], dependsOn: [{ containerName: "searchdomain-sidecar", condition: "SUCCESS" }], logConfiguration },
      ]),
    });
    const discovery = new ServiceDiscoveryService(stack, `${s.name}-discovery`, { name: s.name, dnsConfig: { namespaceId: ns.id, dnsRecords: [{ ttl: 10, type: "A" }], routingPolicy: "MULTIVALUE" } });
    let loadBalancer: { targetGroupArn: string; containerName: string; containerPort: number }[] = [];
    if (s.path && s.priority !== undefined) {
      const tg = new LbTargetGroup(stack, `${s.name}-tg`, { name: `multi-env-production-${s.name}`, port: s.port, protocol: "HTTP", targetType: "ip", vpcId: vpc.id, deregistrationDelay: "30", healthCheck: { path: s.health ?? "/", matcher: "200-399" } });
      new LbListenerRule(stack, `${s.name}-rule`, { listenerArn: listener.arn, priority: s.priority, action: [{ type: "forward", targetGroupArn: tg.arn }], condition: [{ pathPattern: { values: s.path } }] });
      loadBalancer = [{ targetGroupArn: tg.arn, containerName: s.name, containerPort: s.port }];
    }
    const service = new EcsService(stack, `${s.name}-service`, {
      name: `multi-env-${s.name}`,
      cluster: cluster.arn,
      taskDefinition: td.arn,
      desiredCount: s.count,
      capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
      deploymentCircuitBreaker: { enable: true, rollback: true },
      networkConfiguration: { subnets: subnets.ids, securityGroups: [sg.id, net.id], assignPublicIp: false },
      loadBalancer,
      serviceRegistries: { registryArn: discovery.arn },
    });
    if (s.scale !== undefined) {
      const target = new AppautoscalingTarget(stack, `${s.name}-scaling`, {
        minCapacity: 2,
        maxCapacity: 6,
        resourceId: `service/multi-env-production/multi-env-${s.name}`,
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
        targetTrackingScalingPolicyConfiguration: { targetValue: s.scale, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } },
      });
    }
  }
}

const outdir = process.argv[2] ?? "cdktf.out";
const main = new App({ outdir, stackTraces: false });
base(main);
app(main);
main.synth();

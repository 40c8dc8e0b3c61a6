import { TerraformStack, Testing } from "cdktf";
import { defaultEnvironment } from "../../config/defaults";
import { ENDPOINT_SERVICES, configureProvider } from "../../stacks/provider";
import { Cluster } from "../../constructs/cluster";
import { LoadBalancer } from "../../constructs/load-balancer";
import { Network } from "../../constructs/network";
import { LoadBalancerPlan } from "../../planner/plan";
import { only, resourcesOf, synthStack } from "./synth-helpers";

const subnets = (tier: string, cidrs: string[]) => cidrs.map((cidr, i) => ({ name: `shop-qa-${tier}-${"abc"[i]}`, az: `eu-west-1${"abc"[i]}`, cidr }));

describe("Network", () => {
  test.each([
    ["none", 0, 0],
    ["single", 1, 3],
    ["per-az", 3, 3],
  ] as const)("GIVEN nat %s over 3 AZs WHEN synthesized THEN there are %s NAT gateways and %s private default routes", (nat, gateways, routes) => {
    const { json } = synthStack((stack) => {
      new Network(stack, "network", {
        vpcName: "shop-qa",
        cidr: "10.1.0.0/16",
        publicSubnets: subnets("public", ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/20"]),
        privateSubnets: subnets("private", ["10.1.128.0/20", "10.1.144.0/20", "10.1.160.0/20"]),
        nat,
      });
    });
    expect(resourcesOf(json, "aws_nat_gateway")).toHaveLength(gateways);
    expect(resourcesOf(json, "aws_route").filter((r) => r.nat_gateway_id !== undefined)).toHaveLength(routes);
    expect(resourcesOf(json, "aws_subnet")).toHaveLength(6);
    for (const s of resourcesOf(json, "aws_subnet")) expect(s.map_public_ip_on_launch).toBe(false);
    expect(only(json, "aws_vpc")).toMatchObject({ cidr_block: "10.1.0.0/16", enable_dns_hostnames: true, tags: { Name: "shop-qa" } });
  });

  test("GIVEN flow logs WHEN synthesized THEN the VPC has a flow log to a log group with retention", () => {
    const { text, json } = synthStack((stack) => {
      new Network(stack, "network", {
        vpcName: "shop-prod",
        publicSubnets: subnets("public", ["10.0.0.0/20", "10.0.16.0/20"]),
        privateSubnets: subnets("private", ["10.0.128.0/20", "10.0.144.0/20"]),
        flowLogs: { logGroupName: "/vpc/shop/prod/flow-logs", roleName: "shop-prod-flow-logs" },
        logRetentionDays: 400,
      });
    });
    expect(Testing.toHaveResourceWithProperties(text, "aws_flow_log", { traffic_type: "ALL", log_destination_type: "cloud-watch-logs" })).toBe(true);
    expect(only(json, "aws_cloudwatch_log_group")).toMatchObject({ name: "/vpc/shop/prod/flow-logs", retention_in_days: 400 });
    expect(JSON.parse(String(only(json, "aws_iam_role").assume_role_policy)).Statement[0].Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
  });

  test("GIVEN an AZ added WHEN synthesized THEN the existing AZs' subnet addresses are unchanged", () => {
    const two = synthStack((stack) => {
      new Network(stack, "n", {
        vpcName: "v",
        publicSubnets: subnets("public", ["10.0.0.0/20", "10.0.16.0/20"]),
        privateSubnets: subnets("private", ["10.0.128.0/20", "10.0.144.0/20"]),
      });
    }).json;
    const three = synthStack((stack) => {
      new Network(stack, "n", {
        vpcName: "v",
        publicSubnets: subnets("public", ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]),
        privateSubnets: subnets("private", ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"]),
      });
    }).json;
    for (const [address, body] of Object.entries(two.resource.aws_subnet ?? {})) expect(three.resource.aws_subnet?.[address]).toEqual(body);
  });
});

describe("Cluster", () => {
  test.each([
    [true, "enabled"],
    [false, "disabled"],
  ])("GIVEN containerInsights %s THEN the cluster setting is %s and ECS Exec is logged", (insights, value) => {
    const { json } = synthStack((stack) => {
      new Cluster(stack, "cluster", {
        plan: { name: "shop-qa", containerInsights: insights, kind: "fargate" },
        vpcId: "vpc-1",
        vpcCidr: "10.0.0.0/16",
        privateSubnetIds: ["subnet-1"],
      });
    });
    expect(only(json, "aws_ecs_cluster")).toMatchObject({
      name: "shop-qa",
      setting: [{ name: "containerInsights", value }],
      configuration: { execute_command_configuration: { logging: "DEFAULT" } },
    });
    expect(only(json, "aws_ecs_cluster_capacity_providers")).toMatchObject({
      capacity_providers: ["FARGATE", "FARGATE_SPOT"],
      default_capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 0 }],
    });
  });

  test("GIVEN EC2 capacity THEN a launch template with the ECS AMI from SSM, an ASG and a managed-scaling capacity provider exist", () => {
    const { json, text } = synthStack((stack) => {
      new Cluster(stack, "cluster", {
        plan: {
          name: "shop-qa",
          containerInsights: false,
          kind: "ec2",
          ec2: {
            instanceType: "t3.small",
            desiredSize: 2,
            minSize: 1,
            maxSize: 4,
            amiSsmParameter: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
            capacityProviderName: "cp-shop-qa",
            launchTemplateName: "shop-qa-ecs",
            autoScalingGroupName: "shop-qa-ecs",
            instanceRoleName: "shop-qa-ecs-instance",
            instanceProfileName: "shop-qa-ecs-instance",
            securityGroupName: "shop-qa-ecs-instances",
          },
        },
        vpcId: "vpc-1",
        vpcCidr: "10.0.0.0/16",
        privateSubnetIds: ["subnet-1", "subnet-2"],
      });
    });
    expect(
      Testing.toHaveDataSourceWithProperties(text, "aws_ssm_parameter", { name: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id" }),
    ).toBe(true);
    const template = only(json, "aws_launch_template");
    expect(template).toMatchObject({ instance_type: "t3.small", metadata_options: { http_tokens: "required" } });
    expect(Buffer.from(String(template.user_data), "base64").toString()).toContain("ECS_CLUSTER=shop-qa");
    expect(only(json, "aws_autoscaling_group")).toMatchObject({ min_size: 1, max_size: 4, desired_capacity: 2, vpc_zone_identifier: ["subnet-1", "subnet-2"] });
    expect(only(json, "aws_ecs_capacity_provider")).toMatchObject({
      name: "cp-shop-qa",
      auto_scaling_group_provider: { managed_scaling: { status: "ENABLED" } },
    });
  });
});

describe("LoadBalancer", () => {
  const plan = (extra: Partial<LoadBalancerPlan> = {}): LoadBalancerPlan => ({
    name: "shop-prod",
    pool: [{ index: 1, name: "shop-prod" }],
    securityGroupName: "shop-prod-alb",
    internal: false,
    allowedCidrs: ["0.0.0.0/0"],
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    idleTimeoutSeconds: 60,
    deletionProtection: true,
    ...extra,
  });
  const build = (p: LoadBalancerPlan) =>
    synthStack((stack) => {
      new LoadBalancer(stack, "lb", {
        plan: p,
        vpcId: "vpc-1",
        vpcCidr: "10.0.0.0/16",
        publicSubnetIds: ["pub-a", "pub-b"],
        privateSubnetIds: ["priv-a", "priv-b"],
      });
    }).json;

  test("GIVEN a certificate THEN HTTPS uses the TLS 1.2+ policy with a 404 default and HTTP only redirects", () => {
    const json = build(plan({ certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x" }));
    const listeners = resourcesOf(json, "aws_lb_listener");
    expect(listeners).toContainEqual(
      expect.objectContaining({
        port: 443,
        protocol: "HTTPS",
        ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        default_action: [expect.objectContaining({ type: "fixed-response" })],
      }),
    );
    expect(listeners).toContainEqual(
      expect.objectContaining({
        port: 80,
        default_action: [expect.objectContaining({ type: "redirect", redirect: expect.objectContaining({ protocol: "HTTPS", status_code: "HTTP_301" }) })],
      }),
    );
    expect(only(json, "aws_lb")).toMatchObject({
      drop_invalid_header_fields: true,
      internal: false,
      enable_deletion_protection: true,
      idle_timeout: 60,
      subnets: ["pub-a", "pub-b"],
    });
  });

  test("GIVEN no certificate THEN there is only the HTTP listener, answering 404", () => {
    const json = build(plan());
    expect(resourcesOf(json, "aws_lb_listener")).toEqual([
      expect.objectContaining({ port: 80, default_action: [expect.objectContaining({ fixed_response: expect.objectContaining({ status_code: "404" }) })] }),
    ]);
  });

  test("GIVEN allowed CIDRs and a branch port range THEN the SG admits exactly those CIDRs on 80 and the range", () => {
    const json = build(plan({ allowedCidrs: ["198.51.100.0/24", "203.0.113.0/24"], branchPortRange: { from: 10001, to: 10999 } }));
    const rules = resourcesOf(json, "aws_vpc_security_group_ingress_rule").map((r) => [r.cidr_ipv4, r.from_port, r.to_port]);
    expect(rules.sort()).toEqual(
      [
        ["198.51.100.0/24", 80, 80],
        ["198.51.100.0/24", 10001, 10999],
        ["203.0.113.0/24", 80, 80],
        ["203.0.113.0/24", 10001, 10999],
      ].sort(),
    );
    for (const r of resourcesOf(json, "aws_vpc_security_group_ingress_rule")) expect(String(r.description)).not.toBe("");
  });

  test("GIVEN an internal ALB THEN it sits in the private subnets", () => {
    expect(only(build(plan({ internal: true })), "aws_lb")).toMatchObject({ internal: true, subnets: ["priv-a", "priv-b"] });
  });

  test("GIVEN access logs and a WAF ACL THEN both are attached", () => {
    const json = build(plan({ accessLogsBucket: "logs", wafAclArn: "arn:aws:wafv2:x" }));
    expect(only(json, "aws_lb")).toMatchObject({ access_logs: { bucket: "logs", enabled: true } });
    expect(only(json, "aws_wafv2_web_acl_association")).toMatchObject({ web_acl_arn: "arn:aws:wafv2:x" });
  });
});

describe("provider", () => {
  test("GIVEN an emulator endpoint THEN every AWS service the stacks use points at it, credential checks are skipped but the account id is still read", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "p");
    configureProvider(stack, {
      env: { ...defaultEnvironment("qa", true), tags: { team: "x" } },
      project: "shop",
      stackName: "qa-base",
      endpoint: "http://127.0.0.1:5000",
    });
    const provider = (JSON.parse(Testing.synth(stack)) as { provider: { aws: Record<string, unknown>[] } }).provider.aws[0];
    expect(provider).toMatchObject({
      region: "eu-west-1",
      skip_credentials_validation: true,
      skip_region_validation: true,
      s3_use_path_style: true,
      default_tags: [{ tags: { team: "x", "managed-by": "compose2ecs", "compose2ecs:environment": "qa", "compose2ecs:stack": "qa-base" } }],
    });
    // Without the account id, rules referencing another security group read back as
    // "<account>/sg-..." and every re-plan drifts.
    expect(provider).not.toHaveProperty("skip_requesting_account_id");
    const endpoints = (provider?.endpoints as Record<string, string>[])[0] ?? {};
    expect(Object.keys(endpoints).sort()).toEqual([...ENDPOINT_SERVICES].sort());
    expect(new Set(Object.values(endpoints))).toEqual(new Set(["http://127.0.0.1:5000"]));
    expect(ENDPOINT_SERVICES).toEqual(expect.arrayContaining(["elbv2", "cloudwatchlogs", "applicationautoscaling", "servicediscovery", "ecs", "iam"]));
  });
});

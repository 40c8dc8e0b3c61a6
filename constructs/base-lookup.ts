import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsLb } from "@cdktf/provider-aws/lib/data-aws-lb";
import { DataAwsLbListener } from "@cdktf/provider-aws/lib/data-aws-lb-listener";
import { DataAwsSecurityGroup } from "@cdktf/provider-aws/lib/data-aws-security-group";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { Construct } from "constructs";
import { BasePlan } from "../planner/plan";
import { TIER_TAG } from "./network";

export interface BaseLookupProps {
  /** The base stack's plan: the names to look up. */
  readonly base: BasePlan;
  /** Name of the pool ALB the stack uses (planner AppPlan `alb`). @default ALB 1, `base.loadBalancer.name` */
  readonly loadBalancerName?: string;
  /** Port of the shared listener the stack adds rules to; none when it has its own listener. @default undefined */
  readonly listenerPort?: number;
  /** Look up the network load balancer and its security group (the stack has listeners on it). @default false */
  readonly networkLoadBalancer?: boolean;
}

/**
 * The base stack's resources, found by name from an application stack (docs/architecture.md,
 * "The base stack is found by name"): a branch deployer needs no access to the base's state,
 * and a branch never changes the base.
 */
export class BaseLookup extends Construct {
  public readonly vpcId: string;
  public readonly vpcCidr: string;
  public readonly privateSubnetIds: string[];
  public readonly clusterArn: string;
  public readonly loadBalancer: DataAwsLb;
  public readonly loadBalancerSecurityGroupId: string;
  public readonly listenerArn?: string;
  public readonly networkLoadBalancer?: { readonly arn: string; readonly dnsName: string; readonly securityGroupId: string };

  constructor(scope: Construct, id: string, props: BaseLookupProps) {
    super(scope, id);
    const { base } = props;
    const network = base.network;
    const vpc =
      network.kind === "existing"
        ? new DataAwsVpc(this, "vpc", { id: network.vpcId })
        : new DataAwsVpc(this, "vpc", { filter: [{ name: "tag:Name", values: [network.vpcName] }] });
    this.vpcId = vpc.id;
    this.vpcCidr = vpc.cidrBlock;
    if (network.kind === "existing") {
      this.privateSubnetIds = [...network.privateSubnetIds];
    } else {
      const subnets = new DataAwsSubnets(this, "private-subnets", {
        filter: [
          { name: "vpc-id", values: [vpc.id] },
          { name: `tag:${TIER_TAG}`, values: ["private"] },
        ],
      });
      this.privateSubnetIds = subnets.ids;
    }
    this.clusterArn = new DataAwsEcsCluster(this, "cluster", { clusterName: base.cluster.name }).arn;
    this.loadBalancer = new DataAwsLb(this, "alb", { name: props.loadBalancerName ?? base.loadBalancer.name });
    this.loadBalancerSecurityGroupId = new DataAwsSecurityGroup(this, "alb-sg", {
      name: base.loadBalancer.securityGroupName,
      vpcId: vpc.id,
    }).id;
    const nlb = base.networkLoadBalancer;
    if (props.networkLoadBalancer === true && nlb !== undefined) {
      const lb = new DataAwsLb(this, "nlb", { name: nlb.name });
      const sg = new DataAwsSecurityGroup(this, "nlb-sg", { name: nlb.securityGroupName, vpcId: vpc.id });
      this.networkLoadBalancer = { arn: lb.arn, dnsName: lb.dnsName, securityGroupId: sg.id };
    }
    if (props.listenerPort !== undefined) {
      this.listenerArn = new DataAwsLbListener(this, `listener-${props.listenerPort}`, {
        loadBalancerArn: this.loadBalancer.arn,
        port: props.listenerPort,
      }).arn;
    }
  }
}

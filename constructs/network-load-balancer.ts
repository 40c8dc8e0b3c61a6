import { Lb } from "@cdktf/provider-aws/lib/lb";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Construct } from "constructs";
import { NetworkLoadBalancerPlan } from "../planner/plan";

export interface NetworkLoadBalancerProps {
  /** Name, exposure and security group name (planner/plan.ts). */
  readonly plan: NetworkLoadBalancerPlan;
  readonly vpcId: string;
  /** VPC CIDR: the load balancer reaches targets only inside it. */
  readonly vpcCidr: string;
  /** Subnets of an internet-facing load balancer. */
  readonly publicSubnetIds: string[];
  /** Subnets of an internal load balancer. */
  readonly privateSubnetIds: string[];
}

/**
 * A network load balancer for TCP ports, shared by the environment's application stacks like the
 * ALB. Its security group (NLBs take one only when created) admits nothing by itself: each
 * application stack adds the allowed CIDRs on the listener ports it owns, so no port is open that
 * no listener serves, and tasks admit this group on their target ports.
 */
export class NetworkLoadBalancer extends Construct {
  public readonly lb: Lb;
  public readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkLoadBalancerProps) {
    super(scope, id);
    const { plan } = props;
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: plan.securityGroupName,
      description: `Network load balancer ${plan.name}: listener ports from allowed CIDRs only`,
      vpcId: props.vpcId,
    });
    new VpcSecurityGroupEgressRule(this, "egress-vpc", {
      securityGroupId: this.securityGroup.id,
      description: "To targets inside the VPC",
      ipProtocol: "-1",
      cidrIpv4: props.vpcCidr,
    });
    this.lb = new Lb(this, "nlb", {
      name: plan.name,
      internal: plan.internal,
      loadBalancerType: "network",
      securityGroups: [this.securityGroup.id],
      subnets: plan.internal ? props.privateSubnetIds : props.publicSubnetIds,
      tags: { Exposure: plan.internal ? "internal" : "public" },
    });
  }
}

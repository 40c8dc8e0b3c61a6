import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { NetworkTargetPlan } from "../planner/plan";

export interface NetworkListenerProps {
  /** Listener port, target port and target group name (planner/plan.ts). */
  readonly plan: NetworkTargetPlan;
  readonly vpcId: string;
  /** The environment's network load balancer. */
  readonly loadBalancerArn: string;
  /** Its security group: the listener port is opened there for `allowedCidrs`. */
  readonly loadBalancerSecurityGroupId: string;
  /** Who may reach the listener. */
  readonly allowedCidrs: readonly string[];
  /** Tags for the target group and listener. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A TCP listener on the network load balancer, its target group (IP targets, a TCP health check
 * on the traffic port: any server that accepts connections is healthy) and the listener port's
 * ingress rules on the load balancer's security group.
 */
export class NetworkListener extends Construct {
  public readonly targetGroup: LbTargetGroup;
  public readonly listener: LbListener;

  constructor(scope: Construct, id: string, props: NetworkListenerProps) {
    super(scope, id);
    const { plan } = props;
    const tags = props.tags ?? {};
    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: plan.targetGroupName,
      port: plan.containerPort,
      protocol: "TCP",
      targetType: "ip",
      vpcId: props.vpcId,
      deregistrationDelay: String(plan.deregistrationDelaySeconds),
      healthCheck: { enabled: true, protocol: "TCP", port: "traffic-port", interval: 30, healthyThreshold: 3, unhealthyThreshold: 3 },
      tags,
    });
    this.listener = new LbListener(this, "listener", {
      loadBalancerArn: props.loadBalancerArn,
      port: plan.listenerPort,
      protocol: "TCP",
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      tags,
    });
    for (const cidr of props.allowedCidrs) {
      new VpcSecurityGroupIngressRule(this, `ingress-${cidr.replace(/[./:]/g, "_")}`, {
        securityGroupId: props.loadBalancerSecurityGroupId,
        description: `tcp/${plan.listenerPort} (${plan.service}:${plan.containerPort}) from ${cidr}`,
        ipProtocol: "tcp",
        fromPort: plan.listenerPort,
        toPort: plan.listenerPort,
        cidrIpv4: cidr,
        tags,
      });
    }
  }
}

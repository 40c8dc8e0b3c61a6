import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { EgressPlan, IngressPlan } from "../planner/plan";

/** The security groups of the stack's compose networks, by network name. */
export interface NetworkGroupIds {
  /** Each network's group (planner/network-access.ts). */
  readonly members: ReadonlyMap<string, string>;
  /** The group of a network's declared-ports members, where the network has one. */
  readonly declaredPorts: ReadonlyMap<string, string>;
}

export interface ServiceSecurityGroupProps {
  /** Security group name. */
  readonly name: string;
  /** Compose service (or single task) the group protects. */
  readonly service: string;
  readonly vpcId: string;
  /** VPC CIDR: tasks may reach anything inside the VPC (siblings, DNS, EFS, endpoints). */
  readonly vpcCidr: string;
  /** Who may connect on which port (planner/plan.ts). */
  readonly ingress: readonly IngressPlan[];
  /** Outbound traffic beyond HTTPS and the VPC. @default [] */
  readonly egress?: readonly EgressPlan[];
  /** The load balancer's security group. */
  readonly loadBalancerSecurityGroupId: string;
  /** The network load balancer's security group, when the service has listeners on it. @default undefined */
  readonly networkLoadBalancerSecurityGroupId?: string;
  /** Security groups of the compose networks. */
  readonly networkSecurityGroupIds: NetworkGroupIds;
  /** Tags for the group and its rules. @default {} */
  readonly tags?: Record<string, string>;
}

/** Who a rule admits, and the text of its construct id and description. */
function sourceOf(rule: IngressPlan, props: ServiceSecurityGroupProps): { id: string | undefined; label: string; description: string } | undefined {
  const from = rule.from;
  switch (from.kind) {
    case "alb":
      return { id: props.loadBalancerSecurityGroupId, label: "alb", description: "from the load balancer" };
    case "nlb":
      return { id: props.networkLoadBalancerSecurityGroupId, label: "nlb", description: "from the network load balancer" };
    case "network":
      // "@" cannot occur in a compose network name, so the two labels never collide.
      return from.group === "declared-ports"
        ? {
            id: props.networkSecurityGroupIds.declaredPorts.get(from.network),
            label: `declared@${from.network}`,
            description: `from declared-ports services on compose network ${from.network}`,
          }
        : {
            id: props.networkSecurityGroupIds.members.get(from.network),
            label: `net-${from.network}`,
            description: `from services on compose network ${from.network}`,
          };
  }
}

/**
 * A task's own security group: inbound only from the load balancers on published ports and,
 * for declared-ports access, from its compose networks on its declared ports (members of a
 * network otherwise reach each other through the network group's own rule); outbound HTTPS
 * (image pulls, AWS APIs), the VPC and the egress the plan opens, never all traffic to the internet.
 */
export class ServiceSecurityGroup extends Construct {
  public readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: ServiceSecurityGroupProps) {
    super(scope, id);
    const tags = props.tags ?? {};
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: props.name,
      description: `Tasks of service ${props.service}`,
      vpcId: props.vpcId,
      tags,
    });
    for (const rule of props.ingress) {
      const source = sourceOf(rule, props);
      if (source?.id === undefined) continue;
      const ports = rule.portEnd === undefined ? `${rule.port}` : `${rule.port}-${rule.portEnd}`;
      new VpcSecurityGroupIngressRule(this, `in-${source.label}-${ports}-${rule.protocol}`, {
        securityGroupId: this.securityGroup.id,
        referencedSecurityGroupId: source.id,
        description: `${rule.protocol}/${ports} ${source.description}`,
        ipProtocol: rule.protocol,
        fromPort: rule.port,
        toPort: rule.portEnd ?? rule.port,
        tags,
      });
    }
    new VpcSecurityGroupEgressRule(this, "out-https", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS to image registries and AWS APIs",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
      tags,
    });
    new VpcSecurityGroupEgressRule(this, "out-vpc", {
      securityGroupId: this.securityGroup.id,
      description: "Sibling services, DNS and EFS inside the VPC",
      ipProtocol: "-1",
      cidrIpv4: props.vpcCidr,
      tags,
    });
    for (const rule of props.egress ?? []) {
      new VpcSecurityGroupEgressRule(this, `out-${rule.protocol}-${rule.port}-${rule.cidr.replace(/[./:]/g, "_")}`, {
        securityGroupId: this.securityGroup.id,
        description: `${rule.protocol}/${rule.port} to ${rule.cidr} (egress setting)`,
        ipProtocol: rule.protocol,
        fromPort: rule.port,
        toPort: rule.port,
        cidrIpv4: rule.cidr,
        tags,
      });
    }
  }
}

import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { IngressPlan } from "../planner/plan";

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
  /** The load balancer's security group. */
  readonly loadBalancerSecurityGroupId: string;
  /** Membership security group of each compose network. */
  readonly networkSecurityGroupIds: ReadonlyMap<string, string>;
  /** Tags for the group and its rules. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A task's own security group: inbound only from the load balancer on routed ports and from
 * services sharing a compose network on the service's ports; outbound HTTPS (image pulls,
 * AWS APIs) and the VPC, never all traffic to the internet.
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
      const source = rule.from.kind === "alb" ? props.loadBalancerSecurityGroupId : props.networkSecurityGroupIds.get(rule.from.network);
      if (source === undefined) continue;
      const label = rule.from.kind === "alb" ? "alb" : `net-${rule.from.network}`;
      const ports = rule.portEnd === undefined ? `${rule.port}` : `${rule.port}-${rule.portEnd}`;
      new VpcSecurityGroupIngressRule(this, `in-${label}-${ports}-${rule.protocol}`, {
        securityGroupId: this.securityGroup.id,
        referencedSecurityGroupId: source,
        description:
          rule.from.kind === "alb"
            ? `${rule.protocol}/${ports} from the load balancer`
            : `${rule.protocol}/${ports} from services on compose network ${rule.from.network}`,
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
  }
}

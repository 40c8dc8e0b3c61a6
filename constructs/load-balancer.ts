import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { Wafv2WebAclAssociation as Wafv2WebAclAssociationType } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Construct } from "constructs";
import { LoadBalancerPlan } from "../planner/plan";

/** Every listener's default: nothing matched, so say so (explicit beats a magic default service). */
export const NOT_FOUND_ACTION: LbListenerDefaultAction = {
  type: "fixed-response",
  fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" },
};

export interface LoadBalancerProps {
  /** Names and settings (planner/plan.ts). */
  readonly plan: LoadBalancerPlan;
  readonly vpcId: string;
  /** VPC CIDR: the ALB reaches targets only inside it. */
  readonly vpcCidr: string;
  /** Subnets of an internet-facing ALB. */
  readonly publicSubnetIds: string[];
  /** Subnets of an internal ALB. */
  readonly privateSubnetIds: string[];
}

/**
 * An application load balancer with its security group (ingress only from the allowed
 * CIDRs), an HTTP listener (fixed 404, or a redirect to HTTPS when a certificate is set) and
 * an HTTPS listener with a TLS 1.2+ policy. Application stacks add rules to the listeners.
 */
export class LoadBalancer extends Construct {
  public readonly lb: Lb;
  public readonly securityGroup: SecurityGroup;
  public readonly httpListener: LbListener;
  public readonly httpsListener?: LbListener;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const { plan } = props;
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: plan.securityGroupName,
      description: `Load balancer ${plan.name}: listeners from allowed CIDRs only`,
      vpcId: props.vpcId,
    });
    const ports: { name: string; from: number; to: number }[] = [{ name: "http", from: 80, to: 80 }];
    if (plan.certificateArn !== undefined) ports.push({ name: "https", from: 443, to: 443 });
    if (plan.branchPortRange !== undefined) ports.push({ name: "branches", from: plan.branchPortRange.from, to: plan.branchPortRange.to });
    for (const port of ports) {
      for (const cidr of plan.allowedCidrs) {
        new VpcSecurityGroupIngressRule(this, `ingress-${port.name}-${cidr.replace(/[./:]/g, "_")}`, {
          securityGroupId: this.securityGroup.id,
          description: `${port.name} from ${cidr}`,
          ipProtocol: "tcp",
          fromPort: port.from,
          toPort: port.to,
          cidrIpv4: cidr,
        });
      }
    }
    new VpcSecurityGroupEgressRule(this, "egress-vpc", {
      securityGroupId: this.securityGroup.id,
      description: "To targets inside the VPC",
      ipProtocol: "-1",
      cidrIpv4: props.vpcCidr,
    });
    const made = albWithListeners(this, plan, {
      name: plan.name,
      securityGroupId: this.securityGroup.id,
      subnets: plan.internal ? props.privateSubnetIds : props.publicSubnetIds,
    });
    this.lb = made.lb;
    this.httpListener = made.httpListener;
    if (made.httpsListener !== undefined) this.httpsListener = made.httpsListener;
  }
}

/** What `albWithListeners` makes. */
export interface AlbWithListeners {
  readonly lb: Lb;
  readonly httpListener: LbListener;
  readonly httpsListener?: LbListener;
}

/**
 * One ALB of the pool with its base listeners (80, and 443 with a certificate) and its WAF
 * association, made in `scope` with the ids "alb", "http", "https" and "waf": ALB 1 in the
 * LoadBalancer construct (the addresses it always had), the pool's others in PoolLoadBalancer.
 */
export function albWithListeners(
  scope: Construct,
  plan: LoadBalancerPlan,
  alb: { readonly name: string; readonly securityGroupId: string; readonly subnets: string[] },
): AlbWithListeners {
  const lb = new Lb(scope, "alb", {
    name: alb.name,
    internal: plan.internal,
    loadBalancerType: "application",
    securityGroups: [alb.securityGroupId],
    subnets: alb.subnets,
    dropInvalidHeaderFields: true,
    idleTimeout: plan.idleTimeoutSeconds,
    enableDeletionProtection: plan.deletionProtection,
    ...(plan.accessLogsBucket !== undefined ? { accessLogs: { bucket: plan.accessLogsBucket, enabled: true, prefix: alb.name } } : {}),
    tags: { Exposure: plan.internal ? "internal" : "public" },
  });
  const httpListener = new LbListener(scope, "http", {
    loadBalancerArn: lb.arn,
    port: 80,
    protocol: "HTTP",
    defaultAction: [
      plan.certificateArn !== undefined ? { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } } : NOT_FOUND_ACTION,
    ],
  });
  const httpsListener =
    plan.certificateArn !== undefined
      ? new LbListener(scope, "https", {
          loadBalancerArn: lb.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: plan.sslPolicy,
          certificateArn: plan.certificateArn,
          defaultAction: [NOT_FOUND_ACTION],
        })
      : undefined;
  if (plan.wafAclArn !== undefined) {
    const { Wafv2WebAclAssociation } = require("@cdktf/provider-aws/lib/wafv2-web-acl-association") as {
      Wafv2WebAclAssociation: typeof Wafv2WebAclAssociationType;
    };
    new Wafv2WebAclAssociation(scope, "waf", { resourceArn: lb.arn, webAclArn: plan.wafAclArn });
  }
  return { lb, httpListener, ...(httpsListener !== undefined ? { httpsListener } : {}) };
}

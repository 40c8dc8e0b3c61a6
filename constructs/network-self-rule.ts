import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Construct } from "constructs";

export interface NetworkSelfRuleProps {
  /** The compose network's security group. */
  readonly securityGroupId: string;
  /** Compose network name (for the description). */
  readonly network: string;
}

/**
 * Members of a compose network reach each other on every port, as docker compose promises: one
 * ingress rule on the network's group whose source is the group itself. It is an
 * `aws_security_group_rule` with `self = true` (the group has no other rules, so nothing mixes
 * rule resources on it): a self rule is the one all-ports ingress the security checklist allows,
 * and checkers recognise it only in this form.
 */
export class NetworkSelfRule extends Construct {
  public readonly rule: SecurityGroupRule;

  constructor(scope: Construct, id: string, props: NetworkSelfRuleProps) {
    super(scope, id);
    this.rule = new SecurityGroupRule(this, "self", {
      type: "ingress",
      securityGroupId: props.securityGroupId,
      selfAttribute: true,
      protocol: "-1",
      fromPort: 0,
      toPort: 0,
      description: `Every port from members of compose network ${props.network}, as docker compose allows`,
    });
  }
}

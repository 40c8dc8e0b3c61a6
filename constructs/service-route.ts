import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import { RoutePlan } from "../planner/plan";

export interface ServiceRouteProps {
  /** Target group name, health check, conditions and priority (planner/plan.ts). */
  readonly plan: RoutePlan;
  readonly vpcId: string;
  /** Listener the rule is added to. */
  readonly listenerArn: string;
  /** Tags for both resources. @default {} */
  readonly tags?: Record<string, string>;
}

/** A target group (IP targets, as awsvpc tasks need; HTTPS when the app serves TLS) and the listener rule forwarding to it. */
export class ServiceRoute extends Construct {
  public readonly targetGroup: LbTargetGroup;
  public readonly rule: LbListenerRule;

  constructor(scope: Construct, id: string, props: ServiceRouteProps) {
    super(scope, id);
    const { plan } = props;
    const tags = props.tags ?? {};
    const hc = plan.healthCheck;
    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: plan.targetGroupName,
      port: plan.containerPort,
      protocol: plan.protocol,
      targetType: "ip",
      vpcId: props.vpcId,
      deregistrationDelay: String(plan.deregistrationDelaySeconds),
      healthCheck: {
        enabled: true,
        path: hc.path,
        protocol: plan.protocol,
        port: "traffic-port",
        matcher: hc.matcher,
        interval: hc.intervalSeconds,
        timeout: hc.timeoutSeconds,
        healthyThreshold: hc.healthyThreshold,
        unhealthyThreshold: hc.unhealthyThreshold,
      },
      tags,
    });
    this.rule = new LbListenerRule(this, "rule", {
      listenerArn: props.listenerArn,
      priority: plan.priority,
      action: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      condition: [...(plan.hosts.length > 0 ? [{ hostHeader: { values: [...plan.hosts] } }] : []), { pathPattern: { values: [...plan.paths] } }],
      tags,
    });
  }
}

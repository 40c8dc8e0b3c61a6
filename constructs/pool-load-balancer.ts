import { Lb } from "@cdktf/provider-aws/lib/lb";
import { Construct } from "constructs";
import { LoadBalancerPlan, PoolAlbPlan } from "../planner/plan";
import { albWithListeners } from "./load-balancer";

export interface PoolLoadBalancerProps {
  /** The settings every ALB of the pool shares (planner/plan.ts). */
  readonly plan: LoadBalancerPlan;
  /** Which ALB of the pool (index 2 and up) and its name. */
  readonly member: PoolAlbPlan;
  /** The security group of ALB 1, shared by the whole pool. */
  readonly securityGroupId: string;
  /** Subnets: public ones for an internet-facing pool, private ones for an internal one. */
  readonly subnets: string[];
}

/**
 * An ALB of the pool beyond the first (loadBalancer.pool): ALB 1's settings and security group,
 * its own listeners on 80 (and 443), so branches placed on it add their rules and listeners
 * there. Its resources are new ones: ALB 1 (the LoadBalancer construct) is left as it was.
 */
export class PoolLoadBalancer extends Construct {
  public readonly lb: Lb;

  constructor(scope: Construct, id: string, props: PoolLoadBalancerProps) {
    super(scope, id);
    this.lb = albWithListeners(this, props.plan, { name: props.member.name, securityGroupId: props.securityGroupId, subnets: props.subnets }).lb;
  }
}

import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { Construct } from "constructs";
import { NOT_FOUND_ACTION } from "./load-balancer";

export interface BranchListenerProps {
  /** The shared load balancer. */
  readonly loadBalancerArn: string;
  /** The branch's port, decided by the planner from its slot (planner/slots.ts listenerPort). */
  readonly port: number;
}

/**
 * A branch's own HTTP listener on the shared load balancer (branch environments without a
 * domain): the seed's "random port", made stable by the slot. Unmatched paths get a 404.
 */
export class BranchListener extends Construct {
  public readonly listener: LbListener;

  constructor(scope: Construct, id: string, props: BranchListenerProps) {
    super(scope, id);
    this.listener = new LbListener(this, "listener", {
      loadBalancerArn: props.loadBalancerArn,
      port: props.port,
      protocol: "HTTP",
      defaultAction: [NOT_FOUND_ACTION],
    });
  }
}

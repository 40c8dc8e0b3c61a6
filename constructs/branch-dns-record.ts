import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Construct } from "constructs";

export interface BranchDnsRecordProps {
  /** Route 53 hosted zone of the domain (loadBalancer.hostedZoneId). */
  readonly zoneId: string;
  /** `<slug>.<domain>`. */
  readonly name: string;
  /** The branch's ALB, as looked up from the base. */
  readonly loadBalancer: { readonly dnsName: string; readonly zoneId: string };
}

/**
 * A branch's own host name, an alias A record of the ALB its slot record places it on: with a
 * pool of ALBs one wildcard record cannot serve every branch. Destroyed with the branch.
 */
export class BranchDnsRecord extends Construct {
  public readonly record: Route53Record;

  constructor(scope: Construct, id: string, props: BranchDnsRecordProps) {
    super(scope, id);
    this.record = new Route53Record(this, "alias", {
      zoneId: props.zoneId,
      name: props.name,
      type: "A",
      alias: { name: props.loadBalancer.dnsName, zoneId: props.loadBalancer.zoneId, evaluateTargetHealth: false },
    });
  }
}

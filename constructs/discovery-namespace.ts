import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { Construct } from "constructs";

export interface DiscoveryNamespaceProps {
  /** DNS name of the namespace, e.g. `feature-x.qa.shop.internal`. */
  readonly name: string;
  /** VPC the private zone is attached to. */
  readonly vpcId: string;
}

/**
 * A Cloud Map private DNS namespace for one application stack: each compose service
 * registers under its compose name, so `redis:6379` resolves inside the stack's tasks.
 */
export class DiscoveryNamespace extends Construct {
  public readonly namespace: ServiceDiscoveryPrivateDnsNamespace;

  constructor(scope: Construct, id: string, props: DiscoveryNamespaceProps) {
    super(scope, id);
    this.namespace = new ServiceDiscoveryPrivateDnsNamespace(this, "namespace", {
      name: props.name,
      vpc: props.vpcId,
      description: "compose service names",
    });
  }
}

import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { Construct } from "constructs";
import { ClusterPlan } from "../planner/plan";
import type { Ec2Capacity as Ec2CapacityType } from "./ec2-capacity";

export interface ClusterProps {
  /** Name, capacity kind and EC2 settings (planner/plan.ts). */
  readonly plan: ClusterPlan;
  /** VPC for EC2 capacity; unused for Fargate. */
  readonly vpcId: string;
  /** VPC CIDR for the EC2 instances' egress. */
  readonly vpcCidr: string;
  /** Subnets for EC2 instances; unused for Fargate. */
  readonly privateSubnetIds: string[];
}

/**
 * The ECS cluster with FARGATE and FARGATE_SPOT capacity providers (the default strategy
 * follows `capacity.kind`), or EC2 capacity; ECS Exec sessions are logged (DEFAULT).
 */
export class Cluster extends Construct {
  public readonly cluster: EcsCluster;
  /** The capacity provider tasks should use by default. */
  public readonly defaultCapacityProvider: string;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const { plan } = props;
    this.cluster = new EcsCluster(this, "cluster", {
      name: plan.name,
      setting: [{ name: "containerInsights", value: plan.containerInsights ? "enabled" : "disabled" }],
      configuration: { executeCommandConfiguration: { logging: "DEFAULT" } },
    });
    const providers = ["FARGATE", "FARGATE_SPOT"];
    let defaultProvider = plan.kind === "fargate-spot" ? "FARGATE_SPOT" : "FARGATE";
    if (plan.kind === "ec2" && plan.ec2 !== undefined) {
      // Loaded only when used: the launch template and ASG classes are the largest provider modules.
      const { Ec2Capacity } = require("./ec2-capacity") as { Ec2Capacity: typeof Ec2CapacityType };
      const ec2 = new Ec2Capacity(this, "ec2", {
        plan: plan.ec2,
        clusterName: plan.name,
        vpcId: props.vpcId,
        vpcCidr: props.vpcCidr,
        subnetIds: props.privateSubnetIds,
      });
      providers.push(ec2.capacityProvider.name);
      defaultProvider = ec2.capacityProvider.name;
    }
    this.defaultCapacityProvider = defaultProvider;
    new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: this.cluster.name,
      capacityProviders: providers,
      defaultCapacityProviderStrategy: [{ capacityProvider: defaultProvider, weight: 1, base: 0 }],
    });
  }
}

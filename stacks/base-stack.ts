import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Cluster } from "../constructs/cluster";
import { LoadBalancer } from "../constructs/load-balancer";
import { Network } from "../constructs/network";
import { NetworkLoadBalancer } from "../constructs/network-load-balancer";
import { PoolLoadBalancer } from "../constructs/pool-load-balancer";
import { Plan } from "../planner/plan";
import { configureBackend } from "./backend";
import { literalPlan } from "./terraform-literal";
import { configureProvider } from "./provider";

export interface StackOptions {
  /** The project directory (local state lives under it). */
  readonly projectDir: string;
  /** Final output directory; local state paths are relative to `<outDir>/stacks/<stack>`. */
  readonly outDir: string;
  /** One AWS endpoint for every service (an emulator). @default undefined (real AWS) */
  readonly endpoint?: string;
}

/**
 * `<env>-base`: what every application stack of an environment shares and looks up by name:
 * network, ECS cluster and capacity, load balancer with its security group and listeners.
 */
export class BaseStack extends TerraformStack {
  constructor(scope: Construct, composePlan: Plan, options: StackOptions) {
    // Every string of the plan is user text to Terraform: made literal once, here.
    const plan = literalPlan(composePlan);
    const base = plan.base;
    super(scope, base.stackName);
    configureProvider(this, { env: plan.env, project: plan.project, stackName: base.stackName, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
    configureBackend(this, { env: plan.env, stateName: "base", projectDir: options.projectDir, stackDir: `${options.outDir}/stacks/${base.stackName}` });

    const net = base.network;
    let vpcId: string;
    let vpcCidr: string;
    let publicSubnetIds: string[];
    let privateSubnetIds: string[];
    if (net.kind === "new") {
      const network = new Network(this, "network", {
        vpcName: net.vpcName,
        cidr: net.cidr,
        publicSubnets: net.publicSubnets,
        privateSubnets: net.privateSubnets,
        nat: net.nat,
        ...(net.flowLogs ? { flowLogs: net.flowLogs } : {}),
        logRetentionDays: plan.app.logRetentionDays,
      });
      vpcId = network.vpc.id;
      vpcCidr = network.vpc.cidrBlock;
      publicSubnetIds = network.publicSubnetIds;
      privateSubnetIds = network.privateSubnetIds;
    } else {
      // An existing VPC: only its CIDR is read, for security group rules.
      const vpc = new DataAwsVpc(this, "vpc", { id: net.vpcId });
      vpcId = vpc.id;
      vpcCidr = vpc.cidrBlock;
      publicSubnetIds = [...net.publicSubnetIds];
      privateSubnetIds = [...net.privateSubnetIds];
    }
    const cluster = new Cluster(this, "cluster", { plan: base.cluster, vpcId, vpcCidr, privateSubnetIds });
    const lb = new LoadBalancer(this, "load-balancer", { plan: base.loadBalancer, vpcId, vpcCidr, publicSubnetIds, privateSubnetIds });
    if (base.networkLoadBalancer !== undefined) {
      const nlb = new NetworkLoadBalancer(this, "network-load-balancer", { plan: base.networkLoadBalancer, vpcId, vpcCidr, publicSubnetIds, privateSubnetIds });
      new TerraformOutput(this, "network_load_balancer_dns_name", { value: nlb.lb.dnsName });
    }
    new TerraformOutput(this, "cluster_name", { value: cluster.cluster.name });
    new TerraformOutput(this, "load_balancer_dns_name", { value: lb.lb.dnsName });
    // ALB 1 is the LoadBalancer above, unchanged; the pool's others are added beside it, with ids from their names.
    for (const member of base.loadBalancer.pool.filter((m) => m.index > 1)) {
      const extra = new PoolLoadBalancer(this, `load-balancer-${member.name}`, {
        plan: base.loadBalancer,
        member,
        securityGroupId: lb.securityGroup.id,
        subnets: base.loadBalancer.internal ? privateSubnetIds : publicSubnetIds,
      });
      new TerraformOutput(this, `load_balancer_${member.index}_dns_name`, { value: extra.lb.dnsName });
    }
  }
}

import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { NatMode } from "../config/environment-model";
import { FlowLogPlan, SubnetPlan } from "../planner/plan";
import { VpcFlowLogs } from "./vpc-flow-logs";

/** Tag the application stacks use to find the private and public subnets by lookup. */
export const TIER_TAG = "compose2ecs:tier";

export interface NetworkProps {
  /** Name tag of the VPC (application stacks look it up by this). */
  readonly vpcName: string;
  /** VPC CIDR block. @default "10.0.0.0/16" */
  readonly cidr?: string;
  /** One public subnet per AZ (ALB, NAT gateways). */
  readonly publicSubnets: readonly SubnetPlan[];
  /** One private subnet per AZ (tasks, EFS mount targets). */
  readonly privateSubnets: readonly SubnetPlan[];
  /** NAT for private subnets: none, one shared, or one per AZ. @default "single" */
  readonly nat?: NatMode;
  /** VPC flow logs. @default undefined (none) */
  readonly flowLogs?: FlowLogPlan;
  /** Flow-log retention in days. @default 365 */
  readonly logRetentionDays?: number;
}

/**
 * A new VPC with public and private subnets over 2-3 AZs, an internet gateway, route
 * tables, and NAT gateways as configured. Construct ids come from AZ names, so adding an AZ
 * never renames another AZ's resources.
 */
export class Network extends Construct {
  public readonly vpc: Vpc;
  public readonly publicSubnetIds: string[];
  public readonly privateSubnetIds: string[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const nat = props.nat ?? "single";
    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr ?? "10.0.0.0/16",
      // Cloud Map private DNS namespaces need both.
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.vpcName },
    });
    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: props.vpcName } });

    const publicTable = new RouteTable(this, "public-routes", { vpcId: this.vpc.id, tags: { Name: `${props.vpcName}-public` } });
    new Route(this, "public-default-route", { routeTableId: publicTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
    const publicSubnets = props.publicSubnets.map((s) => {
      const subnet = new Subnet(this, `public-${s.az}`, {
        vpcId: this.vpc.id,
        cidrBlock: s.cidr,
        availabilityZone: s.az,
        // Nothing in a public subnet needs an automatic public IP: the ALB and NAT have their own.
        mapPublicIpOnLaunch: false,
        tags: { Name: s.name, [TIER_TAG]: "public" },
      });
      new RouteTableAssociation(this, `public-${s.az}-routes`, { subnetId: subnet.id, routeTableId: publicTable.id });
      return { plan: s, subnet };
    });
    this.publicSubnetIds = publicSubnets.map((s) => s.subnet.id);

    const natIds = new Map<string, string>();
    const natAzs = nat === "per-az" ? publicSubnets : nat === "single" ? publicSubnets.slice(0, 1) : [];
    for (const s of natAzs) {
      const eip = new Eip(this, `nat-${s.plan.az}-ip`, { domain: "vpc", tags: { Name: `${props.vpcName}-nat-${s.plan.az}` } });
      const gateway = new NatGateway(this, `nat-${s.plan.az}`, {
        allocationId: eip.allocationId,
        subnetId: s.subnet.id,
        tags: { Name: `${props.vpcName}-${s.plan.az}` },
        dependsOn: [igw],
      });
      natIds.set(s.plan.az, gateway.id);
    }
    const sharedNat = natAzs[0] ? natIds.get(natAzs[0].plan.az) : undefined;

    this.privateSubnetIds = props.privateSubnets.map((s) => {
      const subnet = new Subnet(this, `private-${s.az}`, {
        vpcId: this.vpc.id,
        cidrBlock: s.cidr,
        availabilityZone: s.az,
        mapPublicIpOnLaunch: false,
        tags: { Name: s.name, [TIER_TAG]: "private" },
      });
      const table = new RouteTable(this, `private-${s.az}-routes`, { vpcId: this.vpc.id, tags: { Name: `${s.name}` } });
      const natId = nat === "per-az" ? natIds.get(s.az) : sharedNat;
      if (natId !== undefined) {
        new Route(this, `private-${s.az}-default-route`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natId });
      }
      new RouteTableAssociation(this, `private-${s.az}-association`, { subnetId: subnet.id, routeTableId: table.id });
      return subnet.id;
    });

    if (props.flowLogs !== undefined) {
      new VpcFlowLogs(this, "flow-logs", {
        vpcId: this.vpc.id,
        logGroupName: props.flowLogs.logGroupName,
        roleName: props.flowLogs.roleName,
        ...(props.logRetentionDays !== undefined ? { retentionDays: props.logRetentionDays } : {}),
      });
    }
  }
}

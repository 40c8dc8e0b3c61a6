import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Construct } from "constructs";
import { Ec2CapacityPlan } from "../planner/plan";
import { trustPolicy } from "./iam-policy";

export interface Ec2CapacityProps {
  /** Names, sizes and the AMI parameter (planner/plan.ts). */
  readonly plan: Ec2CapacityPlan;
  /** Cluster the instances join (written to /etc/ecs/ecs.config). */
  readonly clusterName: string;
  readonly vpcId: string;
  /** VPC CIDR: instances talk to tasks and AWS endpoints inside it. */
  readonly vpcCidr: string;
  /** Subnets the instances run in (private). */
  readonly subnetIds: string[];
}

/**
 * EC2 capacity as the seed's `ecs-cli up --size 2 --instance-type t2.micro` made it: a launch
 * template with the ECS-optimised AMI (from SSM), an auto scaling group, and an ECS capacity
 * provider with managed scaling.
 */
export class Ec2Capacity extends Construct {
  public readonly capacityProvider: EcsCapacityProvider;

  constructor(scope: Construct, id: string, props: Ec2CapacityProps) {
    super(scope, id);
    const { plan } = props;
    const ami = new DataAwsSsmParameter(this, "ami", { name: plan.amiSsmParameter });
    const role = new IamRole(this, "instance-role", { name: plan.instanceRoleName, assumeRolePolicy: trustPolicy("ec2.amazonaws.com") });
    new IamRolePolicyAttachment(this, "instance-role-ecs", {
      role: role.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    });
    const profile = new IamInstanceProfile(this, "instance-profile", { name: plan.instanceProfileName, role: role.name });
    const sg = new SecurityGroup(this, "instance-sg", {
      name: plan.securityGroupName,
      description: "ECS container instances: no inbound, outbound HTTPS and VPC only",
      vpcId: props.vpcId,
    });
    new VpcSecurityGroupEgressRule(this, "instance-https-out", {
      securityGroupId: sg.id,
      description: "HTTPS to ECS, ECR and other AWS APIs",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    new VpcSecurityGroupEgressRule(this, "instance-vpc-out", {
      securityGroupId: sg.id,
      description: "Anything inside the VPC (DNS, endpoints)",
      ipProtocol: "-1",
      cidrIpv4: props.vpcCidr,
    });
    const template = new LaunchTemplate(this, "launch-template", {
      name: plan.launchTemplateName,
      imageId: ami.value,
      instanceType: plan.instanceType,
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [sg.id],
      // IMDSv2 only; hop limit 1 keeps task containers away from the instance role.
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      userData: Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${props.clusterName} >> /etc/ecs/ecs.config\n`).toString("base64"),
    });
    const group = new AutoscalingGroup(this, "asg", {
      name: plan.autoScalingGroupName,
      minSize: plan.minSize,
      maxSize: plan.maxSize,
      desiredCapacity: plan.desiredSize,
      vpcZoneIdentifier: props.subnetIds,
      launchTemplate: { id: template.id, version: "$Latest" },
      // ECS managed scaling owns the size; the tag lets it.
      tag: [{ key: "AmazonECSManaged", value: "true", propagateAtLaunch: true }],
      lifecycle: { ignoreChanges: ["desired_capacity"] },
    });
    this.capacityProvider = new EcsCapacityProvider(this, "capacity-provider", {
      name: plan.capacityProviderName,
      autoScalingGroupProvider: {
        autoScalingGroupArn: group.arn,
        managedTerminationProtection: "DISABLED",
        managedScaling: { status: "ENABLED", targetCapacity: 100 },
      },
    });
  }
}

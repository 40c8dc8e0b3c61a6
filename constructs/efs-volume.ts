import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, TerraformCount, Token } from "cdktf";
import { Construct } from "constructs";
import { EfsVolumePlan } from "../planner/plan";

export interface EfsVolumeProps {
  /** Names, owner and users (planner/plan.ts). */
  readonly plan: EfsVolumePlan;
  readonly vpcId: string;
  /** One mount target per private subnet. */
  readonly subnetIds: string[];
}

/**
 * A named compose volume on ECS: an encrypted EFS file system, one mount target per private
 * subnet, an access point rooted at /data, and a security group that services mounting it
 * are admitted to (NFS, port 2049) with `allowFrom`. Where the plan protects the data, AWS
 * Backup takes daily backups (the EFS backup policy) and Terraform refuses to destroy the file
 * system (`prevent_destroy`).
 */
export class EfsVolume extends Construct {
  public readonly fileSystem: EfsFileSystem;
  public readonly accessPoint: EfsAccessPoint;
  public readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: EfsVolumeProps) {
    super(scope, id);
    const { plan } = props;
    this.fileSystem = new EfsFileSystem(this, "file-system", {
      creationToken: plan.creationToken,
      encrypted: true,
      tags: { Name: plan.fileSystemName },
      ...(plan.preventDestroy === true ? { lifecycle: { preventDestroy: true } } : {}),
    });
    if (plan.backup === true) {
      new EfsBackupPolicy(this, "backup-policy", { fileSystemId: this.fileSystem.id, backupPolicy: { status: "ENABLED" } });
    }
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: plan.securityGroupName,
      description: `EFS volume ${plan.name}: NFS from the services that mount it`,
      vpcId: props.vpcId,
    });
    // The subnets may come from a lookup (unknown until plan), so count over the list.
    const count = TerraformCount.of(Token.asNumber(Fn.lengthOf(props.subnetIds)));
    new EfsMountTarget(this, "mount-target", {
      count,
      fileSystemId: this.fileSystem.id,
      subnetId: Token.asString(Fn.element(props.subnetIds, Token.asNumber(count.index))),
      securityGroups: [this.securityGroup.id],
    });
    this.accessPoint = new EfsAccessPoint(this, "access-point", {
      fileSystemId: this.fileSystem.id,
      rootDirectory: {
        path: "/data",
        creationInfo: { ownerUid: plan.owner.uid, ownerGid: plan.owner.gid, permissions: "0775" },
      },
      tags: { Name: plan.fileSystemName },
    });
  }

  /** Admits NFS from a service's security group. */
  public allowFrom(serviceId: string, securityGroupId: string): void {
    new VpcSecurityGroupIngressRule(this, `nfs-from-${serviceId}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: securityGroupId,
      description: `NFS from service ${serviceId}`,
      ipProtocol: "tcp",
      fromPort: 2049,
      toPort: 2049,
    });
  }
}

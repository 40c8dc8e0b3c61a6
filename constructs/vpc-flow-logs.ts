import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { policyDocument, trustPolicy } from "./iam-policy";

export interface VpcFlowLogsProps {
  /** VPC whose traffic is logged. */
  readonly vpcId: string;
  /** CloudWatch log group name for the flow log records. */
  readonly logGroupName: string;
  /** IAM role the flow-logs service assumes to write them. */
  readonly roleName: string;
  /** Days CloudWatch keeps the records. @default 365 */
  readonly retentionDays?: number;
}

/** VPC flow logs (all traffic) to a CloudWatch log group with retention. */
export class VpcFlowLogs extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  public readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 365;
    this.logGroup = new CloudwatchLogGroup(this, "log-group", { name: props.logGroupName, retentionInDays: retentionDays });
    const role = new IamRole(this, "role", { name: props.roleName, assumeRolePolicy: trustPolicy("vpc-flow-logs.amazonaws.com") });
    new IamRolePolicy(this, "policy", {
      name: "write-flow-logs",
      role: role.id,
      policy: policyDocument([
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [`${this.logGroup.arn}:*`],
        },
      ]),
    });
    this.flowLog = new FlowLog(this, "flow-log", {
      vpcId: props.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: role.arn,
    });
  }
}

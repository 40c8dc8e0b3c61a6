import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamStatement } from "../compose/model";
import { Construct } from "constructs";
import { PolicyStatement, policyDocument, trustPolicy } from "./iam-policy";

export interface TaskRolesProps {
  /** Name of the execution role (ECS agent: pull, logs, secrets). */
  readonly executionRoleName: string;
  /** Name of the task role (the application's own identity). */
  readonly taskRoleName: string;
  /** ARN of the service's log group. */
  readonly logGroupArn: string;
  /** ARNs of the ECR repositories the task pulls from. @default [] */
  readonly repositoryArns?: readonly string[];
  /** ARNs of the Secrets Manager secrets injected into containers (and registry credentials). @default [] */
  readonly secretArns?: readonly string[];
  /** ARNs of the SSM parameters injected into containers. @default [] */
  readonly parameterArns?: readonly string[];
  /** Managed policies the task role holds (the application's permissions). @default [] */
  readonly taskPolicyArns?: readonly string[];
  /** Inline statements of the task role (the application's permissions). @default [] */
  readonly taskStatements?: readonly IamStatement[];
  /** ARNs of the EFS file systems the task mounts (IAM-authorised). @default [] */
  readonly efsFileSystemArns?: readonly string[];
  /** Tags for both roles. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A task's two roles, kept apart (an app never holds its agent's rights): the execution role
 * with only what starting the task needs, each action scoped to its resources (the
 * AmazonECSTaskExecutionRolePolicy actions, narrowed), and the task role, which holds EFS client
 * access when volumes are mounted and the permissions the compose file grants the application.
 */
export class TaskRoles extends Construct {
  public readonly executionRole: IamRole;
  public readonly taskRole: IamRole;

  constructor(scope: Construct, id: string, props: TaskRolesProps) {
    super(scope, id);
    const tags = props.tags ?? {};
    const repositories = props.repositoryArns ?? [];
    const secrets = props.secretArns ?? [];
    const efs = props.efsFileSystemArns ?? [];
    const parameters = props.parameterArns ?? [];
    this.executionRole = new IamRole(this, "execution-role", {
      name: props.executionRoleName,
      assumeRolePolicy: trustPolicy("ecs-tasks.amazonaws.com"),
      tags,
    });
    const statements: PolicyStatement[] = [
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${props.logGroupArn}:*`] },
    ];
    if (repositories.length > 0) {
      // GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
      statements.push({ Sid: "EcrAuth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" });
      statements.push({
        Sid: "EcrPull",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Resource: [...repositories],
      });
    }
    if (secrets.length > 0) {
      statements.push({ Sid: "Secrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...secrets] });
    }
    if (parameters.length > 0) {
      statements.push({ Sid: "Parameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [...parameters] });
    }
    new IamRolePolicy(this, "execution-policy", { name: "task-execution", role: this.executionRole.id, policy: policyDocument(statements) });

    this.taskRole = new IamRole(this, "task-role", {
      name: props.taskRoleName,
      assumeRolePolicy: trustPolicy("ecs-tasks.amazonaws.com"),
      tags,
    });
    if (efs.length > 0) {
      new IamRolePolicy(this, "task-policy", {
        name: "efs-client",
        role: this.taskRole.id,
        policy: policyDocument([
          {
            Sid: "EfsMount",
            Effect: "Allow",
            Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            Resource: [...efs],
          },
        ]),
      });
    }
    const taskStatements = props.taskStatements ?? [];
    if (taskStatements.length > 0) {
      new IamRolePolicy(this, "task-permissions", { name: "task-permissions", role: this.taskRole.id, policy: policyDocument(taskStatements) });
    }
    for (const arn of props.taskPolicyArns ?? []) {
      // The id is the policy's own ARN (made a valid id), never its position in the list.
      new IamRolePolicyAttachment(this, `policy-${arn.replace(/[^A-Za-z0-9]+/g, "-")}`, { role: this.taskRole.name, policyArn: arn });
    }
  }
}

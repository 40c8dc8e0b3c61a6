import { DataAwsSecretsmanagerSecret } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";
import { SecretVariablePlan } from "../planner/plan";

export interface SecretVariableProps {
  /** The variable and where its value lives (planner/plan.ts). */
  readonly plan: SecretVariablePlan;
  /** AWS region of the stack (SSM parameter ARNs). */
  readonly region: string;
  /** Account and partition of the stack, for SSM parameters given by name. @default undefined (none given by name) */
  readonly identity?: { readonly accountId: string; readonly partition: string };
  /** Days a deleted managed secret can be restored; 0 deletes at once (branch stacks). @default 7 */
  readonly recoveryWindowDays?: number;
}

/**
 * One variable of a service's `secretEnvironment`: a Secrets Manager secret created empty
 * (its value never passes through Terraform: put it with `aws secretsmanager put-secret-value`),
 * an existing secret found by name (metadata only, never its value), or an SSM parameter given
 * by name or ARN. `arn` is what the container's `valueFrom` and the execution role name.
 */
export class SecretVariable extends Construct {
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: SecretVariableProps) {
    super(scope, id);
    const { plan } = props;
    if (plan.kind === "arn") {
      this.arn = plan.ref;
    } else if (plan.store === "ssm") {
      const identity = props.identity;
      if (identity === undefined) throw new Error(`SSM parameter ${plan.ref} needs the stack's account and partition`);
      const path = plan.ref.startsWith("/") ? plan.ref : `/${plan.ref}`;
      this.arn = `arn:${identity.partition}:ssm:${props.region}:${identity.accountId}:parameter${path}`;
    } else if (plan.kind === "lookup") {
      this.arn = new DataAwsSecretsmanagerSecret(this, "secret", { name: plan.ref }).arn;
    } else {
      this.arn = new SecretsmanagerSecret(this, "secret", {
        name: plan.ref,
        description: `variable ${plan.variable} of service "${plan.service}": set its value with aws secretsmanager put-secret-value`,
        recoveryWindowInDays: props.recoveryWindowDays ?? 7,
      }).arn;
    }
  }
}

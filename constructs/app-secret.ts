import { DataAwsSecretsmanagerSecret } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";
import { SecretPlan } from "../planner/plan";

export interface AppSecretProps {
  /** What the compose secret becomes (planner/plan.ts). */
  readonly plan: SecretPlan;
  /** Days a deleted secret can be restored; 0 deletes at once (branch stacks). @default 7 */
  readonly recoveryWindowDays?: number;
}

/**
 * A compose secret on ECS: a Secrets Manager secret created empty (its value never passes
 * through Terraform: put it with `aws secretsmanager put-secret-value`), or an existing one.
 */
export class AppSecret extends Construct {
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    const { plan } = props;
    switch (plan.kind) {
      case "managed":
        this.arn = new SecretsmanagerSecret(this, "secret", {
          name: plan.ref,
          description: `compose secret "${plan.name}": set its value with aws secretsmanager put-secret-value`,
          recoveryWindowInDays: props.recoveryWindowDays ?? 7,
        }).arn;
        break;
      case "lookup":
        this.arn = new DataAwsSecretsmanagerSecret(this, "secret", { name: plan.ref }).arn;
        break;
      case "arn":
        this.arn = plan.ref;
        break;
    }
  }
}

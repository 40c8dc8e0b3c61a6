import { IamStatement, ServiceModel, ServiceOverride } from "../compose/model";

/**
 * What a task may do in AWS: the task role's permissions (the application's own identity:
 * `x-ecs.taskRole`, and the Docker ECS integration's `x-aws-policies` / `x-aws-role`), and
 * what the execution role may pull (private ECR repositories named by `image:`, registry
 * credentials of `x-aws-pull_credentials`).
 */

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]`. */
const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$/;

/** The ARN of the private ECR repository an image reference names, or undefined for other registries. */
export function ecrRepositoryArn(image: string): string | undefined {
  const match = ECR_IMAGE.exec(image);
  if (match === null) return undefined;
  const [, account, region, china, repository] = match;
  const partition = china !== undefined ? "aws-cn" : (region ?? "").startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

export interface TaskPermissions {
  readonly taskRole: { readonly policies: readonly string[]; readonly statements: readonly IamStatement[] };
  readonly pull: { readonly repositoryArns: readonly string[]; readonly credentials: readonly string[] };
}

/** The permissions of one task, made of its services' settings. */
export function taskPermissions(services: readonly { readonly service: ServiceModel; readonly override: ServiceOverride }[]): TaskPermissions {
  const policies = new Set<string>();
  const statements: IamStatement[] = [];
  const repositories = new Set<string>();
  const credentials = new Set<string>();
  for (const { service, override } of services) {
    for (const arn of override.taskRole?.policies ?? []) policies.add(arn);
    for (const arn of service.aws.policies ?? []) policies.add(arn);
    statements.push(...(override.taskRole?.statements ?? []), ...(service.aws.role ?? []));
    if (service.build === undefined && service.image !== undefined) {
      const repository = ecrRepositoryArn(service.image);
      if (repository !== undefined) repositories.add(repository);
    }
    if (service.aws.pullCredentials !== undefined) credentials.add(service.aws.pullCredentials);
  }
  return {
    taskRole: { policies: [...policies].sort(), statements },
    pull: { repositoryArns: [...repositories].sort(), credentials: [...credentials].sort() },
  };
}

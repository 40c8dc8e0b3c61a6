import { EcrRepository as EcrRepositoryResource } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";

export interface EcrRepositoryProps {
  /** Repository name (lower-case, naming module). */
  readonly name: string;
  /** Delete the repository with its images on destroy (branch stacks). @default false */
  readonly forceDelete?: boolean;
  /** Tags for the repository. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * An ECR repository for a service built from source: images are scanned on push, tags are
 * immutable (deploy a new tag, never overwrite one), and images are KMS-encrypted.
 */
export class EcrRepository extends Construct {
  public readonly repository: EcrRepositoryResource;

  constructor(scope: Construct, id: string, props: EcrRepositoryProps) {
    super(scope, id);
    this.repository = new EcrRepositoryResource(this, "repository", {
      name: props.name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS" }],
      forceDelete: props.forceDelete ?? false,
      tags: props.tags ?? {},
    });
  }
}

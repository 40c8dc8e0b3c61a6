import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { relative } from "node:path";
import { EnvironmentConfig } from "../config/environment-model";
import { cloudWorkspaceName, s3StateKey, stateLocation } from "../state/backend";

/** The state a stack's backend block points at (where: state/backend.ts). */
export interface StateTarget {
  readonly env: EnvironmentConfig;
  /** "base", "app", or the branch slug. */
  readonly stateName: string;
  /** Directory of the project (environments/, compose files, the local state folder). */
  readonly projectDir: string;
  /** Directory the stack's Terraform runs in (`<out>/stacks/<stack>`); local state paths are relative to it. */
  readonly stackDir: string;
}

/** Adds the backend block to `stack`. The result works with `cdktf deploy` and with plain terraform in the stack folder. */
export function configureBackend(stack: TerraformStack, target: StateTarget): void {
  const { env } = target;
  const state = env.state;
  switch (state.kind) {
    case "local": {
      const location = stateLocation(env, target.stateName, target.projectDir);
      if (location.kind !== "local") return;
      // Relative to the stack folder so the output works on any clone and any machine.
      new LocalBackend(stack, { path: relative(target.stackDir, location.path) });
      return;
    }
    case "s3": {
      const endpoint = env.aws.endpoint;
      new S3Backend(stack, {
        bucket: state.bucket,
        key: s3StateKey(state.prefix, env.name, target.stateName),
        region: state.region,
        encrypt: true,
        ...(state.kmsKeyId ? { kmsKeyId: state.kmsKeyId } : {}),
        ...(state.dynamodbTable ? { dynamodbTable: state.dynamodbTable } : {}),
        ...(endpoint
          ? {
              endpoints: { s3: endpoint, sts: endpoint, iam: endpoint, dynamodb: endpoint },
              usePathStyle: true,
              skipCredentialsValidation: true,
              skipRequestingAccountId: true,
              skipMetadataApiCheck: true,
              skipRegionValidation: true,
            }
          : {}),
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21 has no typed field for it.
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
      return;
    }
    case "cloud":
      new CloudBackend(stack, {
        hostname: state.hostname,
        organization: state.organization,
        workspaces: new NamedCloudWorkspace(cloudWorkspaceName(state.workspacePrefix, env.name, target.stateName), state.project),
      });
      return;
  }
}

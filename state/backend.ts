import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { isAbsolute, join, relative, resolve } from "node:path";
import { EnvironmentConfig, StateBackendConfig } from "../config/environment-model";

/**
 * Every stack gets its own state: one file, key or workspace per (environment, stack).
 * `stateName` is "base" for the shared stack, the branch slug for a branch stack, and
 * "app" for a non-branch application stack.
 */
export interface StateTarget {
  readonly env: EnvironmentConfig;
  readonly stateName: string;
  /** Directory of the project (environments/, compose files, the local state folder). */
  readonly projectDir: string;
  /** Directory the stack's Terraform runs in (`<out>/stacks/<stack>`); local state paths are relative to it. */
  readonly stackDir: string;
}

/** Where a stack's state lives, independent of cdktf (used by `branches list/gc`). */
export type StateLocation =
  | { readonly kind: "local"; readonly path: string }
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string; readonly region: string }
  | { readonly kind: "cloud"; readonly organization: string; readonly workspace: string };

export function localStateDir(state: Extract<StateBackendConfig, { kind: "local" }>, projectDir: string, envName: string): string {
  return resolve(isAbsolute(state.dir) ? state.dir : join(projectDir, state.dir), envName);
}

export function s3StateKey(prefix: string, envName: string, stateName: string): string {
  return `${prefix}/${envName}/${stateName}.tfstate`;
}

export function cloudWorkspaceName(workspacePrefix: string, envName: string, stateName: string): string {
  return `${workspacePrefix}-${envName}-${stateName}`;
}

export function stateLocation(env: EnvironmentConfig, stateName: string, projectDir: string): StateLocation {
  const state = env.state;
  switch (state.kind) {
    case "local":
      return { kind: "local", path: join(localStateDir(state, projectDir, env.name), `${stateName}.tfstate`) };
    case "s3":
      return { kind: "s3", bucket: state.bucket, key: s3StateKey(state.prefix, env.name, stateName), region: state.region };
    case "cloud":
      return { kind: "cloud", organization: state.organization, workspace: cloudWorkspaceName(state.workspacePrefix, env.name, stateName) };
  }
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

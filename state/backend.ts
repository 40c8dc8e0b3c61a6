import { isAbsolute, join, resolve } from "node:path";
import { EnvironmentConfig, StateBackendConfig } from "../config/environment-model";

/**
 * Every stack gets its own state: one file, key or workspace per (environment, stack).
 * The state name is "base" for the shared stack, the branch slug for a branch stack, and
 * "app" for a non-branch application stack. These functions say where, without cdktf: the
 * backend block itself is written by stacks/backend.ts.
 */

/** Where a stack's state lives (stacks/backend.ts writes it into the backend block; `branches list/gc` read it). */
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

import { Diagnostic } from "../compose/model";
import { EnvironmentConfig } from "../config/environment-model";
import { localStateDir } from "./backend";
import { LocalSlotStore } from "./local-store";
import { SlotStore } from "./priority-slots";
import { s3ClientFor, S3Store } from "./s3-store";

/**
 * Where an environment's branch slots are kept: next to its state, so that everyone who can
 * deploy a branch sees the same slots.
 * - local backend: `<stateDir>/<env>/slots/<n>` and `<stateDir>/<env>/branches/<slug>.json`;
 * - s3 backend: the same keys under `<prefix>/<env>/` in the state bucket;
 * - cloud backend: none. HCP Terraform has no place for small shared files that the backend
 *   block can reach, and listing its workspaces needs its API, so `branches gc` could not tell
 *   a deployed branch from one never deployed and would free slots still in use. Branch
 *   environments keep their state in s3 (or local) instead.
 */

export interface SlotRegistry {
  readonly store: SlotStore;
  /** Where the registry is, for messages. */
  readonly where: string;
}

export function slotRegistryFor(
  env: EnvironmentConfig,
  projectDir: string,
  envVars: NodeJS.ProcessEnv,
): { registry?: SlotRegistry; diagnostics: Diagnostic[] } {
  const state = env.state;
  switch (state.kind) {
    case "local": {
      const dir = localStateDir(state, projectDir, env.name);
      return { registry: { store: new LocalSlotStore(dir), where: dir }, diagnostics: [] };
    }
    case "s3": {
      const store = new S3Store(s3ClientFor(state.region, env.aws.endpoint ?? envVars.COMPOSE2ECS_AWS_ENDPOINT), state.bucket, `${state.prefix}/${env.name}/`);
      return { registry: { store, where: `s3://${state.bucket}/${state.prefix}/${env.name}/` }, diagnostics: [] };
    }
    case "cloud":
      return {
        diagnostics: [
          {
            severity: "error",
            path: "state.backend",
            message:
              `environment ${env.name} keeps its state in HCP Terraform (state.backend: cloud), which has no place for the branch slot registry ` +
              "and whose workspaces compose2ecs cannot list, so branch slots could not be kept safe (a deployed branch's slot could be handed out again); " +
              "use state.backend: s3 for an environment with branches: true",
            ...(env.file ? { location: { file: env.file, line: 1, col: 1 } } : {}),
          },
        ],
      };
  }
}

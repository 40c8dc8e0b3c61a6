import { DEFAULT_LOCAL_STATE } from "../config/defaults";
import { EnvironmentConfig } from "../config/environment-model";
import { localStateDir } from "./backend";
import { allocateSlot, listSlots, LocalSlotRegistry, localSlotStore, releaseSlot, SlotRecord, SlotResult, SlotStore } from "./priority-slots";
import { s3ClientFor, S3Store } from "./s3-store";

/**
 * Where an environment's branch slots are kept: next to its state.
 * - local backend: `<stateDir>/<env>/slots/<n>` and `<stateDir>/<env>/branches/<slug>.json`;
 * - s3 backend: the same keys under `<prefix>/<env>/` in the state bucket;
 * - cloud backend: HCP Terraform has no place for small shared files that the backend
 *   block can reach, so the registry is the project-local folder `.compose2ecs/state/<env>`.
 *   Deploys from several machines at once then need `state.backend: s3` (documented in docs/branches.md).
 */

/** An S3-held registry: the async twin of LocalSlotRegistry. */
export class RemoteSlotRegistry {
  constructor(readonly store: SlotStore, readonly description: string) {}

  allocate(envName: string, branch: string, slug: string, limit: number, now: Date): Promise<SlotResult> {
    return allocateSlot(this.store, envName, branch, slug, limit, now);
  }
}

export type SlotRegistry = LocalSlotRegistry | RemoteSlotRegistry;

export function slotRegistryFor(env: EnvironmentConfig, projectDir: string, envVars: NodeJS.ProcessEnv): SlotRegistry {
  const state = env.state;
  switch (state.kind) {
    case "local":
      return new LocalSlotRegistry(localStateDir(state, projectDir, env.name));
    case "cloud":
      return new LocalSlotRegistry(localStateDir({ kind: "local", dir: DEFAULT_LOCAL_STATE.dir }, projectDir, env.name));
    case "s3": {
      const store = new S3Store(s3ClientFor(state.region, env.aws.endpoint ?? envVars.COMPOSE2ECS_AWS_ENDPOINT), state.bucket, `${state.prefix}/${env.name}/`);
      return new RemoteSlotRegistry(store, `s3://${state.bucket}/${state.prefix}/${env.name}/`);
    }
  }
}

/** The store behind either registry kind, for code shared by both. */
export function storeOf(registry: SlotRegistry): SlotStore {
  return registry instanceof LocalSlotRegistry ? localSlotStore(registry) : registry.store;
}

export function listBranchSlots(registry: SlotRegistry): Promise<readonly SlotRecord[]> {
  return listSlots(storeOf(registry));
}

export function releaseBranchSlot(registry: SlotRegistry, slug: string): Promise<SlotRecord | undefined> {
  return releaseSlot(storeOf(registry), slug);
}

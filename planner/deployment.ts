import { Deploy } from "../compose/model";

/** The seed's rolling update: up to twice the tasks while half keep serving. */
export const DEFAULT_DEPLOYMENT = { maximumPercent: 200, minimumHealthyPercent: 50 } as const;

/**
 * ECS rolling-update percentages from compose `deploy.update_config`: `start-first` starts the
 * new tasks before stopping old ones (keep 100%); `stop-first` (compose's default order) with a
 * parallelism stops at most that many at a time.
 */
export function deploymentPercentages(deploy: Deploy, desiredCount: number): { maximumPercent: number; minimumHealthyPercent: number } {
  const update = deploy.updateConfig;
  if (update === undefined || (update.order === undefined && update.parallelism === undefined)) return { ...DEFAULT_DEPLOYMENT };
  if (update.order === "start-first") {
    return { maximumPercent: 200, minimumHealthyPercent: 100 };
  }
  const parallelism = update.parallelism ?? 1;
  if (desiredCount <= 0 || parallelism <= 0) return { maximumPercent: 100, minimumHealthyPercent: 0 };
  const keep = Math.max(0, desiredCount - parallelism);
  return { maximumPercent: 100, minimumHealthyPercent: Math.floor((keep * 100) / desiredCount) };
}

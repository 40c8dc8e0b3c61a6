import { SourceLocation } from "../compose/model";
import { EnvironmentConfig } from "./environment-model";

/**
 * Where a key of the environment's file is, for messages about it from later stages (the
 * planner): the key itself, else (a default the file does not set) its nearest parent key,
 * else the file. Undefined for the built-in environment, which has no file.
 */
export function environmentLocation(env: EnvironmentConfig, keyPath: string): SourceLocation | undefined {
  if (env.file === undefined) return undefined;
  for (let key = keyPath; key !== ""; key = parentKey(key)) {
    const found = env.locations?.[key];
    if (found !== undefined) return found;
  }
  return { file: env.file, line: 1, col: 1 };
}

function parentKey(keyPath: string): string {
  const cut = Math.max(keyPath.lastIndexOf("."), keyPath.lastIndexOf("["));
  return cut <= 0 ? "" : keyPath.slice(0, cut);
}

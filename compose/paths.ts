import * as os from "os";
import * as path from "path";
import { splitVolumeSpec } from "./merge";
import { RawEntry, RawMap, RawNode, isMap, isScalar, isSeq, withEntry } from "./raw";

/**
 * Relative paths in a compose file are relative to its project directory (the first `-f`
 * file's folder for the main files, the other file's folder for `extends.file`, the
 * include's project_directory for included files). They are made absolute when each file is
 * read, so merging files from different folders keeps each path's meaning
 * (compose-go loader/paths.go). The model turns them back into paths relative to the
 * working directory, so output does not depend on where the checkout lives.
 */
export function resolveRelativePaths(root: RawMap, baseDir: string): RawMap {
  let out = root;
  const services = root.entries.get("services")?.value;
  if (isMap(services))
    out = withEntry(
      out,
      "services",
      mapEntries(services, (svc) => (isMap(svc) ? resolveService(svc, baseDir) : svc)),
    );
  for (const kind of ["secrets", "configs"]) {
    const defs = root.entries.get(kind)?.value;
    if (!isMap(defs)) continue;
    out = withEntry(
      out,
      kind,
      mapEntries(defs, (def) => (isMap(def) ? updateScalar(def, "file", (f) => absolute(f, baseDir)) : def)),
    );
  }
  return out;
}

function resolveService(svc: RawMap, baseDir: string): RawMap {
  let out = svc;
  const build = svc.entries.get("build")?.value;
  if (isScalar(build) && typeof build.value === "string") out = withEntry(out, "build", { ...build, value: contextPath(build.value, baseDir) });
  if (isMap(build))
    out = withEntry(
      out,
      "build",
      updateScalar(build, "context", (c) => contextPath(c, baseDir)),
    );
  for (const key of ["env_file", "label_file"]) {
    const value = svc.entries.get(key)?.value;
    if (value === undefined) continue;
    out = withEntry(out, key, resolveFileList(value, baseDir));
  }
  const extendsNode = svc.entries.get("extends")?.value;
  if (isMap(extendsNode))
    out = withEntry(
      out,
      "extends",
      updateScalar(extendsNode, "file", (f) => absolute(f, baseDir)),
    );
  const volumes = svc.entries.get("volumes")?.value;
  if (isSeq(volumes)) out = withEntry(out, "volumes", { ...volumes, items: volumes.items.map((v) => resolveVolume(v, baseDir)) });
  return out;
}

function resolveFileList(node: RawNode, baseDir: string): RawNode {
  if (isScalar(node) && typeof node.value === "string") return { ...node, value: absolute(node.value, baseDir) };
  if (isSeq(node)) {
    return {
      ...node,
      items: node.items.map((item) =>
        isMap(item)
          ? updateScalar(item, "path", (p) => absolute(p, baseDir))
          : isScalar(item) && typeof item.value === "string"
            ? { ...item, value: absolute(item.value, baseDir) }
            : item,
      ),
    };
  }
  return node;
}

function resolveVolume(item: RawNode, baseDir: string): RawNode {
  if (isScalar(item) && typeof item.value === "string") {
    const parts = splitVolumeSpec(item.value);
    const source = parts[0] ?? "";
    // A Windows path (C:\data) has no meaning on this machine: kept as written, for the report to name.
    if (parts.length < 2 || !isHostPath(source) || isWindowsPath(source)) return item;
    return { ...item, value: [absolute(source, baseDir), ...parts.slice(1)].join(":") };
  }
  if (isMap(item)) {
    const type = item.entries.get("type")?.value;
    if (isScalar(type) && type.value === "bind") return updateScalar(item, "source", (s) => (isWindowsPath(s) ? s : absolute(s, baseDir)));
  }
  return item;
}

/** A Windows drive-letter or UNC path (`C:\data`, `\\server\share`). */
export function isWindowsPath(source: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(source) || source.startsWith("\\\\");
}

/** Short-syntax volume sources that are host paths rather than volume names (compose spec, "volumes"). */
export function isHostPath(source: string): boolean {
  return source.startsWith(".") || source.startsWith("/") || source.startsWith("~") || /^[A-Za-z]:[\\/]/.test(source) || source.startsWith("\\\\");
}

function contextPath(context: string, baseDir: string): string {
  // Remote contexts (git repositories, URLs) are not paths.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith("git@") || context.startsWith("github.com/")) return context;
  return absolute(context, baseDir);
}

export function absolute(file: string, baseDir: string): string {
  if (file === "~" || file.startsWith("~/")) return path.join(os.homedir(), file.slice(1));
  return path.resolve(baseDir, file);
}

function updateScalar(map: RawMap, key: string, fn: (value: string) => string): RawMap {
  const value = map.entries.get(key)?.value;
  if (!isScalar(value) || typeof value.value !== "string") return map;
  return withEntry(map, key, { ...value, value: fn(value.value) });
}

function mapEntries(map: RawMap, fn: (value: RawNode) => RawNode): RawMap {
  const entries = new Map<string, RawEntry>();
  for (const [key, entry] of map.entries) entries.set(key, { ...entry, value: fn(entry.value) });
  return { ...map, entries };
}

/**
 * A path for the model, so output does not depend on where the checkout lives: relative to
 * `workingDir` with forward slashes (`.` for the folder itself) when it is inside it;
 * paths outside it (`/var/run/docker.sock`, `/opt/data`) stay absolute as written.
 */
export function modelPath(file: string, workingDir: string): string {
  if (!path.isAbsolute(file)) return file;
  if (path.resolve(file) === path.resolve(workingDir)) return ".";
  return pathInside(file, workingDir) ?? file;
}

/** `file` relative to `dir` with forward slashes when it is inside `dir`, else undefined. */
export function pathInside(file: string, dir: string): string | undefined {
  const relative = path.relative(dir, file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? undefined : relative.split(path.sep).join("/");
}

/** Build contexts stay relative even outside the working directory (`../shared` in a monorepo). */
export function contextModelPath(context: string, workingDir: string): string {
  if (!path.isAbsolute(context)) return context;
  const relative = path.relative(workingDir, context);
  return relative === "" ? "." : relative.split(path.sep).join("/");
}

/** A bind mount source for the model and messages: `./data` inside the working directory, absolute outside. */
export function bindSourcePath(source: string, workingDir: string): string {
  if (isWindowsPath(source)) return source;
  const shown = modelPath(source, workingDir);
  return path.isAbsolute(shown) || shown.startsWith("~") ? shown : shown === "." ? "./" : `./${shown}`;
}

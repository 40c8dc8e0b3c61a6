import * as path from "path";
import { checkConsistency } from "./consistency";
import { displayPath, error, fileLocation, hasErrors, info, sortDiagnostics } from "./diagnostics";
import { parseDotenv } from "./dotenv";
import { resolveExtends } from "./extends";
import { discoverFiles, readText } from "./files";
import { Variables, interpolateTree } from "./interpolate";
import { mergeProjects } from "./merge";
import { Diagnostic, LoadOptions, LoadResult } from "./model";
import { normaliseProject } from "./normalise";
import { resolveRelativePaths } from "./paths";
import { applyProfiles, parseProfileList } from "./profiles";
import { parseCompose } from "./parse";
import { RawEntry, RawMap, RawNode, formatPath, isMap, isScalar, isSeq, rawMap, scalarText, withEntry } from "./raw";
import { validateSchema } from "./validate-schema";

/** Keys the Compose Specification allows at the top level. */
const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(["version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models"]);

/** Resources an included project contributes (Compose spec, include.md). */
const RESOURCE_KINDS = ["services", "networks", "volumes", "secrets", "configs"] as const;

interface Session {
  readonly diagnostics: Diagnostic[];
  /** Files already read in this load, by absolute path + project directory (extends/include reuse them). */
  readonly cache: Map<string, RawMap | undefined>;
}

/**
 * Loads compose files the way docker compose does and converts them to the app model:
 * parse -> interpolate -> validate (per file) -> include -> merge files -> extends ->
 * profiles -> consistency -> normalise. Never throws for bad input:
 * every problem is a diagnostic with its file, line and compose path.
 */
export function load(options: LoadOptions): LoadResult {
  const workingDir = path.resolve(options.workingDir ?? process.cwd());
  const baseEnv = options.environment ?? process.env;
  const session: Session = { diagnostics: [], cache: new Map() };

  // COMPOSE_FILE and COMPOSE_PROFILES may come from the .env of the folder compose runs in.
  const workingDotenv = readDotenv(path.join(workingDir, ".env"), baseEnv, session);
  const discoveryEnv: Variables = { ...workingDotenv, ...definedOnly(baseEnv) };
  const files = chooseFiles(options, workingDir, discoveryEnv, session);
  if (files === undefined) return finish(session.diagnostics);

  const projectDir = path.resolve(options.projectDirectory ?? path.dirname(files[0] as string));
  const projectDotenv = projectDir === workingDir ? workingDotenv : readDotenv(path.join(projectDir, ".env"), baseEnv, session);
  const variables: Variables = { ...projectDotenv, ...definedOnly(baseEnv) };

  const roots = files.map((file) => loadComposeFile(file, variables, projectDir, session, []));
  if (roots.some((r) => r === undefined) || hasErrors(session.diagnostics)) return finish(session.diagnostics);
  let merged = (roots as RawMap[]).reduce((acc, root) => mergeProjects(acc, root));

  // A missing extends file is reported by resolveExtends at the `extends` key.
  const extended = resolveExtends(merged, files[0] as string, (file) => loadOtherFile(file, variables, session));
  session.diagnostics.push(...extended.diagnostics);
  merged = extended.root;

  const active =
    options.profiles !== undefined && options.profiles.length > 0 ? parseProfileList(options.profiles) : parseProfileList([discoveryEnv.COMPOSE_PROFILES]);
  const profiled = applyProfiles(merged, active);
  merged = profiled.root;

  // Normalising still runs after consistency errors: it finds other problems (bad ports,
  // durations, x-ecs) and the user gets all of them in one run.
  session.diagnostics.push(...checkConsistency(merged, profiled.disabled));

  const normalised = normaliseProject(merged, {
    workingDir,
    projectDir,
    ...(options.projectName !== undefined
      ? { projectName: options.projectName }
      : discoveryEnv.COMPOSE_PROJECT_NAME
        ? { projectName: discoveryEnv.COMPOSE_PROJECT_NAME }
        : {}),
    files,
    variables,
    readText: (file) => readText(file),
  });
  session.diagnostics.push(...normalised.diagnostics);
  if (normalised.project.services.length === 0) {
    const why = profiled.disabled.size > 0 ? ` (every service needs a profile: ${[...profiled.disabled.keys()].sort().join(", ")}; use --profile)` : "";
    session.diagnostics.push(
      error(`no services to deploy${why}`, "services", merged.entries.get("services")?.keyLoc ?? { file: displayPath(files[0] as string), line: 1, col: 1 }),
    );
  }
  if (hasErrors(session.diagnostics)) return finish(session.diagnostics);
  // What each key becomes on ECS is reported after planning (planner/report.ts), from the model and the plan.
  return { project: normalised.project, diagnostics: sortDiagnostics(session.diagnostics) };
}

function finish(diagnostics: readonly Diagnostic[]): LoadResult {
  return { diagnostics: sortDiagnostics(diagnostics) };
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function readDotenv(file: string, env: Variables, session: Session): Record<string, string> {
  const read = readText(file);
  if (!("text" in read)) {
    // No .env is the usual case; one that exists but cannot be read (a FIFO, a device, too large) is not.
    if (read.missing !== true) session.diagnostics.push(error(`${displayPath(file)}: ${read.problem}`, "", fileLocation(file)));
    return {};
  }
  const parsed = parseDotenv(read.text, env);
  for (const p of parsed.problems) session.diagnostics.push(error(p.message, "", { file: displayPath(file), line: p.line, col: 1 }));
  return { ...parsed.values };
}

function chooseFiles(options: LoadOptions, workingDir: string, env: Variables, session: Session): string[] | undefined {
  if (options.files.length > 0) return options.files.map((f) => path.resolve(workingDir, f));
  const found = discoverFiles(workingDir, env);
  if ("problem" in found) {
    session.diagnostics.push(error(found.problem));
    return undefined;
  }
  return [...found.files];
}

/**
 * One file: read, parse, interpolate with `variables`, reject the legacy v1 layout, validate
 * against the schema, make paths absolute against `baseDir`, then splice in its `include`s.
 * Undefined when the file has errors (they are in the session).
 */
function loadComposeFile(
  file: string,
  variables: Variables,
  baseDir: string,
  session: Session,
  includeStack: readonly string[],
  onUnreadable?: (problem: string) => void,
): RawMap | undefined {
  const cacheKey = `${file}\u0000${baseDir}`;
  if (session.cache.has(cacheKey)) return session.cache.get(cacheKey);
  session.cache.set(cacheKey, undefined);
  const shown = displayPath(file);
  const read = readText(file);
  if (!("text" in read)) {
    if (onUnreadable !== undefined) onUnreadable(read.problem);
    else session.diagnostics.push(error(`${shown}: ${read.problem}`));
    return undefined;
  }
  const parsed = parseCompose(read.text, shown);
  session.diagnostics.push(...parsed.diagnostics);
  if (hasErrors(parsed.diagnostics)) return undefined;
  const parsedRoot = parsed.root ?? rawMap([], { file: shown, line: 1, col: 1 });
  if (!isMap(parsedRoot)) return undefined;

  const legacy = legacyLayout(parsedRoot);
  if (legacy !== undefined) {
    session.diagnostics.push(legacy);
    return undefined;
  }
  const version = parsedRoot.entries.get("version");
  if (version !== undefined) session.diagnostics.push(info("the `version` key is obsolete and ignored (Compose Specification)", "version", version.keyLoc));

  const interpolated = interpolateTree(parsedRoot, variables);
  session.diagnostics.push(...interpolated.diagnostics);
  if (hasErrors(interpolated.diagnostics)) return undefined;
  const root = interpolated.root as RawMap;

  const schemaProblems = validateSchema(root);
  session.diagnostics.push(...schemaProblems);
  if (schemaProblems.length > 0) return undefined;

  const resolved = resolveRelativePaths(root, baseDir);
  const result = applyIncludes(resolved, file, variables, session, [...includeStack, file]);
  session.cache.set(cacheKey, result);
  return result;
}

/** An `extends.file`: its tree, or why it could not be read (reported at the `extends` key). */
function loadOtherFile(file: string, variables: Variables, session: Session): RawMap | { readonly problem: string } | undefined {
  let problem: string | undefined;
  const loaded = loadComposeFile(file, variables, path.dirname(file), session, [], (p) => {
    problem = p;
  });
  return loaded ?? (problem !== undefined ? { problem } : undefined);
}

/**
 * Compose v1 files put services at the top level. Schema validation would call every
 * service an unknown key; one message that names the layout is clearer.
 */
function legacyLayout(root: RawMap): Diagnostic | undefined {
  if (root.entries.has("services")) return undefined;
  const services = [...root.entries.values()].filter(
    (e) => !TOP_LEVEL_KEYS.has(e.key) && !e.key.startsWith("x-") && isMap(e.value) && (e.value.entries.has("image") || e.value.entries.has("build")),
  );
  if (services.length === 0) return undefined;
  const names =
    services
      .slice(0, 3)
      .map((e) => e.key)
      .join(", ") + (services.length > 3 ? `, ... (${services.length} in all)` : "");
  const first = services[0] as RawEntry;
  return error(
    `legacy Compose file format (version 1): services are defined at the top level (${names}); move them under a "services:" key`,
    first.key,
    first.keyLoc,
  );
}

interface IncludeSpec {
  readonly paths: string[];
  readonly projectDirectory?: string;
  readonly envFiles: string[];
  readonly node: RawNode;
  readonly index: number;
}

/**
 * `include` (Compose spec, include.md): each entry is loaded as its own project (its own
 * project directory and .env) and its resources are added; a resource defined both in the
 * including file and in an included one is an error.
 */
function applyIncludes(root: RawMap, file: string, parentVars: Variables, session: Session, stack: readonly string[]): RawMap | undefined {
  const include = root.entries.get("include")?.value;
  if (!isSeq(include)) return root;
  let out = withEntry(root, "include", undefined);
  const baseDir = path.dirname(file);
  const specs = include.items.map((item, index) => includeSpec(item, index, baseDir));
  for (const spec of specs) {
    const at = formatPath(["include", spec.index]);
    const first = spec.paths[0];
    if (first === undefined) continue;
    if (spec.paths.some((p) => stack.includes(p))) {
      session.diagnostics.push(error(`include cycle: ${[...stack, first].map((f) => displayPath(f)).join(" -> ")}`, at, spec.node.loc));
      return undefined;
    }
    const projectDir = spec.projectDirectory ?? path.dirname(first);
    const envFiles = spec.envFiles.length > 0 ? spec.envFiles : [path.join(projectDir, ".env")];
    const vars: Record<string, string | undefined> = { ...parentVars };
    for (const envFile of envFiles) {
      const read = readText(envFile);
      if (!("text" in read)) {
        if (spec.envFiles.length > 0 || read.missing !== true)
          session.diagnostics.push(error(`env_file ${displayPath(envFile)}: ${read.problem}`, at, spec.node.loc));
        continue;
      }
      const parsed = parseDotenv(read.text, parentVars);
      for (const [k, v] of Object.entries(parsed.values)) if (parentVars[k] === undefined) vars[k] = v;
    }
    const roots: RawMap[] = [];
    for (const p of spec.paths) {
      const unreadable = (problem: string): void => void session.diagnostics.push(error(`included file ${displayPath(p)}: ${problem}`, at, spec.node.loc));
      const loaded = loadComposeFile(p, vars, projectDir, session, stack, unreadable);
      if (loaded === undefined) {
        if (!session.diagnostics.some((d) => d.message.includes(displayPath(p)) || d.location?.file === displayPath(p))) {
          session.diagnostics.push(error(`included file ${displayPath(p)} could not be loaded`, at, spec.node.loc));
        }
        return undefined;
      }
      roots.push(loaded);
    }
    let sub = roots.reduce((acc, r) => mergeProjects(acc, r));
    const extended = resolveExtends(sub, first, (other) => loadOtherFile(other, vars, session));
    session.diagnostics.push(...extended.diagnostics);
    sub = extended.root;
    out = addIncludedResources(out, sub, first, session);
  }
  return out;
}

function includeSpec(item: RawNode, index: number, baseDir: string): IncludeSpec {
  if (isScalar(item)) return { paths: [path.resolve(baseDir, scalarText(item.value))], envFiles: [], node: item, index };
  const map = isMap(item) ? item : rawMap([]);
  const list = (node: RawNode | undefined): string[] =>
    isScalar(node) && node.value !== null ? [scalarText(node.value)] : isSeq(node) ? node.items.filter(isScalar).map((n) => scalarText(n.value)) : [];
  const dir = map.entries.get("project_directory")?.value;
  return {
    paths: list(map.entries.get("path")?.value).map((p) => path.resolve(baseDir, p)),
    ...(isScalar(dir) && typeof dir.value === "string" ? { projectDirectory: path.resolve(baseDir, dir.value) } : {}),
    envFiles: list(map.entries.get("env_file")?.value).map((p) => path.resolve(baseDir, p)),
    node: item,
    index,
  };
}

function addIncludedResources(root: RawMap, included: RawMap, includedFile: string, session: Session): RawMap {
  let out = root;
  for (const kind of RESOURCE_KINDS) {
    const theirs = included.entries.get(kind)?.value;
    if (!isMap(theirs)) continue;
    const oursNode = out.entries.get(kind)?.value;
    const ours = isMap(oursNode) ? oursNode : rawMap([], theirs.loc);
    const entries = new Map<string, RawEntry>(ours.entries);
    for (const [name, entry] of theirs.entries) {
      const existing = entries.get(name);
      if (existing !== undefined) {
        session.diagnostics.push(
          error(
            `${kind.slice(0, -1)} "${name}" is defined here and in the included file ${displayPath(includedFile)}`,
            formatPath([kind, name]),
            existing.keyLoc,
          ),
        );
        continue;
      }
      entries.set(name, entry);
    }
    out = withEntry(out, kind, { ...ours, entries });
  }
  return out;
}

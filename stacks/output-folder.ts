import {
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { displayPath } from "../compose/diagnostics";
import { readText } from "../compose/files";
import { Diagnostic } from "../compose/model";

/**
 * The synth output folder (`--out`, default `cdktf.out`): what may be replaced, and how.
 *
 * Synth replaces the folder as a whole, so it only does so when the folder is absent, empty,
 * or holds exactly a previous synth (cdktf's layout: `manifest.json` and `stacks/`); anything
 * else (`--out .`, `--out environments`, `--out docker-compose.yml`) is refused before anything
 * is touched. One folder holds every environment's stacks under one manifest: a synth replaces
 * the stacks it writes and keeps the others (qa's next to production's, other branches next to
 * this one). The new folder is built complete in a sibling temporary folder, then swapped in;
 * SIGINT/SIGTERM/SIGHUP remove the temporary folder, and a later run sweeps those left by a
 * process that could not clean up (SIGKILL, power loss).
 */

const MANIFEST = "manifest.json";
const STACKS = "stacks";
/** What cdktf writes into a stack folder; the rest (`.terraform/`, lock file, local state) is the user's. */
const SYNTH_FILES: ReadonlySet<string> = new Set(["cdk.tf.json", "cdk.tf", "metadata.json"]);
/** Stack names cdktf makes folders of: no separators, never `.` or `..`. */
const STACK_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;
/** Leftovers from before temporary folders carried their process id are swept after this long. */
const LEGACY_TEMP_AGE_MS = 10 * 60 * 1000;

type JsonObject = { readonly [key: string]: unknown };

/** A previous synth's manifest entries (cdktf's StackManifest objects), by stack name. */
export type StackEntries = Readonly<Record<string, JsonObject>>;

export type OutputFolder =
  | { readonly kind: "absent"; readonly dir: string }
  | { readonly kind: "empty"; readonly dir: string }
  | { readonly kind: "synth"; readonly dir: string; readonly stacks: StackEntries };

/** The output folder is not one synth may replace: carries the diagnostic to print (exit 1). */
export class OutputFolderError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join("\n"));
  }
}

function refusal(dir: string, why: string): Diagnostic {
  return {
    severity: "error",
    path: "--out",
    message: `${displayPath(dir)} ${why}; synth replaces its output folder, so it must be new, empty, or written by an earlier synth (manifest.json and stacks/ only). Nothing was written`,
  };
}

/**
 * What `outDir` is, or why synth must not replace it. Symbolic links are followed, so the
 * folder they name is checked (and replaced).
 */
export function inspectOutputFolder(outDir: string): { readonly folder: OutputFolder } | { readonly refused: Diagnostic } {
  const given = resolve(outDir);
  let dir = given;
  try {
    if (lstatSync(given).isSymbolicLink()) dir = realpathSync(given);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !isDanglingLink(given)) return { folder: { kind: "absent", dir: given } };
    return { refused: refusal(given, code === "ENOENT" ? "is a symbolic link to nothing" : `cannot be read (${code ?? String(e)})`) };
  }
  const stat = statSync(dir);
  if (!stat.isDirectory()) return { refused: refusal(given, stat.isFile() ? "is a file, not a folder" : "is not a folder") };
  const entries = readdirSync(dir).sort();
  if (entries.length === 0) return { folder: { kind: "empty", dir } };
  const others = entries.filter((e) => e !== MANIFEST && e !== STACKS);
  if (others.length > 0) {
    const shown = others.slice(0, 3).join(", ") + (others.length > 3 ? `, ... (${others.length} in all)` : "");
    return { refused: refusal(given, `holds files that are not synth output (${shown})`) };
  }
  const manifest = readManifest(dir);
  if ("problem" in manifest) return { refused: refusal(given, manifest.problem) };
  const stacksDir = join(dir, STACKS);
  if (!existsSync(stacksDir) || !lstatSync(stacksDir).isDirectory()) return { refused: refusal(given, `has ${MANIFEST} but no ${STACKS}/ folder`) };
  const strays = readdirSync(stacksDir).filter((name) => !STACK_NAME.test(name) || !lstatSync(join(stacksDir, name)).isDirectory());
  if (strays.length > 0) return { refused: refusal(given, `holds ${STACKS}/${strays[0]}, which is not a stack folder`) };
  return { folder: { kind: "synth", dir, stacks: manifest.stacks } };
}

function isDanglingLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A cdktf manifest's stack entries: `{version, stacks: {NAME: {synthesizedStackPath:
 * "stacks/NAME/...", ...}}}`. Entries are kept as written so that a merged manifest is byte for
 * byte what cdktf would write.
 */
function readManifest(dir: string): { readonly stacks: StackEntries } | { readonly problem: string } {
  const read = readText(join(dir, MANIFEST));
  if (!("text" in read)) return { problem: `has a ${MANIFEST} that ${read.problem}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch {
    return { problem: `has a ${MANIFEST} that is not JSON` };
  }
  const manifest = isObject(parsed) ? parsed : {};
  if (typeof manifest.version !== "string" || !isObject(manifest.stacks))
    return { problem: `has a ${MANIFEST} that is not a cdktf manifest (no version and stacks)` };
  const stacks: Record<string, JsonObject> = {};
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    const path = isObject(entry) ? entry.synthesizedStackPath : undefined;
    if (
      !isObject(entry) ||
      !STACK_NAME.test(name) ||
      typeof path !== "string" ||
      !path.startsWith(`${STACKS}/${name}/`) ||
      path.slice(STACKS.length + name.length + 2).includes("/")
    ) {
      return { problem: `has a ${MANIFEST} whose stack ${JSON.stringify(name)} is not a cdktf stack entry (${STACKS}/${name}/<file>)` };
    }
    stacks[name] = entry;
  }
  return { stacks };
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The stacks of the synth output in `outDir` that a synth writing `writing` keeps, for
 * `npx cdktf synth` (main.ts), which writes in place: none when the folder is not a synth output.
 */
export function previousStacks(outDir: string, writing: readonly string[]): StackEntries {
  const inspected = inspectOutputFolder(outDir);
  if (!("folder" in inspected) || inspected.folder.kind !== "synth") return {};
  return keptStacks(inspected.folder, writing);
}

/** The stacks the manifest in `outDir` lists, sorted (none when it is not synth output). */
export function listedStacks(outDir: string): string[] {
  const inspected = inspectOutputFolder(outDir);
  return "folder" in inspected && inspected.folder.kind === "synth" ? Object.keys(inspected.folder.stacks).sort() : [];
}

function keptStacks(folder: OutputFolder, writing: readonly string[]): StackEntries {
  if (folder.kind !== "synth") return {};
  const kept: Record<string, JsonObject> = {};
  for (const [name, entry] of Object.entries(folder.stacks)) {
    if (!writing.includes(name) && existsSync(join(folder.dir, STACKS, name))) kept[name] = entry;
  }
  return kept;
}

/** Adds the kept stacks to the manifest cdktf is about to write (`app.manifest.stacks`). */
export function listKeptStacks(manifestStacks: Record<string, unknown>, kept: StackEntries): void {
  for (const [name, entry] of Object.entries(kept)) manifestStacks[name] = entry;
}

/** Builds the stacks into a folder; `kept` are the previous synth's other stacks, to list in the manifest. */
export type BuildOutput = (temp: string, kept: StackEntries) => Promise<readonly string[]>;

/**
 * Replaces `outDir` with what `build` writes plus the previous synth's other stacks, or throws
 * OutputFolderError (before anything is written) when `outDir` is not synth output.
 * `writing` names the stacks `build` writes.
 */
export async function replaceOutputFolder(outDir: string, writing: readonly string[], build: BuildOutput): Promise<string[]> {
  const inspected = inspectOutputFolder(outDir);
  if (!("folder" in inspected)) throw new OutputFolderError([inspected.refused]);
  const folder = inspected.folder;
  const parent = dirname(folder.dir);
  const name = basename(folder.dir);
  mkdirSync(parent, { recursive: true });
  sweepStaleTemporaryFolders(parent, name);
  const temp = mkdtempSync(join(parent, `.${name}.tmp-${process.pid}-`));
  cleanUpOnSignal(temp);
  try {
    const kept = keptStacks(folder, writing);
    const written = await build(temp, kept);
    carryOver(folder, kept, writing, temp);
    await testHold();
    // Checked again: the folder may have changed while the stacks were built.
    const now = inspectOutputFolder(outDir);
    if (!("folder" in now)) throw new OutputFolderError([now.refused]);
    swapIn(temp, now.folder);
    return [...written];
  } finally {
    rmSync(temp, { recursive: true, force: true });
    releaseOnSignal(temp);
  }
}

/**
 * Kept stacks come over whole; a rewritten stack keeps what is not synth output (terraform's
 * `.terraform/`, lock file, local state), as `cdktf synth` does. Hard links make this cheap
 * (a provider binary is hundreds of MB) and leave the old folder as it was until the swap.
 */
function carryOver(folder: OutputFolder, kept: StackEntries, writing: readonly string[], temp: string): void {
  if (folder.kind !== "synth") return;
  for (const stack of Object.keys(kept)) linkTree(join(folder.dir, STACKS, stack), join(temp, STACKS, stack));
  for (const stack of writing) {
    const from = join(folder.dir, STACKS, stack);
    const to = join(temp, STACKS, stack);
    if (!existsSync(from) || !existsSync(to)) continue;
    for (const entry of readdirSync(from)) {
      if (!SYNTH_FILES.has(entry) && !existsSync(join(to, entry))) linkTree(join(from, entry), join(to, entry));
    }
  }
}

function linkTree(from: string, to: string): void {
  const stat = lstatSync(from);
  if (stat.isSymbolicLink()) {
    symlinkSync(readlinkSync(from), to);
  } else if (stat.isDirectory()) {
    mkdirSync(to, { recursive: true, mode: stat.mode });
    for (const entry of readdirSync(from)) linkTree(join(from, entry), join(to, entry));
  } else if (stat.isFile()) {
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
}

/** Puts the complete `temp` where `folder` is; an existing synth output is moved aside first and removed after. */
function swapIn(temp: string, folder: OutputFolder): void {
  if (folder.kind === "absent") {
    renameSync(temp, folder.dir);
    return;
  }
  if (folder.kind === "empty") {
    rmdirSync(folder.dir);
    renameSync(temp, folder.dir);
    return;
  }
  const aside = join(dirname(temp), basename(temp).replace(".tmp-", ".old-"));
  renameSync(folder.dir, aside);
  try {
    renameSync(temp, folder.dir);
  } catch (error) {
    renameSync(aside, folder.dir);
    throw error;
  }
  rmSync(aside, { recursive: true, force: true });
}

/**
 * Removes temporary folders of earlier runs for this output whose process is gone; a previous
 * output moved aside by a run that died before putting the new one in place is put back.
 */
export function sweepStaleTemporaryFolders(parent: string, name: string): void {
  const prefix = `.${name}.`;
  let entries: string[];
  try {
    entries = readdirSync(parent)
      .filter((e) => e.startsWith(prefix))
      .sort();
  } catch {
    return;
  }
  for (const entry of entries) {
    const rest = entry.slice(prefix.length);
    const full = join(parent, entry);
    // Sweeping is housekeeping: a folder that vanished or cannot be removed must not fail the synth.
    try {
      const ours = /^(tmp|old)-(\d+)-[A-Za-z0-9]{6}$/.exec(rest);
      if (ours !== null) {
        if (isAlive(Number(ours[2]))) continue;
        if (ours[1] === "old" && !existsSync(join(parent, name))) renameSync(full, join(parent, name));
        else rmSync(full, { recursive: true, force: true });
        continue;
      }
      // Before temporary folders carried a process id: `.NAME.tmp-XXXXXX` and `.NAME.tmp-XXXXXX.old`.
      if (/^tmp-[A-Za-z0-9]{6}(\.old)?$/.test(rest) && Date.now() - lstatSync(full).mtimeMs > LEGACY_TEMP_AGE_MS)
        rmSync(full, { recursive: true, force: true });
    } catch {
      continue;
    }
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, owned by someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const inProgress = new Set<string>();

/**
 * On a signal, the temporary folders are removed and the signal is raised again with the
 * default handling, so the process still ends the way the sender expects (exit status 128+n),
 * unless someone else handles the signal (the demo's teardown, the moto launcher).
 */
function onSignal(signal: NodeJS.Signals): void {
  for (const dir of inProgress) rmSync(dir, { recursive: true, force: true });
  inProgress.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function cleanUpOnSignal(dir: string): void {
  if (inProgress.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  inProgress.add(dir);
}

function releaseOnSignal(dir: string): void {
  inProgress.delete(dir);
  if (inProgress.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/**
 * Test hook (COMPOSE2ECS_TEST_HOLD_OUTPUT_MS): waits with the complete temporary folder in
 * place, so a test can signal the process at that moment deterministically.
 */
async function testHold(): Promise<void> {
  const ms = Number(process.env.COMPOSE2ECS_TEST_HOLD_OUTPUT_MS ?? "");
  if (Number.isFinite(ms) && ms > 0) await new Promise((done) => setTimeout(done, ms));
}

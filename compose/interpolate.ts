import { warning, error } from "./diagnostics";
import { Diagnostic } from "./model";
import { ComposePath, RawEntry, RawNode, formatPath } from "./raw";

/** Variables visible to interpolation; undefined means unset (an empty string is set). */
export type Variables = Readonly<Record<string, string | undefined>>;

export interface TemplateResult {
  readonly value: string;
  /** Variables referenced while unset and without a default (compose substitutes ""). */
  readonly unset: readonly string[];
  /** Problems: an unset required variable (`${X:?msg}`) or a malformed template. */
  readonly errors: readonly string[];
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/**
 * Compose variable substitution for one string (Compose spec, "Interpolation"):
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
 * `${VAR:+alternative}`, `${VAR+alternative}`, defaults that nest further expressions, and
 * `$$` for a literal `$`. The colon forms treat an empty value like an unset one.
 */
export function interpolateString(text: string, vars: Variables): TemplateResult {
  const unset: string[] = [];
  const errors: string[] = [];
  const value = substitute(text, vars, unset, errors);
  return { value, unset, errors };
}

function substitute(text: string, vars: Variables, unset: string[], errors: string[]): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === "$") {
      out += "$";
      i = dollar + 2;
      continue;
    }
    if (next === "{") {
      const end = closingBrace(text, dollar + 2);
      if (end < 0) {
        errors.push(`invalid interpolation "${text.slice(dollar)}": missing "}" (write $$ for a literal $)`);
        return out + text.slice(dollar);
      }
      out += braced(text.slice(dollar + 2, end), vars, unset, errors);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(text.slice(dollar + 1))?.[0];
    if (name === undefined) {
      errors.push(`invalid interpolation "${text.slice(dollar, dollar + 2)}" in "${text}": write $$ for a literal $`);
      out += "$";
      i = dollar + 1;
      continue;
    }
    out += lookup(name, vars, unset);
    i = dollar + 1 + name.length;
  }
  return out;
}

/** Index of the `}` closing an expression that starts at `from`, skipping nested `${...}`. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "$" && text[i + 1] === "$") {
      i++;
    } else if (c === "$" && text[i + 1] === "{") {
      depth++;
      i++;
    } else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function braced(expr: string, vars: Variables, unset: string[], errors: string[]): string {
  const name = NAME.exec(expr)?.[0];
  if (name === undefined) {
    errors.push(`invalid interpolation "\${${expr}}": a variable name starts with a letter or _`);
    return "";
  }
  const rest = expr.slice(name.length);
  if (rest === "") return lookup(name, vars, unset);
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (op === undefined) {
    errors.push(`invalid interpolation "\${${expr}}": expected one of :- - :? ? :+ + after ${name}`);
    return "";
  }
  const argument = rest.slice(op.length);
  const current = vars[name];
  const isSet = current !== undefined;
  const isNonEmpty = isSet && current !== "";
  const present = op.startsWith(":") ? isNonEmpty : isSet;
  switch (op) {
    case ":-":
    case "-":
      return present ? (current as string) : substitute(argument, vars, unset, errors);
    case ":+":
    case "+":
      return present ? substitute(argument, vars, unset, errors) : "";
    default: {
      if (present) return current as string;
      const detail = substitute(argument, vars, unset, errors);
      const why = op === ":?" && isSet ? "is empty" : "is not set";
      errors.push(`required variable ${name} ${why}${detail !== "" ? `: ${detail}` : ""}`);
      return "";
    }
  }
}

function lookup(name: string, vars: Variables, unset: string[]): string {
  const value = vars[name];
  if (value === undefined) {
    unset.push(name);
    return "";
  }
  return value;
}

type Cast = "int" | "float" | "bool";

/**
 * Values interpolated into places the schema types as numbers or booleans are converted after
 * substitution, as compose-go does (loader/interpolate.go, interpolateTypeCastMapping).
 * `*` matches any key or index.
 */
const CASTS: readonly (readonly [readonly string[], Cast])[] = [
  [["services", "*", "configs", "*", "mode"], "int"],
  [["services", "*", "secrets", "*", "mode"], "int"],
  [["services", "*", "cpu_count"], "int"],
  [["services", "*", "cpu_percent"], "float"],
  [["services", "*", "cpu_period"], "int"],
  [["services", "*", "cpu_quota"], "int"],
  [["services", "*", "cpu_rt_period"], "int"],
  [["services", "*", "cpu_rt_runtime"], "int"],
  [["services", "*", "cpus"], "float"],
  [["services", "*", "cpu_shares"], "int"],
  [["services", "*", "init"], "bool"],
  [["services", "*", "deploy", "replicas"], "int"],
  [["services", "*", "deploy", "update_config", "parallelism"], "int"],
  [["services", "*", "deploy", "update_config", "max_failure_ratio"], "float"],
  [["services", "*", "deploy", "rollback_config", "parallelism"], "int"],
  [["services", "*", "deploy", "rollback_config", "max_failure_ratio"], "float"],
  [["services", "*", "deploy", "restart_policy", "max_attempts"], "int"],
  [["services", "*", "deploy", "placement", "max_replicas_per_node"], "int"],
  [["services", "*", "healthcheck", "retries"], "int"],
  [["services", "*", "healthcheck", "disable"], "bool"],
  [["services", "*", "oom_kill_disable"], "bool"],
  [["services", "*", "oom_score_adj"], "int"],
  [["services", "*", "pids_limit"], "int"],
  [["services", "*", "ports", "*", "target"], "int"],
  [["services", "*", "privileged"], "bool"],
  [["services", "*", "read_only"], "bool"],
  [["services", "*", "scale"], "int"],
  [["services", "*", "stdin_open"], "bool"],
  [["services", "*", "tty"], "bool"],
  [["services", "*", "ulimits", "*"], "int"],
  [["services", "*", "ulimits", "*", "hard"], "int"],
  [["services", "*", "ulimits", "*", "soft"], "int"],
  [["services", "*", "volumes", "*", "read_only"], "bool"],
  [["services", "*", "volumes", "*", "volume", "nocopy"], "bool"],
  [["networks", "*", "external"], "bool"],
  [["networks", "*", "internal"], "bool"],
  [["networks", "*", "attachable"], "bool"],
  [["networks", "*", "enable_ipv6"], "bool"],
  [["volumes", "*", "external"], "bool"],
  [["secrets", "*", "external"], "bool"],
  [["configs", "*", "external"], "bool"],
];

function castFor(path: ComposePath): Cast | undefined {
  for (const [pattern, cast] of CASTS) {
    if (pattern.length === path.length && pattern.every((p, i) => p === "*" || p === path[i])) return cast;
  }
  return undefined;
}

function applyCast(value: string, cast: Cast | undefined): string | number | boolean {
  if (cast === undefined) return value;
  if (cast === "bool") {
    const lower = value.toLowerCase();
    if (["true", "yes", "y", "on"].includes(lower)) return true;
    if (["false", "no", "n", "off"].includes(lower)) return false;
    return value;
  }
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || (cast === "int" && !Number.isInteger(n))) return value;
  return n;
}

export interface InterpolateResult {
  readonly root: RawNode;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Stage 2: substitutes variables in every string value of a file's tree (keys stay as
 * written). Unset variables become "" with one warning per variable and file, as compose
 * does; unset required variables and malformed templates are errors at the value's line.
 */
export function interpolateTree(root: RawNode, vars: Variables): InterpolateResult {
  const diagnostics: Diagnostic[] = [];
  const warned = new Set<string>();
  const walk = (node: RawNode, path: ComposePath): RawNode => {
    if (node.kind === "scalar") {
      if (typeof node.value !== "string" || !node.value.includes("$")) return node;
      const result = interpolateString(node.value, vars);
      for (const message of result.errors) diagnostics.push(error(message, formatPath(path), node.loc));
      for (const name of result.unset) {
        if (warned.has(name)) continue;
        warned.add(name);
        diagnostics.push(warning(`variable ${name} is not set; using an empty string`, formatPath(path), node.loc));
      }
      if (result.value === node.value) return node;
      return { ...node, value: applyCast(result.value, castFor(path)), template: node.value };
    }
    if (node.kind === "seq") {
      let changed = false;
      const items = node.items.map((item, i) => {
        const next = walk(item, [...path, i]);
        changed ||= next !== item;
        return next;
      });
      return changed ? { ...node, items } : node;
    }
    let changed = false;
    const entries = new Map<string, RawEntry>();
    for (const [key, entry] of node.entries) {
      const value = walk(entry.value, [...path, key]);
      changed ||= value !== entry.value;
      entries.set(key, value === entry.value ? entry : { ...entry, value });
    }
    return changed ? { ...node, entries } : node;
  };
  return { root: walk(root, []), diagnostics };
}

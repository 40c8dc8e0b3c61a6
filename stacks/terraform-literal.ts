import { Plan } from "../planner/plan";

/**
 * The one place user text is made literal for Terraform. Terraform evaluates `${...}` and
 * `%{...}` in every string of a configuration (resource arguments, JSON-encoded container
 * definitions and policies, tags, outputs), so compose text such as `$${HOSTNAME}` (already
 * `${HOSTNAME}` after compose interpolation) must reach it as `$${HOSTNAME}`, or `apply` would
 * evaluate it (`${path.cwd}`, `${file("/etc/passwd")}`). Terraform then sees exactly the text
 * compose produced. One limit: a literal that ends in `$` must not be followed directly by a
 * live reference (`$` + `${ref}` reads as the escape `$${`); constructs never do that (names are
 * sanitised, user text sits inside JSON strings), and a property test states the limit.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, "$$${").replace(/%\{/g, "%%{");
}

function literalDeep<T>(value: T): T {
  if (typeof value === "string") return terraformLiteral(value) as T;
  if (Array.isArray(value)) return value.map((v) => literalDeep(v)) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[terraformLiteral(k)] = literalDeep(v);
    return out as T;
  }
  return value;
}

/**
 * The plan as the stacks render it: every string (names, paths, hosts, ARNs, environment
 * values, labels, commands, tags, ...) made literal once, here, where plan data meets cdktf;
 * references the constructs add between resources stay live. The state backend is the
 * exception: Terraform reads backend settings literally, so escaping them would change them.
 */
export function literalPlan(plan: Plan): Plan {
  const literal = literalDeep(plan);
  return { ...literal, env: { ...literal.env, state: plan.env.state } };
}

import { IamStatement, JsonValue } from "./model";

/**
 * IAM policy statements and ARNs as users write them in `x-ecs.taskRole` and in the Docker ECS
 * integration's `x-aws-role`: the checks a JSON Schema cannot state (ARN grammar, action
 * grammar, write actions on every resource). Problems carry paths relative to the value read.
 */

export interface IamProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** arn:partition:service:region:account:resource; region and account may be empty (S3) or `*`, account `aws` for AWS-managed policies. */
const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]):[a-z0-9-]+:[a-z0-9*?-]*:(\d{12}|aws|\*|):\S+$/;
const ACTION = /^([a-z0-9-]+:[A-Za-z0-9*?]+|\*)$/;
/** A managed policy: AWS's (`arn:aws:iam::aws:policy/...`) or an account's. */
const MANAGED_POLICY = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/;
/** Verbs of actions that only read (IAM's access level "Read" and "List" follow these names). */
const READ_VERBS = /^(Get|List|Describe|BatchGet|Head|Query|Scan|Select|Search|Lookup|View|Check|Verify)/;

export function isManagedPolicyArn(text: string): boolean {
  return MANAGED_POLICY.test(text);
}

/** An action that may change something: everything but the read verbs (`s3:*` and `*` included). */
export function isWriteAction(action: string): boolean {
  const verb = action.split(":")[1] ?? action;
  return !READ_VERBS.test(verb);
}

function stringOrList(value: JsonValue | undefined): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return [...(value as string[])];
  return undefined;
}

/**
 * Reads IAM statements (a list, or a policy document's `Statement`). `allowUnscopedWrites`
 * is the user's explicit acceptance of write actions on Resource "*".
 */
export function readStatements(value: JsonValue | undefined, allowUnscopedWrites: boolean): { statements: IamStatement[]; problems: IamProblem[] } {
  const problems: IamProblem[] = [];
  const statements: IamStatement[] = [];
  const list = Array.isArray(value) ? (value as JsonValue[]) : value !== null && typeof value === "object" ? [value] : [];
  if (list.length === 0) problems.push({ path: [], message: "needs at least one statement ({Effect, Action, Resource})" });
  list.forEach((item, i) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      problems.push({ path: [i], message: "a statement is a mapping with Effect, Action and Resource" });
      return;
    }
    const st = item as Readonly<Record<string, JsonValue>>;
    const before = problems.length;
    for (const key of Object.keys(st)) {
      if (!["Sid", "Effect", "Action", "Resource", "Condition"].includes(key)) {
        problems.push({
          path: [i, key],
          message: `unknown statement key (allowed: Sid, Effect, Action, Resource, Condition${key === "NotAction" || key === "NotResource" ? `; ${key} grants everything but the listed ones, write the ones you mean instead` : ""})`,
        });
      }
    }
    const effect = st.Effect ?? "Allow";
    if (effect !== "Allow" && effect !== "Deny") problems.push({ path: [i, "Effect"], message: `must be Allow or Deny, got ${JSON.stringify(effect)}` });
    const actions = stringOrList(st.Action);
    if (actions === undefined || actions.length === 0) problems.push({ path: [i, "Action"], message: "needs one or more actions such as s3:GetObject" });
    for (const [j, action] of (actions ?? []).entries()) {
      if (!ACTION.test(action))
        problems.push({
          path: [i, "Action", ...(Array.isArray(st.Action) ? [j] : [])],
          message: `not an IAM action (service:Action, e.g. s3:GetObject): ${JSON.stringify(action)}`,
        });
    }
    const resources = stringOrList(st.Resource);
    if (resources === undefined || resources.length === 0) problems.push({ path: [i, "Resource"], message: 'needs one or more resource ARNs (or "*")' });
    for (const [j, resource] of (resources ?? []).entries()) {
      if (resource !== "*" && !ARN.test(resource)) {
        problems.push({
          path: [i, "Resource", ...(Array.isArray(st.Resource) ? [j] : [])],
          message: `not an ARN (arn:partition:service:region:account:resource) or "*": ${JSON.stringify(resource)}`,
        });
      }
    }
    const writes = (actions ?? []).filter((a) => ACTION.test(a) && isWriteAction(a));
    if (effect === "Allow" && (resources ?? []).includes("*") && writes.length > 0 && !allowUnscopedWrites) {
      problems.push({
        path: [i, "Resource"],
        message: `allows ${writes.join(", ")} on every resource ("*"): name the resources (ARNs), or set x-ecs taskRole.allowUnscopedWrites: true to accept it`,
      });
    }
    const condition = st.Condition;
    if (condition !== undefined && (condition === null || typeof condition !== "object" || Array.isArray(condition))) {
      problems.push({ path: [i, "Condition"], message: "a condition is a mapping of operators to keys and values" });
    }
    if (problems.length > before) return;
    statements.push({
      ...(typeof st.Sid === "string" ? { Sid: st.Sid } : {}),
      Effect: effect as "Allow" | "Deny",
      Action: actions ?? [],
      Resource: resources ?? [],
      ...(condition !== undefined ? { Condition: condition as { readonly [operator: string]: JsonValue } } : {}),
    });
  });
  return { statements, problems };
}

import * as names from "../../naming/names";
import { shortHash } from "../../naming/hash";
import { randomString, rng } from "./random";

type NameFn = (scope: names.NameScope, part: string) => string;

/** Each name kind with its AWS limit and allowed characters (AWS API references). */
const KINDS: readonly { kind: string; fn: NameFn; max: number; valid: RegExp }[] = [
  { kind: "load balancer", fn: (s) => names.loadBalancerName(s), max: 32, valid: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/ },
  { kind: "target group", fn: (s, p) => names.targetGroupName(s, p, 8080), max: 32, valid: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/ },
  { kind: "execution role", fn: names.executionRoleName, max: 64, valid: /^[A-Za-z0-9+=,.@_-]+$/ },
  { kind: "task role", fn: names.taskRoleName, max: 64, valid: /^[A-Za-z0-9+=,.@_-]+$/ },
  { kind: "security group", fn: names.serviceSecurityGroupName, max: 255, valid: /^(?![sS][gG]-)[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/ },
  { kind: "log group", fn: names.logGroupName, max: 512, valid: /^[A-Za-z0-9._/#-]+$/ },
  { kind: "cluster", fn: (s) => names.clusterName(s), max: 255, valid: /^[A-Za-z0-9_-]+$/ },
  { kind: "ecs service", fn: names.ecsServiceName, max: 255, valid: /^[A-Za-z0-9_-]+$/ },
  { kind: "task family", fn: names.taskFamily, max: 255, valid: /^[A-Za-z0-9_-]+$/ },
  { kind: "ecr repository", fn: names.ecrRepositoryName, max: 256, valid: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/ },
  { kind: "secret", fn: names.secretName, max: 512, valid: /^[A-Za-z0-9/_+=.@-]+$/ },
  { kind: "capacity provider", fn: (s) => names.capacityProviderName(s), max: 255, valid: /^(?!aws|ecs|fargate)[A-Za-z0-9_-]+$/i },
  { kind: "launch template", fn: (s) => names.launchTemplateName(s), max: 128, valid: /^[A-Za-z0-9().\-/_]+$/ },
  { kind: "efs creation token", fn: names.efsCreationToken, max: 64, valid: /^[A-Za-z0-9_-]+$/ },
];

const SAMPLES = 400;

function randomScope(next: () => number): { scope: names.NameScope; part: string } {
  const slug = next() < 0.5 ? randomString(next, 40) : undefined;
  return {
    scope: { project: randomString(next, 80), env: randomString(next, 20), ...(slug !== undefined ? { slug } : {}) },
    part: randomString(next, 300),
  };
}

describe("naming: every AWS name fits its limit and character set", () => {
  test.each(KINDS)("GIVEN random projects, environments, branches and services WHEN naming a $kind THEN it is valid and short enough", ({ fn, max, valid }) => {
    const next = rng(42);
    for (let i = 0; i < SAMPLES; i++) {
      const { scope, part } = randomScope(next);
      const name = fn(scope, part);
      expect(name.length).toBeLessThanOrEqual(max);
      expect(name).toMatch(valid);
      expect(fn(scope, part)).toBe(name);
    }
  });

  test.each(KINDS.filter((k) => k.fn.length === 2 || k.kind === "target group"))(
    "GIVEN one scope and many different services WHEN naming a $kind THEN no two services share a name",
    ({ fn }) => {
      const next = rng(7);
      const scope = { project: "x".repeat(70), env: "production", slug: "feature-very-long-branch-name" };
      const seen = new Map<string, string>();
      for (let i = 0; i < SAMPLES; i++) {
        const part = randomString(next, 120);
        const name = fn(scope, part);
        const other = seen.get(name);
        if (other !== undefined) expect(other).toBe(part);
        seen.set(name, part);
      }
    },
  );
});

describe("naming: fitName", () => {
  test("GIVEN a name that is valid and short THEN it is returned unchanged", () => {
    expect(names.fitName("multi-env-production", names.RULES.loadBalancer)).toBe("multi-env-production");
  });

  test("GIVEN a name longer than the limit THEN it is truncated with a hash of the full input", () => {
    const raw = "a-very-long-project-name-production-feature-branch";
    const name = names.fitName(raw, names.RULES.loadBalancer);
    expect(name.length).toBeLessThanOrEqual(32);
    expect(name.length).toBeGreaterThan(28);
    expect(name.endsWith(`-${shortHash(raw)}`)).toBe(true);
    expect(name.startsWith("a-very-long-project-name")).toBe(true);
  });

  test("GIVEN two long names that differ only after the cut THEN their names differ", () => {
    const a = names.fitName(`${"p".repeat(40)}-web`, names.RULES.targetGroup);
    const b = names.fitName(`${"p".repeat(40)}-api`, names.RULES.targetGroup);
    expect(a).not.toBe(b);
  });

  test("GIVEN characters AWS refuses THEN they become dashes and a hash keeps the name unique", () => {
    const a = names.fitName("my_app", names.RULES.loadBalancer);
    const b = names.fitName("my.app", names.RULES.loadBalancer);
    expect(a).toMatch(/^my-app-[a-z0-9]{6}$/);
    expect(a).not.toBe(b);
  });
});

describe("naming: special cases", () => {
  test("GIVEN a project whose ALB name would start with internal- THEN it is prefixed", () => {
    expect(names.loadBalancerName({ project: "internal", env: "qa" }).startsWith("internal-")).toBe(false);
  });

  test("GIVEN a project named sg THEN security group names do not start with sg-", () => {
    expect(names.serviceSecurityGroupName({ project: "sg", env: "qa" }, "web").toLowerCase().startsWith("sg-")).toBe(false);
  });

  test.each([
    ["redis", "redis"],
    ["my_db", "my_db"],
    ["Web", "web"],
  ])("GIVEN compose service %s THEN its Cloud Map name is %s (bare names must resolve)", (service, expected) => {
    expect(names.discoveryServiceName(service)).toBe(expected);
  });

  test("GIVEN a branch THEN the namespace is <slug>.<env>.<project>.internal", () => {
    expect(names.namespaceName({ project: "shop", env: "qa", slug: "feature-x" })).toBe("feature-x.qa.shop.internal");
    expect(names.namespaceName({ project: "shop", env: "production" })).toBe("production.shop.internal");
  });

  test.each([
    ["production", undefined, "production-app"],
    ["qa", "feature-x", "qa-feature-x"],
  ])("GIVEN env %s and slug %s THEN the application stack is %s", (env, slug, expected) => {
    expect(names.appStackName(env, slug)).toBe(expected);
    expect(names.baseStackName(env)).toBe(`${env}-base`);
  });
});

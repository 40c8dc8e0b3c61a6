import * as names from "../../naming/names";
import { shortHash } from "../../naming/hash";
import { branchSlug } from "../../naming/branch-slug";
import { randomString, rng } from "./random";

type NameFn = (scope: names.NameScope, part: string) => string;

/** Each name kind with its AWS limit and allowed characters (AWS API references). */
const KINDS: readonly { kind: string; fn: NameFn; max: number; valid: RegExp }[] = [
  { kind: "load balancer", fn: (s) => names.loadBalancerName(s), max: 32, valid: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/ },
  { kind: "target group", fn: (s, p) => names.targetGroupName(s, p, 8080), max: 32, valid: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/ },
  { kind: "network load balancer", fn: (s) => names.networkLoadBalancerName(s), max: 32, valid: /^(?!internal-)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/ },
  { kind: "network target group", fn: (s, p) => names.networkTargetGroupName(s, p, 5432), max: 32, valid: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/ },
  {
    kind: "declared-ports network group",
    fn: names.networkDeclaredPortsSecurityGroupName,
    max: 255,
    valid: /^(?![sS][gG]-)[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
  },
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

  test("GIVEN one project and environment THEN the network load balancer's name differs from the application one's, and its target groups from the ALB's", () => {
    const scope = { project: "shop", env: "production" };
    expect(names.networkLoadBalancerName(scope)).toBe("shop-production-nlb");
    expect(names.networkLoadBalancerName(scope)).not.toBe(names.loadBalancerName(scope));
    expect(names.networkTargetGroupName(scope, "db", 5432)).not.toBe(names.targetGroupName(scope, "db", 5432));
    expect(names.networkDeclaredPortsSecurityGroupName(scope, "back")).not.toBe(names.networkSecurityGroupName(scope, "back"));
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

describe("naming: the uniqueness hash", () => {
  test("GIVEN 200,000 inputs WHEN hashed to 6 base-36 digits THEN collisions are as rare as an even hash allows and every digit position is uniform", () => {
    const n = 200_000;
    const seen = new Set<string>();
    let collisions = 0;
    const firstDigit = new Map<string, number>();
    let malformed = 0;
    for (let i = 0; i < n; i++) {
      const h = shortHash(`project-${i}`);
      if (!/^[a-z0-9]{6}$/.test(h)) malformed++;
      if (seen.has(h)) collisions++;
      seen.add(h);
      firstDigit.set(h[0] ?? "", (firstDigit.get(h[0] ?? "") ?? 0) + 1);
    }
    expect(malformed).toBe(0);
    // n²/2N with N = 36^6: about 9 expected; the old leading-digit hash gave 72.
    expect(collisions).toBeLessThan(25);
    expect(firstDigit.size).toBe(36);
    for (const count of firstDigit.values()) {
      expect(count).toBeGreaterThan((n / 36) * 0.9);
      expect(count).toBeLessThan((n / 36) * 1.1);
    }
  });
});

describe("naming: names built from parts are unambiguous", () => {
  type PartsFn = (scope: names.NameScope, service: string) => string;
  const SERVICE_KINDS: readonly [string, PartsFn][] = [
    ["ecs service", names.ecsServiceName],
    ["task family", names.taskFamily],
    ["execution role", names.executionRoleName],
    ["task role", names.taskRoleName],
    ["security group", names.serviceSecurityGroupName],
    ["target group", (s, p) => names.targetGroupName(s, p, 80)],
    ["log group", names.logGroupName],
    ["ecr repository", names.ecrRepositoryName],
    ["efs creation token", names.efsCreationToken],
    ["efs name", names.efsName],
    ["secret", names.secretName],
    ["network security group", names.networkSecurityGroupName],
    ["declared-ports network group", names.networkDeclaredPortsSecurityGroupName],
    ["network target group", (s, p) => names.networkTargetGroupName(s, p, 5432)],
  ];

  test.each(SERVICE_KINDS)(
    "GIVEN branch a with service b-<hash>-web and branch a-<hash>-b with service web (the same joined text) WHEN naming a %s THEN the names differ",
    (_kind, fn) => {
      const slugA = branchSlug("a");
      const branchB = `${slugA}-b`;
      const slugB = branchSlug(branchB);
      expect(slugB.startsWith(`${slugA}-b-`)).toBe(true);
      const serviceA = `${slugB.slice(slugA.length + 1)}-web`;
      const a = fn({ project: "shop", env: "qa", slug: slugA }, serviceA);
      const b = fn({ project: "shop", env: "qa", slug: slugB }, "web");
      expect(`${slugA}-${serviceA}`).toBe(`${slugB}-web`);
      expect(a).not.toBe(b);
    },
  );

  test.each(SERVICE_KINDS)("GIVEN random part lists that join to the same text WHEN naming a %s THEN no two share a name", (_kind, fn) => {
    const next = rng(1234);
    const alphabet = "ab-";
    const word = (len: number) =>
      Array.from({ length: 1 + Math.floor(next() * len) }, () => alphabet[Math.floor(next() * alphabet.length)])
        .join("")
        .replace(/^-+|-+$/g, "") || "a";
    const byName = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const scope = { project: word(4), env: word(3), ...(next() < 0.7 ? { slug: word(5) } : {}) };
      const service = word(6);
      const name = fn(scope, service);
      // ECS service names are unique within one environment's cluster: the environment is not a part.
      const key = JSON.stringify([scope.project, fn === names.ecsServiceName ? "" : scope.env, scope.slug ?? null, service]);
      const other = byName.get(name);
      if (other !== undefined) expect(other).toBe(key);
      byName.set(name, key);
    }
  });

  test("GIVEN parts without the separator THEN the name stays readable, with no hash", () => {
    expect(names.ecsServiceName({ project: "seed", env: "production" }, "web")).toBe("seed-web");
    expect(names.taskFamily({ project: "seed", env: "production" }, "web")).toBe("seed-production-web");
  });
});

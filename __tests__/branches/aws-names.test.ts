import { join } from "node:path";
import { defaultEnvironment } from "../../config/defaults";
import { MAX_ENVIRONMENT_NAME_LENGTH } from "../../config/load-environment";
import { branchSlug } from "../../naming/branch-slug";
import * as names from "../../naming/names";
import { cloudWorkspaceName, s3StateKey, stateLocation } from "../../state/backend";
import { listenerPort, priorityBlock } from "../../planner/slots";
import { randomBranchNames } from "./random-branches";

/**
 * Every name a branch's stack gives AWS, checked over thousands of random branch names:
 * within the AWS limit of its kind, in its character set, and never shared by two branches.
 */

const PROJECT = "multi-env";
const LONGEST_ENV = "integration-test";
const SLUGS = randomBranchNames(3000, 11).map(branchSlug);

interface Limit {
  readonly max: number;
  readonly charset: RegExp;
}

// Limits from the AWS API references of each resource kind.
const KINDS: Readonly<Record<string, { limit: Limit; make: (env: string, slug: string) => string }>> = {
  stack: { limit: { max: 255, charset: /^[A-Za-z0-9_-]+$/ }, make: (env, slug) => names.appStackName(env, slug) },
  s3StateKey: { limit: { max: 1024, charset: /^[a-z0-9/._-]+$/ }, make: (env, slug) => s3StateKey("compose2ecs", env, slug) },
  // HCP Terraform workspace names: 90 characters of letters, digits, - and _.
  cloudWorkspace: { limit: { max: 90, charset: /^[A-Za-z0-9_-]+$/ }, make: (env, slug) => cloudWorkspaceName("compose2ecs", env, slug) },
  ecsService: { limit: { max: 255, charset: /^[A-Za-z0-9_-]+$/ }, make: (env, slug) => names.ecsServiceName({ project: PROJECT, env, slug }, "web") },
  taskFamily: { limit: { max: 255, charset: /^[A-Za-z0-9_-]+$/ }, make: (env, slug) => names.taskFamily({ project: PROJECT, env, slug }, "web") },
  targetGroup: {
    limit: { max: 32, charset: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/ },
    make: (env, slug) => names.targetGroupName({ project: PROJECT, env, slug }, "web", 5000),
  },
  logGroup: { limit: { max: 512, charset: /^[A-Za-z0-9._/#-]+$/ }, make: (env, slug) => names.logGroupName({ project: PROJECT, env, slug }, "web") },
  executionRole: { limit: { max: 64, charset: /^[A-Za-z0-9+=,.@_-]+$/ }, make: (env, slug) => names.executionRoleName({ project: PROJECT, env, slug }, "web") },
  taskRole: { limit: { max: 64, charset: /^[A-Za-z0-9+=,.@_-]+$/ }, make: (env, slug) => names.taskRoleName({ project: PROJECT, env, slug }, "web") },
  securityGroup: {
    limit: { max: 255, charset: /^(?!sg-)[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/ },
    make: (env, slug) => names.serviceSecurityGroupName({ project: PROJECT, env, slug }, "web"),
  },
  // A private DNS namespace: labels of at most 63, the whole name at most 253.
  namespace: {
    limit: { max: 253, charset: /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+internal$/ },
    make: (env, slug) => names.namespaceName({ project: PROJECT, env, slug }),
  },
  secret: { limit: { max: 512, charset: /^[A-Za-z0-9/_+=.@-]+$/ }, make: (env, slug) => names.secretName({ project: PROJECT, env, slug }, "db-password") },
  ecrRepository: {
    limit: { max: 256, charset: /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/ },
    make: (env, slug) => names.ecrRepositoryName({ project: PROJECT, env, slug }, "web"),
  },
};

describe("AWS names of branch stacks", () => {
  test("GIVEN the longest allowed environment name THEN it is what the tests use", () => {
    expect(LONGEST_ENV.length).toBe(MAX_ENVIRONMENT_NAME_LENGTH);
  });

  test.each(
    Object.keys(KINDS).flatMap((kind) => [
      ["qa", kind],
      [LONGEST_ENV, kind],
    ]),
  )("GIVEN 3000 random branches in environment %p WHEN the %s names are made THEN each fits the AWS limit and no two branches share one", (env, kind) => {
    const { limit, make } = KINDS[kind];
    const made = SLUGS.map((slug) => make(env, slug));
    const bad = made.filter((name) => name.length > limit.max || !limit.charset.test(name));
    expect(bad).toEqual([]);
    expect(new Set(made).size).toBe(SLUGS.length);
  });

  test("GIVEN 3000 random branches WHEN their local state files are placed THEN every branch has its own file, apart from base and app", () => {
    const env = defaultEnvironment("qa", true);
    const paths = SLUGS.map((slug) => stateLocation(env, slug, "/project"));
    const files = paths.map((p) => (p.kind === "local" ? p.path : ""));
    expect(new Set(files).size).toBe(SLUGS.length);
    expect(files).not.toContain(join("/project/.compose2ecs/state/qa", "base.tfstate"));
    expect(files).not.toContain(join("/project/.compose2ecs/state/qa", "app.tfstate"));
  });

  test("GIVEN every slot a registry can hand out WHEN ports and priority blocks are derived THEN none overlap and all are within ALB limits", () => {
    const blocks = Array.from({ length: 1000 }, (_, slot) => priorityBlock(slot));
    blocks.forEach((block, slot) => {
      expect(block.first).toBeGreaterThanOrEqual(1);
      expect(block.last).toBeLessThanOrEqual(50000);
      if (slot > 0) expect(block.first).toBe(blocks[slot - 1].last + 1);
    });
    const ports = Array.from({ length: 48 }, (_, i) => listenerPort(i + 1));
    expect(new Set(ports).size).toBe(48);
    expect(ports.every((p) => p > 10000 && p < 10049)).toBe(true);
  });
});

import { branchSlug, isValidSlug, MAX_SLUG_LENGTH, SLUG_HASH_LENGTH } from "../../naming/branch-slug";
import { branchHash } from "../../naming/hash";
import { randomBranchNames } from "./random-branches";

const NAMES = randomBranchNames(5000, 4);

describe("branchSlug", () => {
  test.each([
    ["feature/ÄÖ-login", /^ao-login-[a-z0-9]{6}$/],
    ["fix--x", /^fix-x-[a-z0-9]{6}$/],
    ["UPPER", /^upper-[a-z0-9]{6}$/],
    ["Straße/ØL_æ", /^strasse-ol-ae-[a-z0-9]{6}$/],
    ["123-hotfix", /^b-123-hotfix-[a-z0-9]{6}$/],
    ["日本语", /^b-[a-z0-9]{6}$/],
    ["-", /^b-[a-z0-9]{6}$/],
    ["a".repeat(200), /^a{13}-[a-z0-9]{6}$/],
  ])("GIVEN the branch %p WHEN slugged THEN the slug is readable and short", (branch, pattern) => {
    const slug = branchSlug(branch);
    expect(slug).toMatch(pattern);
    expect(isValidSlug(slug)).toBe(true);
  });

  test.each([
    ["UPPER", "upper"],
    ["fix--x", "fix-x"],
    ["feature/ÄÖ-login", "feature/AO-login"],
    ["feature/login", "login"],
    ["a".repeat(199) + "b", "a".repeat(199) + "c"],
    ["release/1.0", "release/1-0"],
  ])("GIVEN %p and %p, which read the same, WHEN slugged THEN the slugs differ (the hash is over the exact name)", (a, b) => {
    expect(branchSlug(a)).not.toBe(branchSlug(b));
  });

  test("GIVEN thousands of random git branch names WHEN slugged THEN every slug is valid, short and starts with a letter", () => {
    for (const name of NAMES) {
      const slug = branchSlug(name);
      expect({ name, slug, ok: /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/.test(slug) && slug.length <= MAX_SLUG_LENGTH }).toEqual({ name, slug, ok: true });
    }
  });

  test("GIVEN thousands of random git branch names WHEN slugged THEN no two share a slug or a hash", () => {
    const slugs = new Set(NAMES.map(branchSlug));
    const hashes = new Set(NAMES.map((n) => branchHash(n, SLUG_HASH_LENGTH)));
    expect(slugs.size).toBe(NAMES.length);
    expect(hashes.size).toBe(NAMES.length);
  });

  test("GIVEN the same branch twice WHEN slugged THEN the slug is the same", () => {
    expect(NAMES.slice(0, 100).map(branchSlug)).toEqual(NAMES.slice(0, 100).map(branchSlug));
  });
});

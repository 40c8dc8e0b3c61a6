import { branchHash } from "./hash";

/**
 * The slug of a git branch: the short, lower-case `[a-z0-9-]` token that every AWS name,
 * state key and Cloud Map name of the branch is built from.
 *
 * Shape: `<readable prefix>-<6-char hash>`, at most 20 characters, starting with a letter,
 * never ending with `-` and never containing `--`. The hash is over the exact branch name
 * (bytes, case included), so `UPPER` and `upper`, or `fix--x` and `fix-x`, get different
 * slugs even though their readable prefixes are the same.
 */

/** Longest slug: leaves room in 32-character target-group names and 63-character DNS labels. */
export const MAX_SLUG_LENGTH = 20;
export const SLUG_HASH_LENGTH = 6;
const PREFIX_LENGTH = MAX_SLUG_LENGTH - SLUG_HASH_LENGTH - 1;
const SLUG_PATTERN = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;

/** Letters NFKD does not decompose into ASCII (German, Nordic, Polish, Turkish, ...). */
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  ß: "ss",
  æ: "ae",
  Æ: "ae",
  œ: "oe",
  Œ: "oe",
  ø: "o",
  Ø: "o",
  đ: "d",
  Đ: "d",
  ð: "d",
  Ð: "d",
  þ: "th",
  Þ: "th",
  ł: "l",
  Ł: "l",
  ı: "i",
};

export function branchSlug(branch: string): string {
  const prefix = readablePrefix(branch);
  return `${prefix}-${branchHash(branch, SLUG_HASH_LENGTH)}`;
}

export function isValidSlug(slug: string): boolean {
  return slug.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(slug);
}

/** Branch-type prefixes that carry no meaning in a 13-character name; the hash still covers them. */
const DROPPED_PREFIX = /^(feature|feat)\//i;

function readablePrefix(branch: string): string {
  const ascii = Array.from(branch.replace(DROPPED_PREFIX, "").normalize("NFKD"))
    .map((ch) => TRANSLITERATIONS[ch] ?? ch)
    .join("")
    // Combining marks left by NFKD (the dots of Ä, the accent of é) are dropped.
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  const dashed = ascii.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  // DNS labels and most AWS names must start with a letter; "b" marks a branch whose name did not.
  const lettered = /^[a-z]/.test(dashed) ? dashed : `b${dashed === "" ? "" : "-"}${dashed}`;
  return lettered.slice(0, PREFIX_LENGTH).replace(/-+$/g, "");
}

import { rng as random } from "../naming/random";

/**
 * Deterministic generator of branch names git accepts (git check-ref-format): no control
 * characters, space, ~ ^ : ? * [ \, no "..", no "@{", no component starting with "." or
 * ending with ".lock", no trailing "/" or ".".
 */

const ALPHABET = [..."abcdefghijklmnopqrstuvwxyz", ..."ABCDEFGHIJKLMNOPQRSTUVWXYZ", ..."0123456789", ..."-_./", ..."-----////", ..."ÄÖÜäöüßéèçøæñłİı日本语ёж"];

/** The seeded PRNG the naming property tests use, so every run tests the same names. */
export { random };

function isGitRefName(name: string): boolean {
  if (name === "" || name === "@" || name.endsWith("/") || name.endsWith(".") || name.includes("..") || name.includes("@{") || name.includes("//"))
    return false;
  return name.split("/").every((part) => part !== "" && !part.startsWith(".") && !part.endsWith(".lock"));
}

export function randomBranchNames(count: number, seed: number): string[] {
  const next = random(seed);
  const names = new Set<string>();
  while (names.size < count) {
    // Mostly short names, some up to 200 characters.
    const length = next() < 0.9 ? 1 + Math.floor(next() * 40) : 1 + Math.floor(next() * 200);
    let name = "";
    for (let i = 0; i < length; i += 1) name += ALPHABET[Math.floor(next() * ALPHABET.length)];
    if (isGitRefName(name)) names.add(name);
  }
  return [...names];
}

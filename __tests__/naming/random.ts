/** A small seeded PRNG (mulberry32) so property tests are reproducible without extra packages. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABETS = [
  "abcdefghijklmnopqrstuvwxyz",
  "abcdefghijklmnopqrstuvwxyz0123456789-",
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabc_.-/ ",
  "äöü€日本語🙂@#:+=,!$%^&*()[]{}",
];

/** A random string of length 0..maxLength drawn from one of several alphabets (ASCII-heavy). */
export function randomString(next: () => number, maxLength: number): string {
  const alphabet = ALPHABETS[Math.floor(next() * ALPHABETS.length)] ?? "a";
  const mixed = next() < 0.2 ? ALPHABETS.join("") : alphabet;
  const length = Math.floor(next() * (maxLength + 1));
  let out = "";
  for (let i = 0; i < length; i++) out += mixed[Math.floor(next() * mixed.length)] ?? "a";
  return out;
}

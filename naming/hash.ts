import { createHash } from "node:crypto";

/**
 * A short, deterministic hash of `input`: lower-case base-36 digits (valid in every AWS name
 * charset), used as the suffix that keeps truncated names unique.
 */
export function shortHash(input: string, length = 6): string {
  const digest = createHash("sha256").update(input, "utf8").digest();
  // 8 bytes give 64 bits; base 36 of a BigInt never loses digits to float rounding.
  const value = digest.readBigUInt64BE(0).toString(36);
  return value.padStart(length, "0").slice(0, length);
}

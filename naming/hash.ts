import { createHash } from "node:crypto";

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * A short, deterministic hash of `input`: lower-case base-36 digits (valid in every AWS name
 * charset), used as the suffix that keeps shortened or composite names unique.
 *
 * Digits are taken from the low end of a 64-bit value (repeated `% 36`), so each position is
 * uniform; the leading digits of a base-36 number are not (a 64-bit number starts with 1-3
 * three times out of four), which made collisions about 8x likelier than the length promises.
 * Branch slugs keep their own hash (branchHash below): they are state keys.
 */
export function shortHash(input: string, length = 6): string {
  let value = sha256(input).readBigUInt64BE(0);
  let out = "";
  for (let i = 0; i < length; i++) {
    out += DIGITS[Number(value % 36n)];
    value /= 36n;
  }
  return out;
}

/**
 * The hash in a branch slug (naming/branch-slug.ts): 48 bits of the digest written in base 36,
 * its last `length` digits. Its digits are less uniform than shortHash's, but slugs are
 * Terraform state keys and slot records: another hash would move every deployed branch.
 */
export function branchHash(branch: string, length: number): string {
  return sha256(branch).readUIntBE(0, 6).toString(36).padStart(length, "0").slice(-length);
}

function sha256(input: string): Buffer {
  return createHash("sha256").update(input, "utf8").digest();
}

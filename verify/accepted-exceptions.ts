import { PromiseKind } from "./promises";

/**
 * Promises the project accepts not to keep, each with its reason. This list is for losses that
 * are right for ECS or for the user's explicit choice, never for generator bugs (those are the
 * measurement test's KNOWN_GENERATOR_GAPS, which must shrink to empty). docs/conversion.md lists
 * the same entries; keep both in step. The measurement test fails when an entry no longer occurs,
 * so the list cannot rot.
 */
export interface AcceptedException {
  /** Corpus file name, `example`, or fixture folder under __tests__/fixtures/apps. */
  readonly app: string;
  readonly env: "production" | "qa" | "both";
  readonly service: string;
  readonly promise: PromiseKind;
  /** The finding's subject (`db:5432`, `/`, `pgdata`, `5432/tcp`). */
  readonly subject: string;
  readonly reason: string;
}

export const ACCEPTED_EXCEPTIONS: readonly AcceptedException[] = [];

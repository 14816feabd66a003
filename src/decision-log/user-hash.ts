import { createHmac, randomBytes } from "node:crypto";

/** Turns a user id into its keyed hash for the decision log. */
export type UserHasher = (userId: string) => string;

/**
 * Keyed hash (HMAC-SHA256, hex) of user ids. A keyed hash rather than a
 * plain one, because user ids are few enough to be found again by hashing
 * guesses; without the key nobody can, while the operator holding the key
 * can still answer "what did we push to this user" for a regulator.
 */
export function userHasher(key: Buffer): UserHasher {
  return (userId) => createHmac("sha256", key).update(userId).digest("hex");
}

/** The key the decision log hashes with, and whether it is stable. */
export interface DecisionLogKey {
  readonly key: Buffer;
  /** False when made up for this process: hashes change on restart. */
  readonly stable: boolean;
}

/**
 * Uses the configured key, or makes up a random one for this process so
 * that no raw id is ever written even when the setting is missing.
 */
export function decisionLogKey(configured: string | undefined) {
  if (configured !== undefined) {
    return { key: Buffer.from(configured, "utf8"), stable: true };
  }
  return { key: randomBytes(32), stable: false };
}

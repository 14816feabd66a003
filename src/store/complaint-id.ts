import { createHash } from "node:crypto";

/**
 * The id of a complaint, derived from the item and the reporter so that a
 * repeated complaint gets the same id on every replica and every backend,
 * which is what makes `addComplaint` idempotent per reporter and item.
 */
export function complaintId(itemId: string, reporter: string): string {
  const digest = createHash("sha256");
  digest.update(itemId).update("\u0000").update(reporter);
  return `c-${digest.digest("hex").slice(0, 24)}`;
}

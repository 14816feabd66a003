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

/**
 * What a complaint is about: one provider's item. Item ids are the
 * provider's own, so two providers may use the same id; complaints about
 * one must never suppress the other's push. The provider id's length
 * prefix keeps the key unambiguous whatever characters the ids hold.
 */
export function complaintSubject(providerId: string, itemId: string): string {
  return `${providerId.length}:${providerId}:${itemId}`;
}

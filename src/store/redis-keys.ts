/**
 * Key names of the Redis store.
 *
 * Every key of one user carries the hash tag `{u:<id>}`, so a Cluster keeps
 * them in one slot and a single script may touch them all. Complaints are
 * per item, indexed in two sorted sets under the `{complaints}` tag; on a
 * Cluster each item's reporters carry that tag too, so that one script adds
 * a complaint and updates the index in one slot.
 */

/** The keys of one user. */
export interface UserKeys {
  /** Sorted set of deliveries, scored by time. */
  readonly deliveries: string;
  /** Hash: dismissal streak, last dismissal, unsubscribed, sequence. */
  readonly state: string;
  /** Sorted set of delivery and feedback ids, scored by expiry time. */
  readonly ids: string;
}

/** The keys of one item's complaints. */
export interface ComplaintKeys {
  /** Set of reporters. */
  readonly reporters: string;
}

/** The index of complained items, shared by all items. */
export interface ComplaintIndexKeys {
  /** Sorted set of item ids scored by their count of reporters. */
  readonly byCount: string;
  /** Sorted set of item ids scored by when their complaints expire. */
  readonly byExpiry: string;
}

/** Builds the keys of one user. */
export function userKeys(prefix: string, userId: string): UserKeys {
  const base = `${prefix}{u:${userId}}`;
  return {
    deliveries: `${base}:d`,
    state: `${base}:s`,
    ids: `${base}:ids`,
  };
}

/**
 * Builds the keys of one item's complaints. `oneSlot` puts every item in
 * the `{complaints}` slot, beside the index: needed on a Cluster, where a
 * script must not cross slots. Item keys end in `:r`, index keys never do.
 */
export function complaintKeys(
  prefix: string,
  itemId: string,
  oneSlot: boolean,
): ComplaintKeys {
  const base = oneSlot
    ? `${prefix}{complaints}:${itemId}`
    : `${prefix}{c:${itemId}}`;
  return { reporters: `${base}:r` };
}

/** Builds the keys of the complaint index; always in one slot. */
export function complaintIndexKeys(prefix: string): ComplaintIndexKeys {
  const base = `${prefix}{complaints}`;
  return { byCount: `${base}:by-count`, byExpiry: `${base}:by-expiry` };
}

/** Rejects prefixes that would move the hash tag out of the id. */
export function checkKeyPrefix(prefix: string): string {
  if (/[{}]/.test(prefix)) {
    throw new RangeError(`keyPrefix ${prefix} must not contain braces`);
  }
  return prefix;
}

/**
 * Key names of the Redis store.
 *
 * Every key of one user carries the hash tag `{u:<id>}`, so a Cluster keeps
 * them in one slot and a single script may touch them all. Complaints are
 * per item; on a Cluster they all carry the `{complaints}` tag instead, so
 * that the counts of a whole request are read with one MGET.
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
  /** Count of reporters, a plain string, so counts are read with MGET. */
  readonly count: string;
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
 * the `{complaints}` slot: needed on a Cluster, where MGET must not cross
 * slots, at the price of one hot slot (see `RedisStore`).
 */
export function complaintKeys(
  prefix: string,
  itemId: string,
  oneSlot: boolean,
): ComplaintKeys {
  const base = oneSlot
    ? `${prefix}{complaints}:${itemId}`
    : `${prefix}{c:${itemId}}`;
  return { reporters: `${base}:r`, count: `${base}:n` };
}

/** Rejects prefixes that would move the hash tag out of the id. */
export function checkKeyPrefix(prefix: string): string {
  if (/[{}]/.test(prefix)) {
    throw new RangeError(`keyPrefix ${prefix} must not contain braces`);
  }
  return prefix;
}

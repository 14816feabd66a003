import type { ScreenRequest } from "../gen/pushguard/v1/pushguard_pb.js";
import type { Policy } from "../policy/policy.js";
import { StoreUnavailableError } from "../store/errors.js";
import type { StateStore, UserState } from "../store/store.js";
import {
  MAX_SUPPRESSED_ITEMS,
  watchedThreshold,
  type SuppressionCache,
} from "./complaints.js";

/** A user with no history: what rules see when the store is down. */
export const EMPTY_STATE: UserState = {
  deliveries: [],
  dismissalStreak: 0,
  lastDismissalMs: undefined,
  unsubscribed: false,
};

/** What one Screen knows from the store. */
export interface StateRead {
  readonly state: UserState;
  /** Complaint counts of the suppressed items (Art. 6). */
  readonly complaints: ReadonlyMap<string, number>;
  /** False when the user's state could not be read in time. */
  readonly available: boolean;
}

/**
 * Reads the user's state: one store call, so one Redis round trip. The
 * suppressed items come from the replica's `SuppressionCache`, which keeps
 * its last known set when the store is down. An unavailable store is not
 * an error here: the rules that need state decide, per the policy, whether
 * to fail open or closed, and the per-item rules still run.
 *
 * Without a cache (offline replay and policy tests, on in-process memory
 * stores) the suppressed items are read beside the state, as of `nowMs`.
 */
export async function readState(
  store: StateStore,
  policy: Policy,
  request: ScreenRequest,
  nowMs: number,
  suppression?: SuppressionCache,
): Promise<StateRead> {
  const userId = request.user?.id ?? "";
  if (suppression !== undefined) {
    const complaints = suppression.countsFor(policy);
    return { ...(await readUser(store, userId, nowMs)), complaints };
  }
  const [user, complaints] = await Promise.all([
    readUser(store, userId, nowMs),
    suppressedNow(store, policy, nowMs),
  ]);
  return { ...user, complaints };
}

async function readUser(store: StateStore, userId: string, nowMs: number) {
  try {
    return { state: await store.readUser(userId, nowMs), available: true };
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    return { state: EMPTY_STATE, available: false };
  }
}

/** The suppressed items read directly, when no cache holds them. */
async function suppressedNow(
  store: StateStore,
  policy: Policy,
  nowMs: number,
): Promise<ReadonlyMap<string, number>> {
  const minComplaints = watchedThreshold(policy);
  if (minComplaints === undefined) return new Map();
  try {
    const limit = MAX_SUPPRESSED_ITEMS;
    return await store.suppressedItems({ minComplaints, nowMs, limit });
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    return new Map();
  }
}

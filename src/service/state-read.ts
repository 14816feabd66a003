import type { ScreenRequest } from "../gen/pushguard/v1/pushguard_pb.js";
import type { Policy } from "../policy/policy.js";
import { StoreUnavailableError } from "../store/errors.js";
import type { StateStore, UserState } from "../store/store.js";

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
  readonly complaints: ReadonlyMap<string, number>;
  /** False when the store could not answer in time. */
  readonly available: boolean;
}

/**
 * Reads the user's state and, when a rule needs them, the complaint counts
 * of the request's items, in parallel. An unavailable store is not an
 * error here: the rules that need state decide, per the policy, whether to
 * fail open or closed, and the per-item content rules still run.
 */
export async function readState(
  store: StateStore,
  policy: Policy,
  request: ScreenRequest,
  nowMs: number,
): Promise<StateRead> {
  try {
    const [state, complaints] = await Promise.all([
      store.readUser(request.user?.id ?? "", nowMs),
      complaintCountsFor(store, policy, request),
    ]);
    return { state, complaints, available: true };
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    return { state: EMPTY_STATE, complaints: new Map(), available: false };
  }
}

/**
 * Complaints are per item, not per user, so they live apart from the
 * user's state; they are read only when a rule that runs needs them.
 */
async function complaintCountsFor(
  store: StateStore,
  policy: Policy,
  request: ScreenRequest,
): Promise<ReadonlyMap<string, number>> {
  const needed = policy.rules.some((placed) => placed.rule.needsComplaints);
  if (!needed || request.candidates.length === 0) return new Map();
  return store.complaintCounts(request.candidates.map((c) => c.id));
}

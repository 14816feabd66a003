/**
 * The state store keeps what pushguard remembers about users and items.
 *
 * It is shaped for one round trip per Screen: `readUser` returns everything
 * the rules need about one user at once, and `commit` checks the caps and
 * records the deliveries in one atomic step, so that concurrent requests for
 * one user never exceed a cap. Complaints are per item, not per user: the
 * service reads them off the request path with `suppressedItems`.
 */
export interface StateStore {
  /** Name used in metrics and logs: `memory`, `redis`, `redis-cluster`. */
  readonly kind: string;
  /** Everything known about one user that the rules need, in one read. */
  readUser(userId: string, nowMs: number): Promise<UserState>;
  /**
   * Checks the caps against the recorded deliveries and records as many of
   * the planned deliveries as fit, in order, atomically.
   */
  commit(userId: string, plan: CommitPlan): Promise<CommitResult>;
  /** Records one sent push. Idempotent by `deliveryId`. */
  recordDelivery(userId: string, delivery: DeliveryInput): Promise<boolean>;
  /** Records one reaction to a push. Idempotent by `feedbackId`. */
  recordFeedback(userId: string, feedback: FeedbackInput): Promise<boolean>;
  /** Stores a complaint. Idempotent per reporter and item. */
  addComplaint(complaint: ComplaintInput): Promise<ComplaintResult>;
  /**
   * The items whose complaints reach `minComplaints` and have not expired,
   * with their counts: the whole suppressed set in one read, so that each
   * replica can hold it in memory and a Screen reads no complaints at all.
   * Most complained first (ties by item id, descending), at most `limit`.
   */
  suppressedItems(query: SuppressedQuery): Promise<Map<string, number>>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** One push recorded for a user. */
export interface DeliveryRecord {
  readonly itemId: string;
  readonly atMs: number;
  /** Topics of the item; always empty for minors (Art. 5(7)). */
  readonly topics: readonly string[];
  /** Regulation classes of the item (e.g. `disaster`); empty for minors. */
  readonly classes: readonly string[];
  /** The item was a consumption prompt (promotion or ad). */
  readonly consumption: boolean;
}

/** What the store knows about one user. */
export interface UserState {
  /** Recent deliveries, oldest first, bounded by the store's retention. */
  readonly deliveries: readonly DeliveryRecord[];
  /** Dismissals in a row since the last open. */
  readonly dismissalStreak: number;
  /** Time of the last dismissal, if any. */
  readonly lastDismissalMs: number | undefined;
  /** The user unsubscribed through feedback. */
  readonly unsubscribed: boolean;
}

/** A cap over a rolling window: at most `limit` pushes in `windowMs`. */
export interface WindowCap {
  readonly name: string;
  readonly windowMs: number;
  readonly limit: number;
  /**
   * Which pushes the cap counts and holds back: every push (the default),
   * only consumption prompts (ads and promotions, Art. 5(7)), or only
   * pushes of one regulation class (`class:disaster`, Art. 5(4)). Other
   * pushes neither count against a scoped cap nor wait for it.
   */
  readonly scope?: CapScope;
}

/** What a cap counts. */
export type CapScope = "all" | "consumption" | ClassScope;

/** The pushes of one regulation class: `class:disaster`. */
export type ClassScope = `class:${string}`;

const CLASS_PREFIX = "class:";

/** The scope of a cap on one regulation class, e.g. `class:disaster`. */
export function classScope(regulationClass: string): ClassScope {
  return `${CLASS_PREFIX}${regulationClass}`;
}

/** The regulation class a cap counts, or undefined for other scopes. */
export function capClass(cap: WindowCap): string | undefined {
  const scope = cap.scope ?? "all";
  return scope.startsWith(CLASS_PREFIX)
    ? scope.slice(CLASS_PREFIX.length)
    : undefined;
}

/** True when `delivery` counts against `cap`. */
export function countsAgainst(
  cap: WindowCap,
  delivery: Pick<DeliveryRecord, "consumption" | "classes">,
): boolean {
  const scope = cap.scope ?? "all";
  if (scope === "all") return true;
  if (scope === "consumption") return delivery.consumption;
  return delivery.classes.includes(capClass(cap) ?? "");
}

/**
 * True when the cap counts and holds back every push; false for caps
 * scoped to prompts or to a class, which hold back only their own pushes
 * (so they neither name a race's owner nor delay the next push).
 */
export function limitsEveryPush(cap: WindowCap): boolean {
  return (cap.scope ?? "all") === "all";
}

/** What a commit should record, and under which caps. */
export interface CommitPlan {
  readonly nowMs: number;
  /** Deliveries to record, in push order. */
  readonly deliveries: readonly DeliveryRecord[];
  /** Every cap must still hold after the recorded deliveries. */
  readonly caps: readonly WindowCap[];
  /** Minimum time between two pushes; 0 for none. */
  readonly minGapMs: number;
}

/** How many planned deliveries were recorded. */
export interface CommitResult {
  /** The first `accepted` deliveries of the plan were recorded. */
  readonly accepted: number;
  /** The user's state after the commit. */
  readonly state: UserState;
}

/** A push reported by the sender. */
export interface DeliveryInput {
  readonly deliveryId: string;
  readonly record: DeliveryRecord;
}

/** Feedback events that the state model distinguishes. */
export type FeedbackEventName =
  "opened" | "dismissed" | "closed" | "see_less" | "unsubscribed";

/** A reaction reported by the sender. */
export interface FeedbackInput {
  readonly feedbackId: string;
  readonly itemId: string;
  readonly event: FeedbackEventName;
  readonly atMs: number;
}

/** A public complaint (Art. 6). */
export interface ComplaintInput {
  readonly itemId: string;
  readonly providerId: string;
  readonly reporter: string;
  readonly reason: string;
  readonly details: string;
  readonly atMs: number;
}

/** The outcome of storing a complaint. */
export interface ComplaintResult {
  readonly complaintId: string;
  readonly recorded: boolean;
  readonly complaints: number;
}

/** Which suppressed items to read, as of when. */
export interface SuppressedQuery {
  /** Least distinct complaints an item needs to be returned; >= 1. */
  readonly minComplaints: number;
  /** Complaints last made a whole retention before this have expired. */
  readonly nowMs: number;
  /** Most items returned; >= 1. */
  readonly limit: number;
}

/** Rejects a query a backend could read wrongly (0, fractions, NaN). */
export function checkSuppressedQuery(query: SuppressedQuery): void {
  const { minComplaints, nowMs, limit } = query;
  if (!(Number.isInteger(minComplaints) && minComplaints >= 1)) {
    throw new RangeError(`minComplaints ${minComplaints} must be >= 1`);
  }
  if (!(Number.isInteger(limit) && limit >= 1)) {
    throw new RangeError(`limit ${limit} must be >= 1`);
  }
  if (!Number.isFinite(nowMs)) {
    throw new RangeError(`nowMs ${nowMs} must be a finite time`);
  }
}

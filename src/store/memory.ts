import { complaintId } from "./complaint-id.js";
import type {
  CommitPlan,
  CommitResult,
  ComplaintInput,
  ComplaintResult,
  DeliveryInput,
  DeliveryRecord,
  FeedbackInput,
  StateStore,
  SuppressedQuery,
  UserState,
  WindowCap,
} from "./store.js";
import { checkSuppressedQuery, countsAgainst } from "./store.js";

/** Settings of the embedded store; every field has a default. */
export interface MemoryStoreOptions {
  /**
   * How long deliveries and idempotency ids are kept. Must cover the
   * longest window of the policy. Defaults to 8 days.
   */
  readonly retentionMs?: number;
  /**
   * How long an item's complaints are kept after its latest one, as in the
   * Redis store. Defaults to 30 days.
   */
  readonly complaintRetentionMs?: number;
  /**
   * Most deliveries kept per user; must exceed the largest cap limit.
   * Defaults to 200.
   */
  readonly maxDeliveriesPerUser?: number;
}

/** Default retention: a week-long window plus a day of time-zone slack. */
export const DEFAULT_RETENTION_MS = 8 * 24 * 3_600_000;
/** Default retention of complaints, after an item's latest complaint. */
export const DEFAULT_COMPLAINT_RETENTION_MS = 30 * 24 * 3_600_000;
/** Default bound on deliveries kept per user. */
export const DEFAULT_MAX_DELIVERIES = 200;
/** Idempotency ids kept per user, as a multiple of the delivery bound. */
const IDS_PER_DELIVERY = 4;
/** Writes between two sweeps of users whose state has all expired. */
const SWEEP_EVERY_WRITES = 1024;

interface UserRecord {
  deliveries: DeliveryRecord[];
  dismissalStreak: number;
  lastDismissalMs: number | undefined;
  unsubscribed: boolean;
  /** Delivery and feedback ids seen, with the time they expire. */
  readonly seenIds: Map<string, number>;
  /** Latest time this user was written, to expire the whole record. */
  touchedMs: number;
}

interface ItemComplaints {
  readonly reporters: Set<string>;
  touchedMs: number;
}

/**
 * The embedded store for a single process: the default when no Redis is
 * configured. It keeps the same bounds as the Redis store (retention, at
 * most N deliveries per user, expiring idempotency ids) so that a long-running
 * process stays flat in memory. Time comes from the callers (`nowMs`,
 * `atMs`), never from the wall clock, so replays and tests are exact.
 */
export class MemoryStore implements StateStore {
  readonly kind = "memory";
  private readonly retentionMs: number;
  private readonly complaintRetentionMs: number;
  private readonly maxDeliveries: number;
  private readonly users = new Map<string, UserRecord>();
  private readonly complaints = new Map<string, ItemComplaints>();
  private latestMs = Number.NEGATIVE_INFINITY;
  private writes = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.maxDeliveries = options.maxDeliveriesPerUser ?? DEFAULT_MAX_DELIVERIES;
    this.complaintRetentionMs =
      options.complaintRetentionMs ?? DEFAULT_COMPLAINT_RETENTION_MS;
    assertPositive("retentionMs", this.retentionMs);
    assertPositive("complaintRetentionMs", this.complaintRetentionMs);
    assertPositive("maxDeliveriesPerUser", this.maxDeliveries);
  }

  readUser(userId: string, nowMs: number): Promise<UserState> {
    const user = this.users.get(userId);
    if (user === undefined) return Promise.resolve(emptyState());
    const sinceMs = nowMs - this.retentionMs;
    return Promise.resolve(
      snapshot(
        user,
        user.deliveries.filter((d) => d.atMs > sinceMs),
      ),
    );
  }

  commit(userId: string, plan: CommitPlan): Promise<CommitResult> {
    const user = this.writeUser(userId, plan.nowMs);
    this.bound(user, plan.nowMs);
    const accepted = fittingPrefix(user.deliveries, plan);
    for (const delivery of plan.deliveries.slice(0, accepted)) {
      insertByTime(user.deliveries, copyRecord(delivery));
    }
    this.bound(user, plan.nowMs);
    return Promise.resolve({ accepted, state: snapshot(user) });
  }

  recordDelivery(userId: string, input: DeliveryInput): Promise<boolean> {
    const atMs = input.record.atMs;
    const user = this.writeUser(userId, atMs);
    const fresh = this.markSeen(user, `d:${input.deliveryId}`, atMs);
    if (fresh) insertByTime(user.deliveries, copyRecord(input.record));
    this.bound(user, Math.max(atMs, latestAt(user.deliveries) ?? atMs));
    return Promise.resolve(fresh);
  }

  recordFeedback(userId: string, feedback: FeedbackInput): Promise<boolean> {
    const user = this.writeUser(userId, feedback.atMs);
    const fresh = this.markSeen(
      user,
      `f:${feedback.feedbackId}`,
      feedback.atMs,
    );
    if (fresh) applyFeedback(user, feedback);
    this.bound(user, user.touchedMs);
    return Promise.resolve(fresh);
  }

  addComplaint(complaint: ComplaintInput): Promise<ComplaintResult> {
    this.noteWrite(complaint.atMs);
    const item = this.complaintsOf(complaint.itemId, complaint.atMs);
    const recorded = !item.reporters.has(complaint.reporter);
    item.reporters.add(complaint.reporter);
    item.touchedMs = Math.max(item.touchedMs, complaint.atMs);
    return Promise.resolve({
      complaintId: complaintId(complaint.itemId, complaint.reporter),
      recorded,
      complaints: item.reporters.size,
    });
  }

  suppressedItems(query: SuppressedQuery): Promise<Map<string, number>> {
    try {
      checkSuppressedQuery(query);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const sinceMs = query.nowMs - this.complaintRetentionMs;
    const rows: [string, number][] = [];
    for (const [itemId, item] of this.complaints) {
      const count = item.reporters.size;
      if (count >= query.minComplaints && item.touchedMs > sinceMs) {
        rows.push([itemId, count]);
      }
    }
    rows.sort(mostComplainedFirst);
    return Promise.resolve(new Map(rows.slice(0, query.limit)));
  }

  close(): Promise<void> {
    this.users.clear();
    this.complaints.clear();
    return Promise.resolve();
  }

  /** Number of users held, for tests of the memory bound. */
  get userCount(): number {
    return this.users.size;
  }

  private writeUser(userId: string, atMs: number): UserRecord {
    this.noteWrite(atMs);
    let user = this.users.get(userId);
    if (user === undefined) {
      user = newUser(atMs);
      this.users.set(userId, user);
    }
    user.touchedMs = Math.max(user.touchedMs, atMs);
    return user;
  }

  /** The item's complaints; expired ones are forgotten, as Redis does. */
  private complaintsOf(itemId: string, atMs: number): ItemComplaints {
    let item = this.complaints.get(itemId);
    if (
      item === undefined ||
      item.touchedMs <= atMs - this.complaintRetentionMs
    ) {
      item = { reporters: new Set(), touchedMs: Number.NEGATIVE_INFINITY };
      this.complaints.set(itemId, item);
    }
    return item;
  }

  /** Records an idempotency id; false when it was already seen. */
  private markSeen(user: UserRecord, id: string, atMs: number): boolean {
    const expiresMs = user.seenIds.get(id);
    if (expiresMs !== undefined && expiresMs > atMs) return false;
    user.seenIds.delete(id);
    user.seenIds.set(id, atMs + this.retentionMs);
    return true;
  }

  /** Drops what is older than retention and what exceeds the bounds. */
  private bound(user: UserRecord, nowMs: number): void {
    const sinceMs = nowMs - this.retentionMs;
    const kept = user.deliveries.filter((d) => d.atMs > sinceMs);
    user.deliveries = kept.slice(-this.maxDeliveries);
    const maxIds = this.maxDeliveries * IDS_PER_DELIVERY;
    for (const [id, expiresMs] of user.seenIds) {
      if (expiresMs > nowMs && user.seenIds.size <= maxIds) break;
      user.seenIds.delete(id);
    }
  }

  private noteWrite(atMs: number): void {
    this.latestMs = Math.max(this.latestMs, atMs);
    this.writes += 1;
    if (this.writes % SWEEP_EVERY_WRITES === 0) this.sweep();
  }

  /** Forgets users and items not written within their retention. */
  private sweep(): void {
    const sinceMs = this.latestMs - this.retentionMs;
    for (const [userId, user] of this.users) {
      if (user.touchedMs <= sinceMs) this.users.delete(userId);
    }
    const complainedSinceMs = this.latestMs - this.complaintRetentionMs;
    for (const [itemId, item] of this.complaints) {
      if (item.touchedMs <= complainedSinceMs) this.complaints.delete(itemId);
    }
  }
}

/** Most complaints first; ties by item id descending, as Redis orders. */
function mostComplainedFirst(
  [itemA, countA]: [string, number],
  [itemB, countB]: [string, number],
): number {
  if (countA !== countB) return countB - countA;
  if (itemA === itemB) return 0;
  return itemA < itemB ? 1 : -1;
}

/**
 * How many planned deliveries fit, in order: each must leave every cap
 * within its limit (counting recorded deliveries in the window plus the ones
 * accepted before it) and keep the minimum gap after the last push.
 */
function fittingPrefix(
  recorded: readonly DeliveryRecord[],
  plan: CommitPlan,
): number {
  const counts = plan.caps.map((cap) => countInWindow(recorded, cap, plan));
  let lastMs = latestAt(recorded);
  let accepted = 0;
  for (const delivery of plan.deliveries) {
    if (!keepsGap(lastMs, delivery.atMs, plan.minGapMs)) break;
    const binding = plan.caps.map((cap) => countsAgainst(cap, delivery));
    const full = plan.caps.some(
      (cap, i) => binding[i] && (counts[i] ?? 0) >= cap.limit,
    );
    if (full) break;
    for (let i = 0; i < counts.length; i += 1) {
      if (binding[i]) counts[i] = (counts[i] ?? 0) + 1;
    }
    lastMs = Math.max(lastMs ?? delivery.atMs, delivery.atMs);
    accepted += 1;
  }
  return accepted;
}

function countInWindow(
  recorded: readonly DeliveryRecord[],
  cap: WindowCap,
  plan: CommitPlan,
): number {
  const sinceMs = plan.nowMs - cap.windowMs;
  return recorded.filter((d) => d.atMs > sinceMs && countsAgainst(cap, d))
    .length;
}

function latestAt(recorded: readonly DeliveryRecord[]): number | undefined {
  return recorded.reduce<number | undefined>(
    (latest, d) => Math.max(latest ?? d.atMs, d.atMs),
    undefined,
  );
}

function keepsGap(
  lastMs: number | undefined,
  atMs: number,
  minGapMs: number,
): boolean {
  return minGapMs <= 0 || lastMs === undefined || atMs - lastMs >= minGapMs;
}

function applyFeedback(user: UserRecord, feedback: FeedbackInput): void {
  switch (feedback.event) {
    case "opened":
      user.dismissalStreak = 0;
      return;
    case "unsubscribed":
      user.unsubscribed = true;
      return;
    case "dismissed":
    case "closed":
    case "see_less":
      user.dismissalStreak += 1;
      user.lastDismissalMs = Math.max(
        user.lastDismissalMs ?? feedback.atMs,
        feedback.atMs,
      );
  }
}

/** Inserts keeping deliveries oldest first; late reports land in place. */
function insertByTime(list: DeliveryRecord[], record: DeliveryRecord): void {
  let index = list.length;
  while (index > 0 && (list[index - 1]?.atMs ?? 0) > record.atMs) index -= 1;
  list.splice(index, 0, record);
}

/** Copies a record so callers cannot change stored state afterwards. */
function copyRecord(record: DeliveryRecord): DeliveryRecord {
  return {
    itemId: record.itemId,
    atMs: record.atMs,
    topics: [...record.topics],
    classes: [...record.classes],
    consumption: record.consumption,
  };
}

function snapshot(
  user: UserRecord,
  deliveries: readonly DeliveryRecord[] = user.deliveries,
): UserState {
  return {
    deliveries: [...deliveries],
    dismissalStreak: user.dismissalStreak,
    lastDismissalMs: user.lastDismissalMs,
    unsubscribed: user.unsubscribed,
  };
}

function newUser(atMs: number): UserRecord {
  return {
    deliveries: [],
    dismissalStreak: 0,
    lastDismissalMs: undefined,
    unsubscribed: false,
    seenIds: new Map(),
    touchedMs: atMs,
  };
}

function emptyState(): UserState {
  return {
    deliveries: [],
    dismissalStreak: 0,
    lastDismissalMs: undefined,
    unsubscribed: false,
  };
}

function assertPositive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} ${value} must be > 0`);
  }
}

/**
 * Art. 6 suppression without a complaint read per Screen.
 *
 * Complaints are per item and change rarely; a user's state is per user and
 * is read on every Screen. Reading both would cost a Screen two store calls
 * (on a Cluster, two round trips to two nodes). Instead each replica holds
 * the set of items whose complaints reach the policy's threshold, and
 * refreshes it off the request path. The replica that takes a complaint
 * updates its set at once; the others see it within one refresh interval.
 */
import type { Logger } from "../log/logger.js";
import type { Policy } from "../policy/policy.js";
import { StoreUnavailableError } from "../store/errors.js";
import type { StateStore } from "../store/store.js";
import type { PolicyHolder } from "./policy-holder.js";

/**
 * Most suppressed items a replica holds and reads per refresh: about a
 * megabyte, and a bounded reply from the store. The most complained items
 * are kept first; reaching the bound is logged.
 */
export const MAX_SUPPRESSED_ITEMS = 10_000;

/**
 * The lowest threshold of the base rules' enforced Art. 6 rules: the count
 * at which ReportComplaint answers that the item is suppressed.
 */
export function suppressionThreshold(policy: Policy): number | undefined {
  const enforced = policy.rules.filter((placed) => placed.mode === "enforce");
  return lowest(enforced.map((placed) => placed.rule.complaintThreshold));
}

const watched = new WeakMap<Policy, number | undefined>();

/**
 * The lowest threshold of every Art. 6 rule that runs, enforced or shadow,
 * on any surface: the counts those rules may ask for, so the set must hold
 * every item at or above it. Computed once per policy.
 */
export function watchedThreshold(policy: Policy): number | undefined {
  if (watched.has(policy)) return watched.get(policy);
  const surfaces = [policy.base, ...policy.surfaces.values()];
  const rules = surfaces.flatMap((surface) => surface.rules);
  const threshold = lowest(
    rules.map((placed) => placed.rule.complaintThreshold),
  );
  watched.set(policy, threshold);
  return threshold;
}

function lowest(thresholds: readonly (number | undefined)[]) {
  const known = thresholds.filter((threshold) => threshold !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
}

/** What the cache reads from, and how often. */
export interface SuppressionCacheOptions {
  /** The store; pass the instrumented one so that failures are counted. */
  readonly store: StateStore;
  readonly policies: PolicyHolder;
  /** Time between the end of one refresh and the start of the next. */
  readonly refreshMs: number;
  /** Most items held. Defaults to `MAX_SUPPRESSED_ITEMS`. */
  readonly maxItems?: number;
  /** Server clock, for the expiry of complaints. */
  readonly clock?: () => number;
  readonly log?: Logger;
}

/**
 * The suppressed items of this replica, with their complaint counts. Reads
 * never wait on the store: a Screen gets the last known set. When the store
 * fails, the last known set stays (and the instrumented store counts the
 * failure), so an outage does not release suppressed items.
 */
export class SuppressionCache {
  readonly #options: SuppressionCacheOptions;
  readonly #maxItems: number;
  #items = new Map<string, number>();
  /** The threshold last asked of the store, answered or not. */
  #asked: number | undefined;
  /** Complaints noted while a refresh is in flight, merged into its set. */
  #noted: Map<string, number> | undefined;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;
  #full = false;
  #stopped = false;

  constructor(options: SuppressionCacheOptions) {
    this.#options = options;
    this.#maxItems = options.maxItems ?? MAX_SUPPRESSED_ITEMS;
  }

  /**
   * Reads the set once, so a new replica does not admit suppressed items,
   * then refreshes every `refreshMs` until `stop()`. A failed first read
   * does not stop the start: the timer tries again.
   */
  async start(): Promise<this> {
    await this.refresh();
    clearTimeout(this.#timer);
    this.#schedule();
    return this;
  }

  /** Stops refreshing; a refresh in flight ends without a next one. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /**
   * The counts the Art. 6 rules of `policy` read. A policy that asks for a
   * lower threshold than the set was read with (a reload) starts a refresh
   * at once rather than wait for the timer.
   */
  countsFor(policy: Policy): ReadonlyMap<string, number> {
    const wanted = watchedThreshold(policy);
    const stale = wanted !== undefined && wanted !== this.#asked;
    if (stale && !this.#stopped) void this.refresh();
    return this.#items;
  }

  /**
   * A complaint was stored and the item now has `complaints`; an item at or
   * above the threshold is suppressed on this replica at once.
   */
  noteComplaint(itemId: string, complaints: number): void {
    const threshold = watchedThreshold(this.#options.policies.current());
    if (threshold === undefined || complaints < threshold) return;
    if (this.#put(this.#items, itemId, complaints)) {
      this.#noted?.set(itemId, complaints);
    }
  }

  /** Reads the set from the store now; one read at a time. */
  refresh(): Promise<void> {
    this.#inFlight ??= this.#read().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Items held now. */
  get size(): number {
    return this.#items.size;
  }

  async #read(): Promise<void> {
    const minComplaints = watchedThreshold(this.#options.policies.current());
    this.#asked = minComplaints;
    if (minComplaints === undefined) return this.#replace(new Map(), undefined);
    this.#noted = new Map();
    try {
      const items = await this.#options.store.suppressedItems({
        minComplaints,
        nowMs: (this.#options.clock ?? Date.now)(),
        limit: this.#maxItems,
      });
      for (const [itemId, n] of this.#noted) this.#put(items, itemId, n);
      this.#replace(items, minComplaints);
    } catch (error) {
      this.#failed(error);
    } finally {
      this.#noted = undefined;
    }
  }

  /** Sets a count within the bound; false when the set is full. */
  #put(items: Map<string, number>, itemId: string, count: number): boolean {
    if (!items.has(itemId) && items.size >= this.#maxItems) return false;
    items.set(itemId, Math.max(count, items.get(itemId) ?? 0));
    return true;
  }

  #replace(items: Map<string, number>, threshold: number | undefined): void {
    this.#items = items;
    if (this.#failing) {
      this.#options.log?.info({ items: items.size }, "complaint refresh ok");
    }
    this.#failing = false;
    const full = items.size >= this.#maxItems;
    if (full && !this.#full) {
      this.#options.log?.warn(
        { limit: this.#maxItems, threshold },
        "suppressed items reached the bound; least complained left out",
      );
    }
    this.#full = full;
  }

  #failed(error: unknown): void {
    if (!(error instanceof StoreUnavailableError)) {
      this.#options.log?.error({ err: error }, "complaint refresh failed");
    } else if (!this.#failing && !this.#stopped) {
      this.#options.log?.warn(
        { err: error, kept: this.#items.size },
        "complaint refresh failed; keeping the last known suppressed items",
      );
    }
    this.#failing = true;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.refresh().then(() => this.#schedule());
    }, this.#options.refreshMs);
    this.#timer.unref();
  }
}

import type {
  CommitPlan,
  ComplaintInput,
  DeliveryInput,
  FeedbackInput,
  StateStore,
  SuppressedQuery,
} from "../store/store.js";
import type { Metrics } from "./metrics.js";

/**
 * A StateStore that times every call of the store it wraps and counts its
 * failures, under the wrapped store's `kind`. Kept outside the stores so
 * that every backend (memory, Redis, Redis Cluster, a test fake) reports
 * the same metrics without knowing about Prometheus.
 */
export class InstrumentedStore implements StateStore {
  readonly kind: string;

  constructor(
    private readonly inner: StateStore,
    private readonly metrics: Metrics,
  ) {
    this.kind = inner.kind;
  }

  readUser(userId: string, nowMs: number) {
    return this.timed("read_user", () => this.inner.readUser(userId, nowMs));
  }

  commit(userId: string, plan: CommitPlan) {
    return this.timed("commit", () => this.inner.commit(userId, plan));
  }

  recordDelivery(userId: string, delivery: DeliveryInput) {
    return this.timed("record_delivery", () =>
      this.inner.recordDelivery(userId, delivery),
    );
  }

  recordFeedback(userId: string, feedback: FeedbackInput) {
    return this.timed("record_feedback", () =>
      this.inner.recordFeedback(userId, feedback),
    );
  }

  addComplaint(complaint: ComplaintInput) {
    return this.timed("add_complaint", () =>
      this.inner.addComplaint(complaint),
    );
  }

  suppressedItems(query: SuppressedQuery) {
    return this.timed("suppressed_items", () =>
      this.inner.suppressedItems(query),
    );
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async timed<T>(operation: string, run: () => Promise<T>) {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await run();
      this.metrics.observeStore(this.kind, operation, seconds(), "ok");
      return result;
    } catch (error) {
      this.metrics.observeStore(this.kind, operation, seconds(), "error");
      throw error;
    }
  }
}

import type { Logger } from "../log/logger.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Decision } from "../service/screen.js";
import { decisionJson } from "./entry.js";
import type { LineSink } from "./sink.js";
import type { UserHasher } from "./user-hash.js";

/** Decisions waiting for the next turn of the event loop. Defaults to 4096. */
export const DEFAULT_MAX_PENDING = 4096;

/** What a decision log writes with. */
export interface DecisionLogDeps {
  readonly sink: LineSink;
  readonly hashUser: UserHasher;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly maxPending?: number;
}

/**
 * The compliance record: one JSON line per decision. `record` only queues
 * the decision, so a request pays for an array push; lines are built and
 * written on the next turn of the event loop. Both the queue and the sink's
 * buffer are bounded, and every line lost to a full one is counted in
 * `pushguard_decision_log_lines_dropped_total` rather than held in memory.
 */
export class DecisionLog {
  #pending: Decision[] = [];
  #scheduled = false;
  readonly #maxPending: number;

  constructor(private readonly deps: DecisionLogDeps) {
    this.#maxPending = deps.maxPending ?? DEFAULT_MAX_PENDING;
  }

  /** Queues one decision; counts it dropped when the queue is full. */
  record(decision: Decision): void {
    if (this.#pending.length >= this.#maxPending) {
      this.deps.metrics.decisionLogDropped.inc();
      return;
    }
    this.#pending.push(decision);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes every queued decision to the sink. */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    let written = 0;
    for (const decision of batch) {
      if (this.#write(decision)) written++;
    }
    this.deps.metrics.decisionLogWritten.inc(written);
    this.deps.metrics.decisionLogDropped.inc(batch.length - written);
  }

  /** Writes what is queued, then closes the destination. */
  async close(): Promise<void> {
    this.flush();
    await this.deps.sink.close();
  }

  #write(decision: Decision): boolean {
    try {
      const line = decisionJson(decision, this.deps.hashUser);
      return this.deps.sink.write(`${line}\n`);
    } catch (error) {
      this.deps.log.error({ err: error }, "decision log line not built");
      return false;
    }
  }
}

/** A decision log that writes nothing, for `PUSHGUARD_DECISION_LOG=off`. */
export const NO_DECISION_LOG = {
  record: () => undefined,
  close: () => Promise.resolve(),
} satisfies Pick<DecisionLog, "record" | "close">;

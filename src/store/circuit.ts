/**
 * A small circuit breaker shared by every call a store makes to Redis.
 *
 * After `failureThreshold` failures in a row it opens: calls are refused at
 * once, without touching the network, so a Screen under load does not queue
 * behind a dead Redis. After `resetTimeoutMs` one trial call is let through
 * (half-open); its success closes the circuit, its failure opens it again.
 *
 * Written here rather than taken from `opossum` because the store needs one
 * breaker around many different commands with typed results, a time source
 * the tests can drive, and no background timers (opossum keeps rolling
 * statistics on an interval and wraps one action per breaker).
 */

/** The three states, named as metrics and logs show them. */
export type CircuitState = "closed" | "open" | "half-open";

/** Settings of a breaker; every field has a default. */
export interface CircuitOptions {
  /** Failures in a row that open the circuit. Defaults to 5. */
  readonly failureThreshold?: number;
  /** Time the circuit stays open before one trial. Defaults to 1 second. */
  readonly resetTimeoutMs?: number;
  /** Called on every change of state, for metrics and logs. */
  readonly onStateChange?: (state: CircuitState) => void;
  /** Which errors count as failures; defaults to every error. */
  readonly isFailure?: (error: unknown) => boolean;
  /** Time source in milliseconds; defaults to `Date.now`. */
  readonly now?: () => number;
}

/** Thrown, without calling the operation, while the circuit is open. */
export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";
}

/** Guards calls to one dependency; see the module comment. */
export class CircuitBreaker {
  private current: CircuitState = "closed";
  private failures = 0;
  private openedAtMs = 0;
  private readonly failureThreshold: number;
  private readonly resetTimeoutMs: number;
  private readonly options: CircuitOptions;

  constructor(options: CircuitOptions = {}) {
    this.options = options;
    this.failureThreshold = options.failureThreshold ?? 5;
    this.resetTimeoutMs = options.resetTimeoutMs ?? 1_000;
  }

  /** The state now, for a metrics gauge. */
  get state(): CircuitState {
    return this.current;
  }

  /** Runs `operation` unless the circuit refuses it. */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    this.admit();
    try {
      const result = await operation();
      this.succeeded();
      return result;
    } catch (error: unknown) {
      this.failed(error);
      throw error;
    }
  }

  private admit(): void {
    if (this.current === "closed") return;
    const waitedMs = this.clock() - this.openedAtMs;
    if (this.current === "open" && waitedMs >= this.resetTimeoutMs) {
      this.moveTo("half-open");
      return;
    }
    throw new CircuitOpenError(`circuit ${this.current}`);
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.current !== "closed") this.moveTo("closed");
  }

  private failed(error: unknown): void {
    const counts = this.options.isFailure?.(error) ?? true;
    if (!counts) return this.succeeded();
    this.failures += 1;
    const tripped = this.failures >= this.failureThreshold;
    if (this.current === "half-open" || tripped) this.open();
  }

  private open(): void {
    this.openedAtMs = this.clock();
    if (this.current !== "open") this.moveTo("open");
  }

  private moveTo(state: CircuitState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }

  private clock(): number {
    return (this.options.now ?? Date.now)();
  }
}

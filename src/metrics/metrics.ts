import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from "prom-client";
import type { ListFigures } from "../rules/list/list-measures.js";

/** Seconds, from 100 µs (a Screen's own work) up to a slow second. */
const LATENCY_BUCKETS_SECONDS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
  1,
];

/**
 * Ratios of one admitted list (Art. 5(4)): tenths up to 1, and 2 for the
 * intra-list diversity of embeddings, whose cosines go down to -1.
 */
const LIST_RATIO_BUCKETS = [
  0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2,
];

const GAUGES_NAMED_TOTAL = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/** A circuit breaker's states, as `pushguard_store_circuit_state` shows. */
export const CIRCUIT_STATES = ["closed", "open", "half-open"] as const;
export type CircuitStateName = (typeof CIRCUIT_STATES)[number];

/** What one finished decision adds to the counters. */
export interface DecisionCounts {
  readonly screened: number;
  readonly admitted: number;
  /** Removals by enforced rules. */
  readonly removed: readonly RuleReason[];
  /** Removals shadow rules would have made. */
  readonly wouldRemove: readonly RuleReason[];
}

/** The bounded part of a reason: which rule, which stable code. */
export interface RuleReason {
  readonly ruleId: string;
  readonly code: string;
}

/**
 * Every metric pushguard exports, in one registry per process so that tests
 * can run several servers side by side. Labels are bounded by construction
 * (method, status code, rule id, reason code, outcome, store, operation,
 * circuit state, capped class); never a user or an item id.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly rpcDuration = new Histogram({
    name: "pushguard_rpc_duration_seconds",
    help: "Time to answer a gRPC call, by method and status code.",
    labelNames: ["method", "code"] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  readonly candidatesScreened = new Counter({
    name: "pushguard_candidates_screened_total",
    help: "Candidates received in Screen calls that reached a decision.",
    registers: [this.registry],
  });

  readonly candidatesAdmitted = new Counter({
    name: "pushguard_candidates_admitted_total",
    help: "Candidates admitted for pushing.",
    registers: [this.registry],
  });

  readonly removals = new Counter({
    name: "pushguard_removals_total",
    help: "Candidates removed by enforced rules, by rule id and reason code.",
    labelNames: ["rule", "code"] as const,
    registers: [this.registry],
  });

  readonly shadowRemovals = new Counter({
    name: "pushguard_shadow_removals_total",
    help: "Removals shadow rules would have made (never applied), by rule id and reason code.",
    labelNames: ["rule", "code"] as const,
    registers: [this.registry],
  });

  readonly listDiversity = new Histogram({
    name: "pushguard_admitted_list_diversity_ratio",
    help: "Intra-list diversity of each admitted list of two or more items: 1 - mean pairwise similarity (embeddings, else topic paths).",
    buckets: LIST_RATIO_BUCKETS,
    registers: [this.registry],
  });

  readonly listTopicCoverage = new Histogram({
    name: "pushguard_admitted_list_topic_coverage_ratio",
    help: "Distinct top-level topics per item of each admitted list.",
    buckets: LIST_RATIO_BUCKETS,
    registers: [this.registry],
  });

  readonly listClassShare = new Histogram({
    name: "pushguard_admitted_list_class_share_ratio",
    help: "Share of each admitted list carrying a class Art. 5(4) caps (sensitive_event, vicious_case, disaster), by class.",
    labelNames: ["class"] as const,
    buckets: LIST_RATIO_BUCKETS,
    registers: [this.registry],
  });

  readonly policyInfo = new Gauge({
    name: "pushguard_policy_info",
    help: "Active policy: 1 for the name and version serving.",
    labelNames: ["name", "version"] as const,
    registers: [this.registry],
  });

  readonly policyLoads = new Counter({
    name: "pushguard_policy_loads_total",
    help: "Policy loads at start and on reload, by outcome (success, failure).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly policyLastLoadSuccessful = new Gauge({
    name: "pushguard_policy_last_load_successful",
    help: "1 when the last policy load succeeded, 0 while the file on disk is broken and the last good policy serves.",
    registers: [this.registry],
  });

  readonly policyLastLoadSuccess = new Gauge({
    name: "pushguard_policy_last_load_success_timestamp_seconds",
    help: "Unix time of the last successful policy load.",
    registers: [this.registry],
  });

  readonly storeDuration = new Histogram({
    name: "pushguard_store_operation_duration_seconds",
    help: "Time of one state store operation, by store, operation and outcome (ok, error).",
    labelNames: ["store", "operation", "outcome"] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  readonly storeErrors = new Counter({
    name: "pushguard_store_errors_total",
    help: "State store operations that failed, by store and operation.",
    labelNames: ["store", "operation"] as const,
    registers: [this.registry],
  });

  readonly storeCircuitState = new Gauge({
    name: "pushguard_store_circuit_state",
    help: "State of the store's circuit breaker: 1 for the current state (closed, open, half-open), 0 for the others.",
    labelNames: ["store", "state"] as const,
    registers: [this.registry],
  });

  readonly decisionLogWritten = new Counter({
    name: "pushguard_decision_log_lines_written_total",
    help: "Decision log lines handed to the destination.",
    registers: [this.registry],
  });

  readonly decisionLogDropped = new Counter({
    name: "pushguard_decision_log_lines_dropped_total",
    help: "Decision log lines dropped because the bounded buffer was full.",
    registers: [this.registry],
  });

  /** Process metrics are on by default; tests may leave them out. */
  constructor(options: { processMetrics?: boolean } = {}) {
    this.policyLoads.inc({ outcome: "success" }, 0);
    this.policyLoads.inc({ outcome: "failure" }, 0);
    if (options.processMetrics ?? true) this.collectProcessMetrics();
  }

  /**
   * prom-client's default process and Node.js metrics, unprefixed so that
   * stock Node.js dashboards apply. Three of them are gauges named `_total`,
   * which `promtool check metrics` rejects; they only sum the by-type
   * gauges kept beside them (`nodejs_active_handles` and so on).
   */
  private collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
    for (const name of GAUGES_NAMED_TOTAL) {
      this.registry.removeSingleMetric(name);
    }
  }

  /** A policy loaded (at start or on reload) and now serves. */
  policyLoaded(policy: { name: string; version: string }): void {
    this.policyInfo.reset();
    this.policyInfo.set({ name: policy.name, version: policy.version }, 1);
    this.policyLoads.inc({ outcome: "success" });
    this.policyLastLoadSuccessful.set(1);
    this.policyLastLoadSuccess.setToCurrentTime();
  }

  /** A reload failed; the previous policy keeps serving. */
  policyLoadFailed(): void {
    this.policyLoads.inc({ outcome: "failure" });
    this.policyLastLoadSuccessful.set(0);
  }

  /** Counts one decision: candidates in and out, removals by reason. */
  observeDecision(counts: DecisionCounts): void {
    this.candidatesScreened.inc(counts.screened);
    this.candidatesAdmitted.inc(counts.admitted);
    incByReason(this.removals, counts.removed);
    incByReason(this.shadowRemovals, counts.wouldRemove);
  }

  /**
   * Observes how diverse one admitted list is; the class label takes the
   * few classes Art. 5(4) caps, never a free value.
   */
  observeAdmittedList(figures: ListFigures): void {
    if (figures.intraListDiversity !== undefined) {
      this.listDiversity.observe(figures.intraListDiversity);
    }
    this.listTopicCoverage.observe(figures.topicCoverage);
    for (const [cls, share] of figures.classShares) {
      this.listClassShare.observe({ class: cls }, share);
    }
  }

  /**
   * Times one store operation. Stores and store decorators call this so that
   * every backend reports under the same names.
   */
  observeStore(
    store: string,
    operation: string,
    seconds: number,
    outcome: "ok" | "error",
  ): void {
    this.storeDuration.observe({ store, operation, outcome }, seconds);
    if (outcome === "error") this.storeErrors.inc({ store, operation });
  }

  /** Marks `state` as the store's current circuit state. */
  setCircuitState(store: string, state: CircuitStateName): void {
    for (const each of CIRCUIT_STATES) {
      this.storeCircuitState.set(
        { store, state: each },
        each === state ? 1 : 0,
      );
    }
  }
}

/**
 * Adds removals grouped by rule and code first: one decision often removes
 * many items for one reason, and each labelled increment hashes its labels.
 * Nested maps, because building a joined key string per removal costs ten
 * times more on a list of 100.
 */
function incByReason(
  counter: Counter<"rule" | "code">,
  reasons: readonly RuleReason[],
): void {
  if (reasons.length === 0) return;
  const byRule = new Map<string, Map<string, number>>();
  for (const { ruleId, code } of reasons) {
    let byCode = byRule.get(ruleId);
    if (byCode === undefined) byRule.set(ruleId, (byCode = new Map()));
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
  for (const [rule, byCode] of byRule) {
    for (const [code, n] of byCode) counter.inc({ rule, code }, n);
  }
}

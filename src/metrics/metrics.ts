import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from "prom-client";

/**
 * Every metric pushguard exports. Labels are bounded by construction:
 * method, status code, rule id, reason code, mode, store kind. Never a user
 * or item id.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly rpcDuration = new Histogram({
    name: "pushguard_rpc_duration_seconds",
    help: "Time to answer a gRPC call, by method and status code.",
    labelNames: ["method", "code"] as const,
    buckets: [
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
      0.25, 1,
    ],
    registers: [this.registry],
  });

  readonly candidates = new Counter({
    name: "pushguard_candidates_total",
    help: "Candidates screened, by outcome (admitted, dropped).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly removals = new Counter({
    name: "pushguard_removals_total",
    help: "Removals by rule and reason code; mode shadow means would-drop.",
    labelNames: ["rule", "code", "mode"] as const,
    registers: [this.registry],
  });

  readonly policyInfo = new Gauge({
    name: "pushguard_policy_info",
    help: "Active policy: 1 for the version serving, absent otherwise.",
    labelNames: ["name", "version"] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: "pushguard_" });
    }
  }

  /** Marks `version` as the only active policy. */
  setPolicy(name: string, version: string): void {
    this.policyInfo.reset();
    this.policyInfo.set({ name, version }, 1);
  }
}

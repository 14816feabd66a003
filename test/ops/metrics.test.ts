import { describe, expect, it } from "vitest";
import { InstrumentedStore } from "../../src/metrics/instrumented-store.js";
import { Metrics } from "../../src/metrics/metrics.js";
import { MemoryStore } from "../../src/store/memory.js";
import type { StateStore } from "../../src/store/store.js";

async function valueOf(metrics: Metrics, name: string, labels = {}) {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const wanted = Object.entries(labels);
  const match = values.find((v) =>
    wanted.every(
      ([k, want]) => (v.labels as Record<string, unknown>)[k] === want,
    ),
  );
  return match?.value;
}

describe("decision counters", () => {
  it("count candidates in and admitted, removals by rule and code", async () => {
    const metrics = new Metrics({ processMetrics: false });
    const gossip = { ruleId: "blocked-labels", code: "label.gossip" };
    metrics.observeDecision({
      screened: 5,
      admitted: 2,
      removed: [gossip, gossip, { ruleId: "slots", code: "slots.full" }],
      wouldRemove: [{ ruleId: "daily-cap", code: "cap.day" }],
    });
    expect(await valueOf(metrics, "pushguard_candidates_screened_total")).toBe(
      5,
    );
    expect(await valueOf(metrics, "pushguard_candidates_admitted_total")).toBe(
      2,
    );
    expect(
      await valueOf(metrics, "pushguard_removals_total", {
        rule: "blocked-labels",
        code: "label.gossip",
      }),
    ).toBe(2);
    expect(
      await valueOf(metrics, "pushguard_shadow_removals_total", {
        rule: "daily-cap",
      }),
    ).toBe(1);
  });
});

describe("policy metrics", () => {
  it("show only the active version and count failures", async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.policyLoaded({ name: "default", version: "default@aaa" });
    metrics.policyLoaded({ name: "default", version: "default@bbb" });
    metrics.policyLoadFailed();
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'pushguard_policy_info{name="default",version="default@bbb"} 1',
    );
    expect(text).not.toContain("default@aaa");
    expect(text).toContain('pushguard_policy_loads_total{outcome="failure"} 1');
    expect(text).toContain("pushguard_policy_last_load_successful 0");
  });
});

describe("store metrics", () => {
  it("mark exactly one circuit state per store", async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.setCircuitState("redis", "open");
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'pushguard_store_circuit_state{store="redis",state="open"} 1',
    );
    expect(text).toContain(
      'pushguard_store_circuit_state{store="redis",state="closed"} 0',
    );
  });

  it("time every call of the wrapped store and count its failures", async () => {
    const metrics = new Metrics({ processMetrics: false });
    const failing: StateStore = Object.assign(new MemoryStore(), {
      readUser: () => Promise.reject(new Error("connection lost")),
    });
    const store = new InstrumentedStore(failing, metrics);
    await store.suppressedItems({ minComplaints: 5, nowMs: 0, limit: 10 });
    await expect(store.readUser("u-1", 0)).rejects.toThrow("connection lost");
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'pushguard_store_operation_duration_seconds_count{store="memory",operation="suppressed_items",outcome="ok"} 1',
    );
    expect(text).toContain(
      'pushguard_store_errors_total{store="memory",operation="read_user"} 1',
    );
    expect(store.kind).toBe("memory");
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { InstrumentedStore } from "../../src/metrics/instrumented-store.js";
import { Metrics } from "../../src/metrics/metrics.js";
import { compilePolicy } from "../../src/policy/loader.js";
import {
  SuppressionCache,
  suppressionThreshold,
  watchedThreshold,
  type SuppressionCacheOptions,
} from "../../src/service/complaints.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { StoreUnavailableError } from "../../src/store/errors.js";
import { MemoryStore } from "../../src/store/memory.js";
import type { StateStore, SuppressedQuery } from "../../src/store/store.js";
import { capturedLog } from "../ops/capture-log.js";

const NOW = Date.parse("2026-12-01T10:00:00Z");
const REFRESH_MS = 2_000;

const ART6 = `
name: art6
rules:
  - id: public-complaints
    type: complaint-threshold
    article: Art. 6
    params: { threshold: 5 }
`;

/** Enforced at 5, a shadow trial at 4, and a lock screen at 3. */
const ART6_WIDER = `
name: art6-wider
rules:
  - id: public-complaints
    type: complaint-threshold
    article: Art. 6
    params: { threshold: 5 }
  - id: complaints-trial
    type: complaint-threshold
    article: Art. 6
    mode: shadow
    params: { threshold: 4 }
surfaces:
  lockscreen:
    rules:
      public-complaints:
        params: { threshold: 3 }
`;

const NO_ART6 = `
name: no-art6
rules:
  - id: slots
    type: slots
    article: Art. 5(6)
`;

const policyOf = (source: string) => compilePolicy("inline.yaml", source);

/** Adds `reporters` distinct complaints about `itemId` straight to a store. */
async function complain(store: StateStore, itemId: string, reporters: number) {
  let complaints = 0;
  for (let r = 0; r < reporters; r += 1) {
    const result = await store.addComplaint({
      ...{ itemId, providerId: "p-1", reporter: `r${r}`, reason: "gossip" },
      ...{ details: "", atMs: NOW },
    });
    complaints = result.complaints;
  }
  return complaints;
}

const caches: SuppressionCache[] = [];

function cacheOf(
  store: StateStore,
  init: Partial<SuppressionCacheOptions> = {},
): SuppressionCache {
  const cache = new SuppressionCache({
    store,
    policies: new PolicyHolder(policyOf(ART6)),
    refreshMs: REFRESH_MS,
    clock: () => NOW,
    ...init,
  });
  caches.push(cache);
  return cache;
}

/** A store whose `suppressedItems` the test answers or fails by hand. */
class ScriptedStore extends MemoryStore {
  readonly queries: SuppressedQuery[] = [];
  next: () => Promise<Map<string, number>> = () => Promise.resolve(new Map());

  override suppressedItems(query: SuppressedQuery) {
    this.queries.push(query);
    return this.next();
  }
}

afterEach(() => {
  for (const cache of caches.splice(0)) cache.stop();
  vi.useRealTimers();
});

describe("thresholds of the Art. 6 rules", () => {
  it("answers ReportComplaint with the lowest enforced base threshold", () => {
    expect(suppressionThreshold(policyOf(ART6_WIDER))).toBe(5);
    expect(suppressionThreshold(policyOf(NO_ART6))).toBeUndefined();
  });

  it("watches the lowest threshold of any shadow rule or surface", () => {
    expect(watchedThreshold(policyOf(ART6))).toBe(5);
    expect(watchedThreshold(policyOf(ART6_WIDER))).toBe(3);
    expect(watchedThreshold(policyOf(NO_ART6))).toBeUndefined();
  });
});

describe("SuppressionCache", () => {
  it("holds the items at the threshold after its first read", async () => {
    const store = new MemoryStore();
    await complain(store, "disputed", 5);
    await complain(store, "grumbled", 4);
    const cache = await cacheOf(store).start();
    expect([...cache.countsFor(policyOf(ART6))]).toEqual([["disputed", 5]]);
  });

  it("suppresses at once an item whose complaint it was told of", async () => {
    const store = new MemoryStore();
    const cache = await cacheOf(store).start();
    cache.noteComplaint("grumbled", await complain(store, "grumbled", 4));
    cache.noteComplaint("disputed", await complain(store, "disputed", 5));
    expect([...cache.countsFor(policyOf(ART6))]).toEqual([["disputed", 5]]);
  });

  it("sees another replica's complaints at the next refresh", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const store = new MemoryStore();
    const cache = await cacheOf(store).start();
    await complain(store, "disputed", 5);
    expect(cache.size).toBe(0);
    await vi.advanceTimersByTimeAsync(REFRESH_MS);
    expect(cache.countsFor(policyOf(ART6)).get("disputed")).toBe(5);
  });

  it("keeps the last known items while the store fails", async () => {
    const captured = capturedLog("info");
    const { log } = captured;
    const store = new ScriptedStore();
    store.next = () => Promise.resolve(new Map([["disputed", 5]]));
    const cache = await cacheOf(store, { log }).start();
    store.next = () =>
      Promise.reject(new StoreUnavailableError("redis circuit open"));
    await cache.refresh();
    await cache.refresh();
    expect([...cache.countsFor(policyOf(ART6))]).toEqual([["disputed", 5]]);
    expect(
      captured.lines.map((line) => [line.level, line.msg, line.kept]),
    ).toEqual([
      [
        40,
        "complaint refresh failed; keeping the last known suppressed items",
        1,
      ],
    ]);
  });

  it("counts each failed refresh in the store error metric", async () => {
    const metrics = new Metrics({ processMetrics: false });
    const failing = new ScriptedStore();
    failing.next = () => Promise.reject(new StoreUnavailableError("timeout"));
    const cache = await cacheOf(new InstrumentedStore(failing, metrics), {
      log: capturedLog().log,
    }).start();
    await cache.refresh();
    expect(await metrics.registry.metrics()).toContain(
      'pushguard_store_errors_total{store="memory",operation="suppressed_items"} 2',
    );
  });

  it("logs the recovery once the store answers again", async () => {
    const captured = capturedLog("info");
    const { log } = captured;
    const store = new ScriptedStore();
    store.next = () => Promise.reject(new StoreUnavailableError("timeout"));
    const cache = await cacheOf(store, { log }).start();
    store.next = () => Promise.resolve(new Map([["disputed", 6]]));
    await cache.refresh();
    expect(cache.countsFor(policyOf(ART6)).get("disputed")).toBe(6);
    expect(captured.lines.map((line) => line.msg)).toEqual([
      "complaint refresh failed; keeping the last known suppressed items",
      "complaint refresh ok",
    ]);
  });

  it("keeps a complaint noted while a refresh was in flight", async () => {
    const store = new ScriptedStore();
    const cache = await cacheOf(store).start();
    let answer: (items: Map<string, number>) => void = () => {};
    store.next = () => new Promise((resolve) => (answer = resolve));
    const refreshing = cache.refresh();
    cache.noteComplaint("disputed", 5);
    answer(new Map([["older", 7]]));
    await refreshing;
    expect([...cache.countsFor(policyOf(ART6))]).toEqual([
      ["older", 7],
      ["disputed", 5],
    ]);
  });

  it("asks the store for the watched threshold and its bound", async () => {
    const store = new ScriptedStore();
    const policies = new PolicyHolder(policyOf(ART6_WIDER));
    await cacheOf(store, { policies, maxItems: 2 }).start();
    expect(store.queries).toEqual([{ minComplaints: 3, nowMs: NOW, limit: 2 }]);
  });

  it("holds no more items than its bound", async () => {
    const cache = await cacheOf(new MemoryStore(), { maxItems: 2 }).start();
    for (const itemId of ["a", "b", "c"]) cache.noteComplaint(itemId, 5);
    expect([...cache.countsFor(policyOf(ART6)).keys()]).toEqual(["a", "b"]);
  });

  it("reads at once when a reload lowers the threshold", async () => {
    const store = new MemoryStore();
    await complain(store, "lockscreen-only", 3);
    const policies = new PolicyHolder(policyOf(ART6));
    const cache = await cacheOf(store, { policies }).start();
    const wider = policyOf(ART6_WIDER);
    policies.swap(wider);
    expect(cache.countsFor(wider).size).toBe(0);
    await cache.refresh();
    expect(cache.countsFor(wider).get("lockscreen-only")).toBe(3);
  });

  it("reads nothing when the policy has no Art. 6 rule", async () => {
    const store = new ScriptedStore();
    const policies = new PolicyHolder(policyOf(NO_ART6));
    const cache = await cacheOf(store, { policies }).start();
    cache.noteComplaint("disputed", 50);
    expect(store.queries).toEqual([]);
    expect(cache.size).toBe(0);
  });

  it("stops refreshing once stopped", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const store = new ScriptedStore();
    const cache = await cacheOf(store).start();
    await vi.advanceTimersByTimeAsync(REFRESH_MS);
    cache.stop();
    await vi.advanceTimersByTimeAsync(10 * REFRESH_MS);
    expect(store.queries).toHaveLength(2);
  });
});

/**
 * The one behaviour suite every state store must pass: the in-memory store,
 * a standalone Redis and a three-master Redis Cluster. Cases that can only
 * be checked from inside Redis (TTLs, hash slots, command counts, raw
 * members) run when the backend gives a probe.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type {
  CommitPlan,
  DeliveryRecord,
  StateStore,
  WindowCap,
} from "../../src/store/store.js";
import { clientCommands } from "./redis-probe.js";
import type { RedisProbe } from "./redis-probe.js";

/** Limits a test may ask of a fresh store, plus its own key prefix. */
export interface TestStoreOptions {
  readonly keyPrefix: string;
  readonly retentionMs?: number;
  readonly maxDeliveriesPerUser?: number;
  readonly complaintRetentionMs?: number;
}

/** What the suite may look at inside a Redis backend. */
export interface RedisBackend {
  /** Called inside tests, once the servers run. */
  readonly probe: () => RedisProbe;
  readonly cluster: boolean;
}

/** Builds a fresh store; Redis stores keep their keys under `keyPrefix`. */
export type MakeStore = (options: TestStoreOptions) => Promise<StateStore>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.parse("2026-03-02T10:00:00Z");
const HOURLY: WindowCap = { name: "hour", windowMs: HOUR, limit: 2 };
const DAILY: WindowCap = { name: "day", windowMs: 24 * HOUR, limit: 3 };

/** A delivery of `itemId` at `atMs`, about politics. */
export function delivery(itemId: string, atMs = NOW): DeliveryRecord {
  return {
    itemId,
    atMs,
    topics: ["politics"],
    classes: [],
    consumption: false,
  };
}

/** A plan recording `items` now, under `caps`. */
export function plan(
  items: readonly string[],
  caps: readonly WindowCap[] = [HOURLY],
  minGapMs = 0,
): CommitPlan {
  return {
    nowMs: NOW,
    deliveries: items.map((itemId) => delivery(itemId)),
    caps,
    minGapMs,
  };
}

/** Runs the behaviour suite against one backend. */
export function describeStoreBehaviour(
  name: string,
  makeStore: MakeStore,
  redis?: RedisBackend,
): void {
  describe(`${name} state store`, () => {
    const open: StateStore[] = [];
    const fresh = async (limits: Partial<TestStoreOptions> = {}) => {
      const keyPrefix = `t${randomUUID().slice(0, 8)}:`;
      const store = await makeStore({ keyPrefix, ...limits });
      open.push(store);
      return { store, keyPrefix };
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((store) => store.close()));
    });

    describeCommit(fresh);
    describeRecords(fresh);
    describeBounds(fresh);
    describeComplaints(fresh);
    if (redis !== undefined) describeInsideRedis(fresh, redis);
  });
}

type Fresh = (
  limits?: Partial<TestStoreOptions>,
) => Promise<{ store: StateStore; keyPrefix: string }>;

function itemIds(deliveries: readonly DeliveryRecord[]): string[] {
  return deliveries.map((d) => d.itemId);
}

function describeCommit(fresh: Fresh): void {
  it("gives an unknown user an empty state", async () => {
    const { store } = await fresh();
    expect(await store.readUser("u-new", NOW)).toEqual({
      deliveries: [],
      dismissalStreak: 0,
      lastDismissalMs: undefined,
      unsubscribed: false,
    });
  });

  it("accepts planned deliveries in order while the cap holds", async () => {
    const { store } = await fresh();
    const result = await store.commit("u1", plan(["a", "b", "c"]));
    expect(result.accepted).toBe(2);
    expect(itemIds(result.state.deliveries)).toEqual(["a", "b"]);
    expect(itemIds((await store.readUser("u1", NOW)).deliveries)).toEqual([
      "a",
      "b",
    ]);
  });

  it("counts deliveries already recorded inside the window", async () => {
    const { store } = await fresh();
    await store.recordDelivery("u1", {
      deliveryId: "d1",
      record: delivery("old", NOW - 10 * MINUTE),
    });
    const result = await store.commit("u1", plan(["a", "b"]));
    expect(result.accepted).toBe(1);
    expect(itemIds(result.state.deliveries)).toEqual(["old", "a"]);
  });

  it("ignores deliveries that left the rolling window", async () => {
    const { store } = await fresh();
    for (const [i, minutesAgo] of [120, 61].entries()) {
      const record = delivery(`early${i}`, NOW - minutesAgo * MINUTE);
      await store.recordDelivery("u1", { deliveryId: `d${i}`, record });
    }
    const result = await store.commit("u1", plan(["a", "b"]));
    expect(result.accepted).toBe(2);
    expect(result.state.deliveries).toHaveLength(4);
  });

  it("stops when any one of several caps is full", async () => {
    const { store } = await fresh();
    for (const [i, hoursAgo] of [5, 4, 3].entries()) {
      const record = delivery(`seen${i}`, NOW - hoursAgo * HOUR);
      await store.recordDelivery("u1", { deliveryId: `d${i}`, record });
    }
    const result = await store.commit("u1", plan(["a"], [HOURLY, DAILY]));
    expect(result.accepted).toBe(0);
    expect(result.state.deliveries).toHaveLength(3);
  });

  it("refuses a push sooner than the minimum gap after the last", async () => {
    const { store } = await fresh();
    const record = delivery("last", NOW - 5 * MINUTE);
    await store.recordDelivery("u1", { deliveryId: "d1", record });
    const tooSoon = await store.commit("u1", plan(["a"], [], 10 * MINUTE));
    const later = await store.commit("u1", plan(["a"], [], 5 * MINUTE));
    expect(tooSoon.accepted).toBe(0);
    expect(later.accepted).toBe(1);
  });

  it("keeps the minimum gap between deliveries of one plan", async () => {
    const { store } = await fresh();
    const result = await store.commit("u1", plan(["a", "b"], [], MINUTE));
    expect(result.accepted).toBe(1);
    expect(itemIds(result.state.deliveries)).toEqual(["a"]);
  });

  it("keeps each user's deliveries apart", async () => {
    const { store } = await fresh();
    await store.commit("u1", plan(["a", "b"]));
    expect((await store.commit("u2", plan(["c"]))).accepted).toBe(1);
    expect((await store.readUser("u2", NOW)).deliveries).toHaveLength(1);
  });

  it("admits exactly 3 of 50 concurrent commits under a cap of 3", async () => {
    const { store } = await fresh();
    const cap = { name: "hour", windowMs: HOUR, limit: 3 };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.commit("u1", plan([`item${i}`], [cap])),
      ),
    );
    const accepted = results.reduce((sum, r) => sum + r.accepted, 0);
    expect(accepted).toBe(3);
    expect((await store.readUser("u1", NOW)).deliveries).toHaveLength(3);
  });

  it("counts and holds back only prompts under a prompts-only cap", async () => {
    const { store } = await fresh();
    const cap = {
      name: "prompts",
      windowMs: HOUR,
      limit: 1,
      scope: "consumption" as const,
    };
    const prompt = (id: string) => ({ ...delivery(id), consumption: true });
    const first = await store.commit("u1", {
      nowMs: NOW,
      caps: [cap],
      minGapMs: 0,
      deliveries: [delivery("news-1"), prompt("ad-1")],
    });
    const second = await store.commit("u1", {
      nowMs: NOW,
      caps: [cap],
      minGapMs: 0,
      deliveries: [delivery("news-2"), prompt("ad-2")],
    });
    expect([first.accepted, second.accepted]).toEqual([2, 1]);
  });

  it("admits exactly 2 of 50 concurrent prompts under a prompt cap of 2", async () => {
    const { store } = await fresh();
    const cap = {
      name: "prompts",
      windowMs: HOUR,
      limit: 2,
      scope: "consumption" as const,
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.commit("u1", {
          nowMs: NOW,
          caps: [cap],
          minGapMs: 0,
          deliveries: [{ ...delivery(`ad${i}`), consumption: true }],
        }),
      ),
    );
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(2);
  });

  it("counts and holds back only its class under a class cap", async () => {
    const { store } = await fresh();
    const disasters = { ...DISASTER_CAP, limit: 1 };
    await store.recordDelivery("u1", {
      deliveryId: "d1",
      record: {
        ...delivery("quake-old", NOW - 2 * HOUR),
        classes: ["disaster"],
      },
    });
    const commit = (ids: string[], caps = [disasters]) =>
      store.commit("u1", { ...plan([]), caps, deliveries: ids.map(classed) });
    const held = await commit(["news-1", "quake-1", "news-2"]);
    const freed = await commit(["quake-2"], [{ ...disasters, limit: 2 }]);
    expect(held.accepted).toBe(1);
    expect(freed.accepted).toBe(1);
    expect(itemIds(freed.state.deliveries)).toEqual([
      "quake-old",
      "news-1",
      "quake-2",
    ]);
  });

  it("admits exactly 2 of 50 concurrent disasters under a class cap of 2", async () => {
    const { store } = await fresh();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.commit("u1", {
          ...plan([]),
          caps: [DISASTER_CAP],
          deliveries: [classed(`news${i}`), classed(`quake${i}`)],
        }),
      ),
    );
    const recorded = (await store.readUser("u1", NOW)).deliveries;
    const quakes = recorded.filter((d) => d.classes.includes("disaster"));
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(52);
    expect(quakes).toHaveLength(2);
  });
}

/** A cap of two disasters a day, counting nothing else (Art. 5(4)). */
const DISASTER_CAP: WindowCap = {
  name: "disaster_window",
  windowMs: 24 * HOUR,
  limit: 2,
  scope: "class:disaster",
};

/** A delivery classed `disaster` when its id starts with `quake`. */
function classed(itemId: string): DeliveryRecord {
  const disaster = itemId.startsWith("quake");
  return { ...delivery(itemId), classes: disaster ? ["disaster"] : [] };
}

function describeRecords(fresh: Fresh): void {
  it("records a delivery once per deliveryId", async () => {
    const { store } = await fresh();
    const input = { deliveryId: "d1", record: delivery("a") };
    expect(await store.recordDelivery("u1", input)).toBe(true);
    expect(await store.recordDelivery("u1", input)).toBe(false);
    expect((await store.readUser("u1", NOW)).deliveries).toHaveLength(1);
  });

  it("records feedback once per feedbackId", async () => {
    const { store } = await fresh();
    const dismissed = {
      feedbackId: "f1",
      itemId: "a",
      event: "dismissed" as const,
      atMs: NOW,
    };
    expect(await store.recordFeedback("u1", dismissed)).toBe(true);
    expect(await store.recordFeedback("u1", dismissed)).toBe(false);
    expect((await store.readUser("u1", NOW)).dismissalStreak).toBe(1);
  });

  it("lengthens the streak on dismissals and resets it on open", async () => {
    const { store } = await fresh();
    const events = ["dismissed", "closed", "see_less"] as const;
    for (const [i, event] of events.entries()) {
      const atMs = NOW + i * MINUTE;
      const feedback = { feedbackId: `f${i}`, itemId: "a", event, atMs };
      await store.recordFeedback("u1", feedback);
    }
    const dismissed = await store.readUser("u1", NOW);
    const opened = { feedbackId: "f9", itemId: "b", event: "opened" as const };
    await store.recordFeedback("u1", { ...opened, atMs: NOW + HOUR });
    const after = await store.readUser("u1", NOW);
    expect(dismissed.dismissalStreak).toBe(3);
    expect(dismissed.lastDismissalMs).toBe(NOW + 2 * MINUTE);
    expect(after.dismissalStreak).toBe(0);
  });

  it("marks the user unsubscribed on unsubscribe feedback", async () => {
    const { store } = await fresh();
    const event = "unsubscribed" as const;
    const feedback = { feedbackId: "f1", itemId: "a", event, atMs: NOW };
    await store.recordFeedback("u1", feedback);
    expect((await store.readUser("u1", NOW)).unsubscribed).toBe(true);
  });

  it("stores a minor's delivery without topics or classes", async () => {
    const { store } = await fresh();
    const minor = { ...delivery("a"), topics: [], classes: [] };
    const result = await store.commit("minor1", {
      ...plan([]),
      deliveries: [minor],
    });
    expect(result.state.deliveries).toEqual([minor]);
  });
}

function describeBounds(fresh: Fresh): void {
  it("drops deliveries older than the retention", async () => {
    const { store } = await fresh({ retentionMs: HOUR });
    const old = delivery("old", NOW - 2 * HOUR);
    await store.recordDelivery("u1", { deliveryId: "d1", record: old });
    await store.commit("u1", plan(["a"]));
    const state = await store.readUser("u1", NOW);
    expect(itemIds(state.deliveries)).toEqual(["a"]);
  });

  it("keeps only the newest maxDeliveriesPerUser deliveries", async () => {
    const { store } = await fresh({ maxDeliveriesPerUser: 5 });
    for (let i = 0; i < 8; i += 1) {
      const record = delivery(`item${i}`, NOW - (8 - i) * MINUTE);
      await store.recordDelivery("u1", { deliveryId: `d${i}`, record });
    }
    const state = await store.readUser("u1", NOW);
    expect(itemIds(state.deliveries)).toEqual([
      ...["item3", "item4", "item5", "item6", "item7"],
    ]);
  });

  it("forgets a deliveryId once the retention has passed", async () => {
    const { store } = await fresh({ retentionMs: HOUR });
    const first = { deliveryId: "d1", record: delivery("a", NOW) };
    const later = { deliveryId: "d1", record: delivery("a", NOW + 2 * HOUR) };
    expect(await store.recordDelivery("u1", first)).toBe(true);
    expect(await store.recordDelivery("u1", later)).toBe(true);
  });
}

/** A complaint about `itemId` by `reporter`, made at `atMs`. */
function complaint(itemId: string, reporter: string, atMs = NOW) {
  return {
    itemId,
    providerId: "provider-1",
    reporter,
    reason: "misleading",
    details: "",
    atMs,
  };
}

/** Adds complaints by `reporters` distinct reporters about `itemId`. */
async function complainTimes(
  store: StateStore,
  itemId: string,
  reporters: number,
  atMs = NOW,
): Promise<void> {
  for (let r = 0; r < reporters; r += 1) {
    await store.addComplaint(complaint(itemId, `r${r}`, atMs));
  }
}

/** The suppressed items at `minComplaints`, as ordered pairs. */
async function suppressed(
  store: StateStore,
  minComplaints: number,
  nowMs = NOW,
  limit = 100,
): Promise<[string, number][]> {
  const query = { minComplaints, nowMs, limit };
  return [...(await store.suppressedItems(query))];
}

function describeComplaints(fresh: Fresh): void {
  it("counts a complaint once per reporter and item", async () => {
    const { store } = await fresh();
    const first = await store.addComplaint(complaint("a", "r1"));
    const again = await store.addComplaint(complaint("a", "r1"));
    expect(first).toMatchObject({ recorded: true, complaints: 1 });
    expect(again).toEqual({ ...first, recorded: false });
  });

  it("reads the items at or above a count, most complained first", async () => {
    const { store } = await fresh();
    await complainTimes(store, "few", 1);
    await complainTimes(store, "many", 3);
    await complainTimes(store, "some", 2);
    expect(await suppressed(store, 2)).toEqual([
      ["many", 3],
      ["some", 2],
    ]);
    expect(await suppressed(store, 4)).toEqual([]);
  });

  it("counts a repeated reporter once in the suppressed items", async () => {
    const { store } = await fresh();
    await complainTimes(store, "a", 2);
    await store.addComplaint(complaint("a", "r0"));
    expect(await suppressed(store, 2)).toEqual([["a", 2]]);
  });

  it("reads at most `limit` items, the most complained", async () => {
    const { store } = await fresh();
    await complainTimes(store, "b", 2);
    await complainTimes(store, "a", 4);
    await complainTimes(store, "c", 3);
    expect(await suppressed(store, 1, NOW, 2)).toEqual([
      ["a", 4],
      ["c", 3],
    ]);
  });

  it("orders items with equal counts by id, descending", async () => {
    const { store } = await fresh();
    for (const itemId of ["item-b", "item-c", "item-a"]) {
      await complainTimes(store, itemId, 1);
    }
    const ids = (await suppressed(store, 1)).map(([itemId]) => itemId);
    expect(ids).toEqual(["item-c", "item-b", "item-a"]);
  });

  it("no longer suppresses an item once its complaints expired", async () => {
    const { store } = await fresh({ complaintRetentionMs: HOUR });
    await complainTimes(store, "a", 2);
    expect(await suppressed(store, 2, NOW + 30 * MINUTE)).toEqual([["a", 2]]);
    expect(await suppressed(store, 2, NOW + 2 * HOUR)).toEqual([]);
  });

  it("keeps the latest complaint's expiry when one arrives late", async () => {
    const { store } = await fresh({ complaintRetentionMs: HOUR });
    await store.addComplaint(complaint("a", "r1", NOW));
    await store.addComplaint(complaint("a", "r2", NOW - 50 * MINUTE));
    expect(await suppressed(store, 2, NOW + 30 * MINUTE)).toEqual([["a", 2]]);
  });

  it("rejects a query for fewer than one complaint", async () => {
    const { store } = await fresh();
    const query = { minComplaints: 0, nowMs: NOW, limit: 10 };
    await expect(store.suppressedItems(query)).rejects.toThrow(
      "minComplaints 0 must be >= 1",
    );
  });
}

function describeInsideRedis(fresh: Fresh, redis: RedisBackend): void {
  const probe = () => redis.probe();
  /** Writes one of everything for `userId` so that every key exists. */
  const writeEverything = async (store: StateStore, userId: string) => {
    await store.commit(userId, plan(["a"]));
    const record = delivery("b", NOW - MINUTE);
    await store.recordDelivery(userId, { deliveryId: "d1", record });
    const event = "dismissed" as const;
    const feedback = { feedbackId: "f1", itemId: "a", event, atMs: NOW };
    await store.recordFeedback(userId, feedback);
    await store.addComplaint({
      ...{ itemId: "a", providerId: "p", reporter: "r", reason: "spam" },
      ...{ details: "", atMs: NOW },
    });
  };

  it("gives every key a TTL of the retention plus jitter", async () => {
    const retentionMs = HOUR;
    const { store, keyPrefix } = await fresh({ retentionMs });
    await writeEverything(store, "u1");
    const ttls = await probe().keysWithTtl(`${keyPrefix}{u:`);
    expect([...ttls.keys()].sort()).toEqual(
      ["d", "ids", "s"].map((suffix) => `${keyPrefix}{u:u1}:${suffix}`),
    );
    for (const ttl of ttls.values()) {
      expect(ttl).toBeGreaterThan(retentionMs - 5_000);
      expect(ttl).toBeLessThanOrEqual(retentionMs * 1.1);
    }
    const all = await probe().keysWithTtl(keyPrefix);
    expect([...all.values()].every((ttl) => ttl > 0)).toBe(true);
  });

  it("keeps a minor's record free of topics inside Redis", async () => {
    const { store, keyPrefix } = await fresh();
    const minor = { ...delivery("a"), topics: [], classes: [] };
    await store.commit("m1", { ...plan([]), deliveries: [minor] });
    const members = await probe().sortedSetMembers(`${keyPrefix}{u:m1}:d`);
    expect(members).toEqual(['1:{"i":"a","t":[],"c":[],"p":0}']);
  });

  it("reads a user with exactly one Redis command", async () => {
    const { store } = await fresh();
    await store.commit("u1", plan(["a"]));
    await probe().resetStats();
    await store.readUser("u1", NOW);
    expect(roundTrips(await probe().commandCalls())).toEqual(
      new Map([["evalsha", 1]]),
    );
  });

  it("commits with exactly one Redis command", async () => {
    const { store } = await fresh();
    await store.readUser("u1", NOW);
    await probe().resetStats();
    await store.commit("u1", plan(["a", "b"]));
    expect(roundTrips(await probe().commandCalls())).toEqual(
      new Map([["evalsha", 1]]),
    );
  });

  it("reads the suppressed items with exactly one Redis command", async () => {
    const { store } = await fresh();
    for (let i = 0; i < 20; i += 1) await complainTimes(store, `item${i}`, 5);
    await suppressed(store, 5);
    await probe().resetStats();
    expect(await suppressed(store, 5)).toHaveLength(20);
    expect(roundTrips(await probe().commandCalls())).toEqual(
      new Map([["evalsha", 1]]),
    );
  });

  it("adds a complaint with exactly one Redis command", async () => {
    const { store } = await fresh();
    await store.addComplaint(complaint("a", "r1"));
    await probe().resetStats();
    await store.addComplaint(complaint("a", "r2"));
    expect(roundTrips(await probe().commandCalls())).toEqual(
      new Map([["evalsha", 1]]),
    );
  });

  it("prunes expired items from the complaint index", async () => {
    const { store, keyPrefix } = await fresh({ complaintRetentionMs: HOUR });
    await complainTimes(store, "old", 1);
    await complainTimes(store, "new", 1, NOW + 2 * HOUR);
    for (const index of ["by-count", "by-expiry"]) {
      const key = `${keyPrefix}{complaints}:${index}`;
      expect(await probe().sortedSetMembers(key)).toEqual(["new"]);
    }
  });

  it("admits exactly 3 of 50 commits spread over 5 clients", async () => {
    const keyPrefix = `t${randomUUID().slice(0, 8)}:`;
    const clients = await Promise.all(
      Array.from({ length: 5 }, () => fresh({ keyPrefix })),
    );
    const cap = { name: "hour", windowMs: HOUR, limit: 3 };
    const commits = Array.from({ length: 50 }, (_, i) => i).flatMap((i) =>
      clients
        .filter((_, c) => c === i % clients.length)
        .map(({ store }) => store.commit("u1", plan([`item${i}`], [cap]))),
    );
    const results = await Promise.all(commits);
    expect(results).toHaveLength(50);
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(3);
  });

  if (redis.cluster) {
    it("keeps all of a user's keys in one hash slot", async () => {
      const { store, keyPrefix } = await fresh();
      await writeEverything(store, "user-42");
      const keys = await redis.probe().keysWithTtl(`${keyPrefix}{u:`);
      const slots = await Promise.all(
        [...keys.keys()].map((key) => redis.probe().keySlot(key)),
      );
      expect(keys.size).toBe(3);
      expect(new Set(slots).size).toBe(1);
    });

    it("keeps complaints and their index in one hash slot", async () => {
      const { store, keyPrefix } = await fresh();
      await complainTimes(store, "item-1", 1);
      await complainTimes(store, "item-2", 1);
      const keys = await redis.probe().keysWithTtl(`${keyPrefix}{complaints}`);
      const slots = await Promise.all(
        [...keys.keys()].map((key) => redis.probe().keySlot(key)),
      );
      expect(keys.size).toBe(4);
      expect(new Set(slots).size).toBe(1);
    });
  }
}

/** Round trips: commands sent by the store, as Redis counted them. */
function roundTrips(calls: Map<string, number>): Map<string, number> {
  const sent = clientCommands(calls);
  // ioredis sends EVAL the first time a script runs on a connection.
  const evalsha = (sent.get("evalsha") ?? 0) + (sent.get("eval") ?? 0);
  sent.delete("eval");
  if (evalsha > 0) sent.set("evalsha", evalsha);
  return sent;
}

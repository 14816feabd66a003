import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/store/memory.js";
import { delivery, describeStoreBehaviour } from "./store-behaviour.js";

// The memory store has no key space; it ignores `keyPrefix`.
describeStoreBehaviour("memory", (options) =>
  Promise.resolve(new MemoryStore(options)),
);

describe("memory store bounds", () => {
  const HOUR = 3_600_000;

  it("forgets users not written within the retention", async () => {
    const store = new MemoryStore({ retentionMs: HOUR });
    const start = Date.parse("2026-03-02T10:00:00Z");
    for (let i = 0; i < 2_048; i += 1) {
      const record = delivery("a", start + i * 10_000);
      await store.recordDelivery(`u${i}`, { deliveryId: "d", record });
    }
    // The sweep after write 2048 keeps the 360 users of the last hour.
    expect(store.userCount).toBe(360);
  });

  it("rejects a retention that is not positive", () => {
    expect(() => new MemoryStore({ retentionMs: 0 })).toThrow(
      "retentionMs 0 must be > 0",
    );
  });
});

describe("memory store complaints", () => {
  const HOUR = 3_600_000;
  const NOW = Date.parse("2026-03-02T10:00:00Z");
  const complaint = (reporter: string, atMs: number) => ({
    itemId: "item-1",
    providerId: "provider-1",
    reporter,
    reason: "misleading",
    details: "",
    atMs,
  });

  it("counts an item afresh once its complaints expired", async () => {
    const store = new MemoryStore({ complaintRetentionMs: HOUR });
    await store.addComplaint(complaint("r1", NOW));
    const later = await store.addComplaint(complaint("r2", NOW + 2 * HOUR));
    expect(later).toMatchObject({ recorded: true, complaints: 1 });
  });

  it("rejects a complaint retention that is not positive", () => {
    expect(() => new MemoryStore({ complaintRetentionMs: -1 })).toThrow(
      "complaintRetentionMs -1 must be > 0",
    );
  });
});

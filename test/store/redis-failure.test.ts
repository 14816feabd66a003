/**
 * What a Screen sees when Redis stops answering and comes back: answers
 * within the command timeout, a circuit that opens, and a store that
 * recovers by itself once Redis is back on the same port.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CircuitState } from "../../src/store/circuit.js";
import {
  StoreUnavailableError,
  createRedisStore,
} from "../../src/store/redis.js";
import type { RedisStore } from "../../src/store/redis.js";
import { startRedisServer } from "./redis-servers.js";
import type { RedisServer } from "./redis-servers.js";
import { plan } from "./store-behaviour.js";

const COMMAND_TIMEOUT_MS = 50;
/** Slack for timers on a busy two-core machine. */
const MARGIN_MS = 250;
const NOW = Date.parse("2026-03-02T10:00:00Z");

let server: RedisServer | undefined;
let store: RedisStore | undefined;
const changes: CircuitState[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  store = await createRedisStore({
    url: server.url,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    reconnectMaxDelayMs: 100,
    circuit: {
      failureThreshold: 3,
      resetTimeoutMs: 200,
      onStateChange: (state) => changes.push(state),
    },
  });
});

afterAll(async () => {
  await store?.close();
  await server?.kill();
});

function running<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("redis store not started");
  return value;
}

/** Settles `call` and says how long it took. */
async function timed(call: () => Promise<unknown>) {
  const startMs = performance.now();
  const [outcome] = await Promise.allSettled([call()]);
  return { outcome, elapsedMs: performance.now() - startMs };
}

function reason(outcome: PromiseSettledResult<unknown> | undefined) {
  return outcome?.status === "rejected" ? outcome.reason : undefined;
}

async function recovered(store: RedisStore, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { outcome } = await timed(() => store.readUser("u1", NOW));
    if (outcome?.status === "fulfilled") return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe("redis store when redis stops answering", () => {
  it("rejects within the command timeout and opens the circuit", async () => {
    const redisStore = running(store);
    expect((await redisStore.commit("u1", plan(["a"]))).accepted).toBe(1);
    running(server).pause();

    const calls = Array.from({ length: 20 }, (_, i) =>
      timed(() =>
        i % 2 === 0
          ? redisStore.readUser("u1", NOW)
          : redisStore.commit("u1", plan([`b${i}`])),
      ),
    );
    const results = await Promise.all(calls);
    for (const { outcome, elapsedMs } of results) {
      expect(reason(outcome)).toBeInstanceOf(StoreUnavailableError);
      expect(elapsedMs).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    }
    expect(reason(results[0]?.outcome)).toHaveProperty(
      "message",
      "redis unavailable: Command timed out",
    );
    expect(redisStore.circuitState).toBe("open");
  });

  it("refuses calls at once while the circuit is open", async () => {
    const { outcome } = await timed(() => running(store).readUser("u1", NOW));
    expect(reason(outcome)).toBeInstanceOf(StoreUnavailableError);
    expect(reason(outcome)).toHaveProperty("message", "redis circuit open");
  });

  it("recovers by itself when redis is back on its port", async () => {
    const redisStore = running(store);
    await running(server).restart();
    expect(await recovered(redisStore, 10_000)).toBe(true);
    expect(redisStore.circuitState).toBe("closed");
    expect(changes[0]).toBe("open");
    expect(changes.at(-1)).toBe("closed");
    expect((await redisStore.commit("u2", plan(["c"]))).accepted).toBe(1);
  });
});

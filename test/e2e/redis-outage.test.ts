import type * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPushguard } from "../../src/app.js";
import type { ScreenResponse } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import { call, pushguardClient, startTestServer } from "../helpers/server.js";
import { startRedisServer, type RedisServer } from "../store/redis-servers.js";

const TIMEOUT_MS = 50;
/** Timeout plus scheduling slack on a loaded two-core machine. */
const ANSWER_WITHIN_MS = TIMEOUT_MS + 400;

let redis: RedisServer;
let running: RunningPushguard;
let client: grpc.Client;

beforeAll(async () => {
  redis = await startRedisServer();
  running = await startTestServer({
    PUSHGUARD_REDIS_URL: redis.url,
    PUSHGUARD_REDIS_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  client = pushguardClient(running.grpcPort);
});

afterAll(async () => {
  client.close();
  await running.stop();
  await redis.kill();
});

function screenOnce(userId: string, commit: boolean) {
  const started = performance.now();
  return call<ScreenResponse>(
    client,
    "screen",
    screenRequest({
      user: { id: userId },
      commit,
      candidates: [
        candidate("ok"),
        candidate("gossip", { topics: ["entertainment"] }),
      ],
    }),
  ).then((res) => ({ res, ms: performance.now() - started }));
}

describe("Redis outage under load", () => {
  it("answers within the timeout, failing the caps closed", async () => {
    const healthy = await screenOnce("u-before", true);
    expect(healthy.res.committed).toBe(true);
    redis.pause();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        screenOnce(`u-out-${i}`, i % 2 === 0),
      ),
    );
    for (const { res, ms } of answers) {
      expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
      expect(res.admitted).toEqual([]);
      expect(res.committed).toBe(false);
      const reasons = Object.fromEntries(
        res.dropped.map((d) => [d.candidateId, d.reasons[0]?.code]),
      );
      // The content rule still decides without state; the cap fails closed.
      expect(reasons).toEqual({
        gossip: "label.gossip",
        ok: "state.unavailable",
      });
    }
  });

  it("recovers on its own when Redis returns", async () => {
    await redis.restart();
    let recovered: ScreenResponse | undefined;
    for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
      const { res } = await screenOnce("u-after", true);
      if (res.committed) recovered = res;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered?.admitted.map((a) => a.candidateId)).toEqual(["ok"]);
  });
});

describe("Redis down at start", () => {
  it("serves with state unavailable, then connects when Redis comes up", async () => {
    const later = await startRedisServer();
    await later.stop();
    const app = await startTestServer({ PUSHGUARD_REDIS_URL: later.url });
    const c = pushguardClient(app.grpcPort);
    const screen = () =>
      call<ScreenResponse>(
        c,
        "screen",
        screenRequest({
          user: { id: "u-start" },
          commit: true,
          candidates: [candidate("ok")],
        }),
      );
    const down = await screen();
    expect(down.dropped[0]?.reasons[0]?.code).toBe("state.unavailable");
    await later.restart();
    let up: ScreenResponse | undefined;
    for (let attempt = 0; attempt < 50 && !up?.committed; attempt++) {
      up = await screen();
      if (!up.committed) await new Promise((r) => setTimeout(r, 100));
    }
    c.close();
    await app.stop();
    await later.kill();
    expect(up?.admitted.map((a) => a.candidateId)).toEqual(["ok"]);
  });
});

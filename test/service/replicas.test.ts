/**
 * Art. 6 across replicas: two pushguard instances share one real Redis. A
 * complaint taken by one suppresses the item there at once and on the
 * other within its refresh interval, while a Screen still costs Redis one
 * command.
 */
import type * as grpc from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { vi } from "vitest";
import type { RunningPushguard } from "../../src/app.js";
import type {
  ReportComplaintResponse,
  ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import { call, pushguardClient, startTestServer } from "../helpers/server.js";
import { RedisProbe, clientCommands } from "../store/redis-probe.js";
import { startRedisServer, type RedisServer } from "../store/redis-servers.js";

let redis: RedisServer | undefined;
const running: { app: RunningPushguard; client: grpc.Client }[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});

afterEach(async () => {
  for (const { app, client } of running.splice(0)) {
    client.close();
    await app.stop();
  }
});

afterAll(async () => {
  await redis?.kill();
});

/** A replica on the shared Redis that re-reads complaints every `ms`. */
async function replica(refreshMs: number) {
  if (redis === undefined) throw new Error("redis server not started");
  const app = await startTestServer({
    PUSHGUARD_REDIS_URL: redis.url,
    PUSHGUARD_REDIS_TIMEOUT_MS: "1000",
    PUSHGUARD_COMPLAINT_REFRESH_MS: String(refreshMs),
    PUSHGUARD_POLICY_WATCH: "false",
  });
  const client = pushguardClient(app.grpcPort);
  running.push({ app, client });
  return client;
}

function complain(client: grpc.Client, itemId: string, reporter: string) {
  return call<ReportComplaintResponse>(client, "reportComplaint", {
    ...{ itemId, providerId: "p-1", reporter },
    ...{ reason: "gossip", details: "" },
  });
}

/** Candidate ids the replica admits from `itemIds`. */
async function admitted(client: grpc.Client, ...itemIds: string[]) {
  const request = screenRequest({
    candidates: itemIds.map((id) => candidate(id)),
  });
  const response = await call<ScreenResponse>(client, "screen", request);
  return response.admitted.map((item) => item.candidateId);
}

describe("Art. 6 suppression across replicas on one Redis", () => {
  it("suppresses where reported at once, elsewhere on refresh", async () => {
    const refreshMs = 200;
    const taker = await replica(60_000);
    const other = await replica(refreshMs);
    let last: ReportComplaintResponse | undefined;
    for (let i = 0; i < 5; i += 1) {
      last = await complain(taker, "item-shared", `reporter-${i}`);
    }
    expect([last?.complaints, last?.suppressed]).toEqual([5, true]);
    expect(await admitted(taker, "item-shared", "item-ok")).toEqual([
      "item-ok",
    ]);
    await vi.waitFor(
      async () => {
        const ids = await admitted(other, "item-shared", "item-ok");
        expect(ids).toEqual(["item-ok"]);
      },
      { timeout: 20 * refreshMs, interval: refreshMs / 4 },
    );
  });

  it("reads only the user's state from Redis on a Screen", async () => {
    if (redis === undefined) throw new Error("redis server not started");
    const client = await replica(600_000);
    for (let i = 0; i < 5; i += 1) {
      await complain(client, "item-counted", `reporter-${i}`);
    }
    const probe = await RedisProbe.connect([redis.port], false);
    try {
      await admitted(client, "item-counted", "item-ok");
      await probe.resetStats();
      const ids = await admitted(client, "item-counted", "item-ok");
      const sent = clientCommands(await probe.commandCalls());
      expect(ids).toEqual(["item-ok"]);
      expect(sent).toEqual(new Map([["evalsha", 1]]));
    } finally {
      await probe.close();
    }
  });
});

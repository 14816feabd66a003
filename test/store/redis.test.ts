import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  StoreUnavailableError,
  createRedisStore,
} from "../../src/store/redis.js";
import { RedisProbe } from "./redis-probe.js";
import { startRedisServer } from "./redis-servers.js";
import type { RedisServer } from "./redis-servers.js";
import { describeStoreBehaviour } from "./store-behaviour.js";

let server: RedisServer | undefined;
let probe: RedisProbe | undefined;

beforeAll(async () => {
  server = await startRedisServer();
  probe = await RedisProbe.connect([server.port], false);
});

afterAll(async () => {
  await probe?.close();
  await server?.kill();
});

function running<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("redis server not started");
  return value;
}

describeStoreBehaviour(
  "standalone redis",
  (options) =>
    createRedisStore({
      url: running(server).url,
      commandTimeoutMs: 1_000,
      ...options,
    }),
  { probe: () => running(probe), cluster: false },
);

describe("createRedisStore", () => {
  it("treats an empty list of cluster nodes as standalone", async () => {
    const url = running(server).url;
    const options = { url, clusterNodes: [], commandTimeoutMs: 1_000 };
    const store = await createRedisStore(options);
    expect(store.kind).toBe("redis");
    await store.close();
  });

  it("refuses a url and cluster nodes together", async () => {
    const options = {
      url: running(server).url,
      clusterNodes: ["127.0.0.1:7000"],
      commandTimeoutMs: 1_000,
    };
    await expect(createRedisStore(options)).rejects.toThrow(
      "redis store takes url or clusterNodes, not both",
    );
  });

  it("gives up when redis is not ready within the connect timeout", async () => {
    const options = {
      url: "redis://127.0.0.1:1",
      commandTimeoutMs: 1_000,
      connectTimeoutMs: 300,
    };
    const failure = createRedisStore(options);
    await expect(failure).rejects.toThrow(StoreUnavailableError);
    await expect(failure).rejects.toThrow("redis not ready within 300 ms");
  });
});

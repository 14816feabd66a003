import { afterAll, beforeAll } from "vitest";
import { createRedisStore } from "../../src/store/redis.js";
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

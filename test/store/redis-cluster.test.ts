import { afterAll, beforeAll } from "vitest";
import { createRedisStore } from "../../src/store/redis.js";
import { RedisProbe } from "./redis-probe.js";
import { startRedisCluster } from "./redis-servers.js";
import type { RedisClusterServers } from "./redis-servers.js";
import { describeStoreBehaviour } from "./store-behaviour.js";

let cluster: RedisClusterServers | undefined;
let probe: RedisProbe | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  const ports = cluster.servers.map((server) => server.port);
  probe = await RedisProbe.connect(ports, true);
});

afterAll(async () => {
  await probe?.close();
  await cluster?.stop();
});

function running<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("redis cluster not started");
  return value;
}

describeStoreBehaviour(
  "redis cluster",
  (options) =>
    createRedisStore({
      clusterNodes: running(cluster).nodes,
      commandTimeoutMs: 1_000,
      ...options,
    }),
  { probe: () => running(probe), cluster: true },
);

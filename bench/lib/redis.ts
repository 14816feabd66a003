/**
 * A Redis of the benchmark's own: started from the installed
 * `redis-server` on a free port without persistence (`--save ""
 * --appendonly no`, through the store tests' launcher), so that no other
 * client's commands end up in the counts and no snapshot costs CPU.
 */
import { Redis } from "ioredis";
import {
  COMMANDS_INSIDE_SCRIPTS,
  parseCommandStats,
} from "../../test/store/redis-probe.js";
import { startRedisServer } from "../../test/store/redis-servers.js";

/** What the Redis server saw during some work. */
export interface RedisCounts {
  /** Commands that arrived over the network (MONITOR, client address). */
  readonly roundTrips: number;
  /**
   * Socket reads Redis processed (`total_reads_processed`): commands that
   * arrived together, pipelined, count once. The closest count of network
   * round trips.
   */
  readonly reads: number;
  /** `INFO commandstats` calls by command, after `CONFIG RESETSTAT`. */
  readonly commands: ReadonlyMap<string, number>;
}

/** The running server, a client to it and its process id. */
export interface BenchRedis {
  readonly url: string;
  readonly pid: number;
  readonly client: Redis;
  /** Counts what reaches Redis while `work` runs. */
  count(work: () => Promise<void>): Promise<RedisCounts>;
  stop(): Promise<void>;
}

/** Starts a fresh redis-server and connects to it. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const server = await startRedisServer();
  const client = new Redis(server.port, "127.0.0.1");
  const info = await client.info("server");
  const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
  return {
    url: server.url,
    pid,
    client,
    count: (work) => countCommands(client, work),
    stop: async () => {
      client.disconnect();
      await server.kill();
    },
  };
}

async function countCommands(
  client: Redis,
  work: () => Promise<void>,
): Promise<RedisCounts> {
  const monitor = await client.monitor();
  let roundTrips = 0;
  monitor.on("monitor", (_time, args: string[], source: string) => {
    const command = String(args[0]).toLowerCase();
    if (source === "lua" || command === "info" || command === "config") {
      return;
    }
    roundTrips += 1;
  });
  await client.config("RESETSTAT");
  const readsBefore = await readsProcessed(client);
  await work();
  await settle();
  // The INFO that reads the count is itself one read.
  const reads = (await readsProcessed(client)) - readsBefore - 1;
  const stats = parseCommandStats(await client.info("commandstats"));
  monitor.disconnect();
  const commands = new Map(
    [...stats].filter(([command]) => !/^(info|config|monitor)/.test(command)),
  );
  return { roundTrips, reads, commands };
}

async function readsProcessed(client: Redis): Promise<number> {
  const info = await client.info("stats");
  return Number(/^total_reads_processed:(\d+)/m.exec(info)?.[1]);
}

/** Commands a Lua script runs inside Redis: no round trip of their own. */
export function insideScripts(command: string): boolean {
  return COMMANDS_INSIDE_SCRIPTS.has(command);
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 200));
}

/**
 * Looks inside the Redis servers behind a store under test: keys and their
 * TTLs, raw members, hash slots, and command counts from `INFO
 * commandstats`. It uses its own connections, one per node, and the commands
 * it sends are left out of the counts it reports.
 */
import { Redis } from "ioredis";
import * as scripts from "../../src/store/redis-scripts.js";

/** Commands the probe sends around a count; never counted. */
const PROBE_COMMANDS = new Set(["info", "config"]);

/** Direct access to every master node of a standalone Redis or a Cluster. */
export class RedisProbe {
  private constructor(
    private readonly nodes: readonly Redis[],
    readonly cluster: boolean,
  ) {}

  /** Connects to each of the given ports. */
  static async connect(
    ports: readonly number[],
    cluster: boolean,
  ): Promise<RedisProbe> {
    const nodes = ports.map((port) => new Redis(port, "127.0.0.1"));
    await Promise.all(nodes.map((node) => node.ping()));
    return new RedisProbe(nodes, cluster);
  }

  /** Every key that starts with `prefix`, with its PTTL, on all nodes. */
  async keysWithTtl(prefix: string): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const node of this.nodes) {
      for (const key of await scanAll(node, `${prefix}*`)) {
        found.set(key, await node.pttl(key));
      }
    }
    return found;
  }

  /** Members of the sorted set `key`, from whichever node holds it. */
  async sortedSetMembers(key: string): Promise<string[]> {
    const members = await Promise.all(
      // Cluster nodes that do not hold the key answer MOVED.
      this.nodes.map((node) => node.zrange(key, 0, -1).catch(() => [])),
    );
    return members.flat();
  }

  /** The Cluster hash slot of `key`, as Redis computes it. */
  async keySlot(key: string): Promise<number> {
    const [node] = this.nodes;
    if (node === undefined || !this.cluster) {
      throw new Error("key slots exist only on a cluster");
    }
    return Number(await node.call("cluster", "keyslot", key));
  }

  /** Clears `INFO commandstats` on every node. */
  async resetStats(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.config("RESETSTAT")));
  }

  /** Calls per command since the last reset, summed over nodes. */
  async commandCalls(): Promise<Map<string, number>> {
    const calls = new Map<string, number>();
    for (const node of this.nodes) {
      const info = await node.info("commandstats");
      for (const [command, count] of parseCommandStats(info)) {
        const [family = command] = command.split("|");
        if (PROBE_COMMANDS.has(family)) continue;
        calls.set(command, (calls.get(command) ?? 0) + count);
      }
    }
    return calls;
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.quit()));
  }
}

/**
 * Commands the store's Lua scripts call. `INFO commandstats` counts them
 * too, but they run inside Redis and cost no round trip.
 */
export const COMMANDS_INSIDE_SCRIPTS: ReadonlySet<string> = new Set(
  Object.values(scripts).flatMap((source) =>
    [...source.matchAll(/redis\.call\('(\w+)'/g)].map((match) =>
      String(match[1]).toLowerCase(),
    ),
  ),
);

/** The counts of commands sent by clients, leaving out script internals. */
export function clientCommands(
  calls: ReadonlyMap<string, number>,
): Map<string, number> {
  return new Map(
    [...calls].filter(([command]) => !COMMANDS_INSIDE_SCRIPTS.has(command)),
  );
}

/** Parses `cmdstat_evalsha:calls=3,usec=...` lines. */
export function parseCommandStats(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const [, command, count] = match;
    if (command !== undefined) calls.set(command, Number(count));
  }
  return calls;
}

async function scanAll(node: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await node.scan(cursor, "MATCH", pattern);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}

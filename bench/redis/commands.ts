/**
 * Counts Redis commands and round trips per store call, from Redis itself,
 * on a standalone Redis and a three-master Cluster started here from the
 * installed `redis-server`.
 *
 * Two views, both taken on the servers:
 * - `INFO commandstats` after `CONFIG RESETSTAT`: every command executed,
 *   including the ones a Lua script calls inside Redis;
 * - `MONITOR`: each command with its source, a client address for a command
 *   that came over the network (a round trip) and `lua` for one run by a
 *   script.
 *
 * Besides the store calls, it runs the real Screen (the default policy,
 * with its Art. 6 rule, and 100 candidates, ten of them suppressed by
 * complaints) the way a server does: the suppressed items come from the
 * replica's `SuppressionCache`, so a Screen reads only the user's state.
 *
 * Run: npx tsx bench/redis/commands.ts
 * Writes bench/results/redis-commands.md.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { loadPolicy } from "../../src/policy/loader.js";
import {
  MAX_SUPPRESSED_ITEMS,
  SuppressionCache,
} from "../../src/service/complaints.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { screen, type ScreenDeps } from "../../src/service/screen.js";
import { createRedisStore } from "../../src/store/redis.js";
import type { RedisStoreOptions } from "../../src/store/redis.js";
import type { StateStore } from "../../src/store/store.js";
import { candidate, screenRequest } from "../../test/helpers/requests.js";
import {
  COMMANDS_INSIDE_SCRIPTS,
  parseCommandStats,
} from "../../test/store/redis-probe.js";
import { complaintSubject } from "../../src/store/complaint-id.js";
import {
  startRedisCluster,
  startRedisServer,
} from "../../test/store/redis-servers.js";

const CALLS = 200;
/** Warm-up users: enough to reach every Cluster master at least once. */
const WARM_UP = 30;
const NOW = Date.parse("2026-03-02T10:00:00Z");
const HOUR = 3_600_000;
const ITEMS = Array.from({ length: 100 }, (_, i) => `item${i}`);
/** Items the bench complains about until the default threshold of 5. */
const SUPPRESSED = ITEMS.slice(0, 10);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const resultFile = path.resolve(here, "../results/redis-commands.md");

/** What an operation runs against: the store, and Screen's dependencies. */
interface Target {
  readonly store: StateStore;
  readonly deps: ScreenDeps;
}

/** One call measured `CALLS` times for different users. */
interface Operation {
  readonly name: string;
  readonly run: (target: Target, i: number) => Promise<unknown>;
}

const STORE_OPERATIONS: readonly Operation[] = [
  { name: "readUser", run: ({ store }, i) => store.readUser(`u${i}`, NOW) },
  {
    name: "commit (2 planned, 2 caps)",
    run: ({ store }, i) => store.commit(`u${i}`, commitPlan(i)),
  },
  {
    name: "recordDelivery",
    run: ({ store }, i) =>
      store.recordDelivery(`u${i}`, {
        deliveryId: `d${i}`,
        record: record(`item${i}`, NOW - HOUR),
      }),
  },
  {
    name: "recordFeedback",
    run: ({ store }, i) =>
      store.recordFeedback(`u${i}`, {
        feedbackId: `f${i}`,
        itemId: `item${i}`,
        event: "dismissed",
        atMs: NOW,
      }),
  },
  {
    name: "addComplaint",
    run: ({ store }, i) =>
      store.addComplaint({
        itemId: `item${i % 100}`,
        providerId: "provider-1",
        reporter: `reporter${i}`,
        reason: "misleading",
        details: "",
        atMs: NOW,
      }),
  },
  {
    name: "suppressedItems (one cache refresh)",
    run: ({ store }) =>
      store.suppressedItems({
        minComplaints: 5,
        nowMs: NOW,
        limit: MAX_SUPPRESSED_ITEMS,
      }),
  },
];

const SCREEN_OPERATIONS: readonly Operation[] = [
  {
    name: "Screen (100 candidates, Art. 6 on)",
    run: ({ deps }, i) => screenChecked(deps, i, false),
  },
  {
    name: "Screen with commit: true",
    run: ({ deps }, i) => screenChecked(deps, i, true),
  },
];

/** A Screen that must drop exactly the ten suppressed items for Art. 6. */
async function screenChecked(deps: ScreenDeps, i: number, commit: boolean) {
  const request = screenRequest({
    user: { id: `screen-u${i}`, timeZone: "Asia/Shanghai" },
    now: { seconds: BigInt(NOW / 1000) },
    commit,
    candidates: ITEMS.map((id) => candidate(id)),
  });
  const response = await screen(deps, request);
  const art6 = response.dropped.filter((d) =>
    d.reasons.some((r) => r.code === "complaint.threshold"),
  );
  if (art6.length !== SUPPRESSED.length) {
    throw new Error(`screen dropped ${art6.length} items for Art. 6, not 10`);
  }
  return response;
}

/**
 * Complains about each suppressed item until the threshold of 5. The
 * store keeps complaints by subject, the provider's item, as
 * ReportComplaint hands them over: the subject of the provider the
 * Screens come from.
 */
async function complainAboutSuppressed(store: StateStore): Promise<void> {
  const providerId = screenRequest().provider?.id ?? "";
  for (const item of SUPPRESSED) {
    const itemId = complaintSubject(providerId, item);
    for (let r = 0; r < 5; r += 1) {
      await store.addComplaint({
        ...{ itemId, providerId, reporter: `bench-r${r}` },
        ...{ reason: "misleading", details: "", atMs: NOW },
      });
    }
  }
}

/**
 * Screen's dependencies as a server builds them, with a refresh interval
 * longer than the bench so that the counts are Screen's own.
 */
async function screenDeps(store: StateStore): Promise<ScreenDeps> {
  const policy = await loadPolicy(path.join(repoRoot, "policies/default.yaml"));
  const policies = new PolicyHolder(policy);
  await complainAboutSuppressed(store);
  const suppression = await new SuppressionCache({
    ...{ store, policies, clock: () => NOW },
    refreshMs: 3_600_000,
  }).start();
  return { store, policies, suppression, clock: () => NOW };
}

function record(itemId: string, atMs: number) {
  return { itemId, atMs, topics: ["sport"], classes: [], consumption: false };
}

function commitPlan(i: number) {
  return {
    nowMs: NOW,
    deliveries: [record(`a${i}`, NOW), record(`b${i}`, NOW)],
    caps: [
      { name: "hour", windowMs: HOUR, limit: 2 },
      { name: "day", windowMs: 24 * HOUR, limit: 5 },
    ],
    minGapMs: 0,
  };
}

/** What the servers saw during one operation's `CALLS` calls. */
interface Counts {
  readonly executed: Map<string, number>;
  readonly fromClients: number;
  readonly fromScripts: number;
}

/** Watches every master: resets stats, and counts MONITOR lines by source. */
class ServerWatch {
  private fromClients = 0;
  private fromScripts = 0;
  private readonly monitors: Redis[] = [];

  private constructor(private readonly nodes: readonly Redis[]) {}

  static async start(ports: readonly number[]): Promise<ServerWatch> {
    const nodes = ports.map((port) => new Redis(port, "127.0.0.1"));
    const watch = new ServerWatch(nodes);
    for (const node of nodes) {
      // monitor() opens a second connection beside the node's own.
      const monitor = await node.monitor();
      monitor.on("monitor", (_time, args: string[], source: string) =>
        watch.seen(args, source),
      );
      watch.monitors.push(monitor);
    }
    return watch;
  }

  async measure(work: () => Promise<void>): Promise<Counts> {
    await Promise.all(this.nodes.map((node) => node.config("RESETSTAT")));
    await settle();
    this.fromClients = 0;
    this.fromScripts = 0;
    await work();
    await settle();
    const executed = new Map<string, number>();
    for (const node of this.nodes) {
      const stats = parseCommandStats(await node.info("commandstats"));
      for (const [command, calls] of stats) {
        if (/^(info|config)/.test(command)) continue;
        executed.set(command, (executed.get(command) ?? 0) + calls);
      }
    }
    const { fromClients, fromScripts } = this;
    return { executed, fromClients, fromScripts };
  }

  async stop(): Promise<void> {
    for (const client of [...this.monitors, ...this.nodes]) {
      client.disconnect();
    }
  }

  private seen(args: string[], source: string): void {
    const command = String(args[0]).toLowerCase();
    if (command === "info" || command === "config") return;
    if (source === "lua") this.fromScripts += 1;
    else this.fromClients += 1;
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 200));
}

async function measureBackend(
  label: string,
  ports: readonly number[],
  options: RedisStoreOptions,
): Promise<string[]> {
  const store = await createRedisStore(options);
  const deps = await screenDeps(store);
  const target = { store, deps };
  const watch = await ServerWatch.start(ports);
  const rows: string[] = [];
  for (const operation of [...STORE_OPERATIONS, ...SCREEN_OPERATIONS]) {
    // ioredis sends EVAL the first time a script runs on a connection.
    for (let i = 1; i <= WARM_UP; i += 1) await operation.run(target, -i);
    const counts = await watch.measure(async () => {
      for (let i = 0; i < CALLS; i += 1) await operation.run(target, i);
    });
    rows.push(row(label, operation.name, counts));
  }
  deps.suppression?.stop();
  await watch.stop();
  await store.close();
  return rows;
}

function row(label: string, name: string, counts: Counts): string {
  const executed = [...counts.executed].sort(([a], [b]) => a.localeCompare(b));
  const sent = executed.filter(
    ([command]) => !COMMANDS_INSIDE_SCRIPTS.has(command),
  );
  const inside = executed.filter(([command]) =>
    COMMANDS_INSIDE_SCRIPTS.has(command),
  );
  const perCall = (n: number) => (n / CALLS).toFixed(2);
  const list = (pairs: [string, number][]) =>
    pairs.map(([command, n]) => `${command} ${perCall(n)}`).join(", ");
  return [
    `| ${label} | ${name} | ${perCall(counts.fromClients)}`,
    `${list(sent)}`,
    `${perCall(counts.fromScripts)}`,
    `${list(inside) || "none"} |`,
  ].join(" | ");
}

function machine(): string[] {
  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(
    /^model name\s*:\s*(.+)$/m,
  );
  const redis = execFileSync("redis-server", ["--version"], {
    encoding: "utf8",
  });
  return [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${os.cpus().length} cores (nproc), ${cpu?.[1] ?? "unknown cpu"}`,
    `- node: ${process.version}`,
    `- redis: ${redis.trim()}`,
    "- command: `npx tsx bench/redis/commands.ts`",
  ];
}

async function main(): Promise<void> {
  const server = await startRedisServer();
  const cluster = await startRedisCluster(3);
  const common = { commandTimeoutMs: 1_000, keyPrefix: "bench:" };
  try {
    const standalone = await measureBackend("standalone", [server.port], {
      url: server.url,
      ...common,
    });
    const ports = cluster.servers.map((s) => s.port);
    const clustered = await measureBackend("cluster (3 masters)", ports, {
      clusterNodes: cluster.nodes,
      ...common,
    });
    writeReport([...standalone, ...clustered]);
  } finally {
    await server.kill();
    await cluster.stop();
  }
}

function writeReport(rows: readonly string[]): void {
  const lines = [
    "# Redis commands per store call",
    "",
    ...machine(),
    "",
    `Each operation ran ${CALLS} times (different users) after ${WARM_UP}`,
    "warm-up calls. Counts are per call, from the Redis servers themselves:",
    "round trips are MONITOR lines from a client address; commands sent and",
    "commands run inside scripts come from `INFO commandstats` after",
    "`CONFIG RESETSTAT` (ioredis sends EVAL the first time a script runs on",
    "a connection, EVALSHA afterwards; the warm-up takes those, so the",
    "figures are the steady state).",
    "",
    "The Screen rows run the real Screen with the default policy (its Art. 6",
    "rule at 5 complaints) on 100 candidates, ten of which have 5",
    "complaints; each call checks that exactly those ten are dropped citing",
    "Art. 6. The suppressed items come from the replica's in-memory",
    "`SuppressionCache`, which reads them with one `suppressedItems` call",
    "every `PUSHGUARD_COMPLAINT_REFRESH_MS` (2 s by default) off the request",
    "path, so a Screen is the user's state read alone: one round trip; with",
    "`commit: true`, one more for the atomic commit.",
    "",
    "| backend | operation | round trips | commands sent | commands in scripts (MONITOR) | commands in scripts (commandstats) |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ];
  mkdirSync(path.dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, lines.join("\n"));
  console.log(lines.join("\n"));
}

await main();

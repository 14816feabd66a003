/**
 * Starts real Redis processes for the store tests, from the installed
 * `redis-server`, on free ports, without persistence. Each server lives in
 * its own temporary folder, which also holds a Cluster node's config file.
 */
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One running `redis-server`. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Runs `redis-cli` against this server and returns its output. */
  cli(...args: string[]): Promise<string>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Stops the process; `restart` brings it back on the same port. */
  stop(): Promise<void>;
  /** Kills the process and waits until it is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, empty. */
  restart(): Promise<void>;
}

/** Three or more masters started as one Cluster. */
export interface RedisClusterServers {
  readonly servers: readonly RedisServer[];
  /** Seed nodes as `127.0.0.1:port`. */
  readonly nodes: readonly string[];
  stop(): Promise<void>;
}

/** Starts one standalone `redis-server`. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  return launch(port, []);
}

/** Starts `masters` cluster-enabled servers and joins them into a Cluster. */
export async function startRedisCluster(
  masters = 3,
): Promise<RedisClusterServers> {
  const servers: RedisServer[] = [];
  for (let i = 0; i < masters; i += 1) {
    const port = await freePort(servers.map((s) => s.port));
    const config = ["--cluster-enabled", "yes"];
    config.push("--cluster-config-file", `nodes-${port}.conf`);
    servers.push(await launch(port, config));
  }
  const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
  await run("redis-cli", [
    ...["--cluster", "create", ...nodes],
    ...["--cluster-replicas", "0", "--cluster-yes"],
  ]);
  await Promise.all(servers.map((s) => waitForClusterOk(s)));
  const stop = () => Promise.all(servers.map((s) => s.kill())).then(() => {});
  return { servers, nodes, stop };
}

async function launch(port: number, extra: string[]): Promise<RedisServer> {
  const dir = await mkdtemp(path.join(tmpdir(), "pushguard-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1"];
  args.push("--save", "", "--appendonly", "no", "--dir", dir, ...extra);
  let child = await spawnServer(args, port);
  const cli = (...cliArgs: string[]) => redisCli(port, cliArgs);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    cli,
    pause: () => child.kill("SIGSTOP"),
    stop: () => stopProcess(child),
    kill: async () => {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stopProcess(child);
      child = await spawnServer(args, port);
    },
  };
}

async function spawnServer(args: string[], port: number) {
  const child = spawn("redis-server", args, { stdio: "ignore" });
  await waitFor(async () => {
    if (child.exitCode !== null) {
      throw new Error(`redis-server on port ${port} exited early`);
    }
    return (await redisCli(port, ["ping"])) === "PONG";
  });
  return child;
}

async function redisCli(port: number, args: string[]): Promise<string> {
  const cliArgs = ["-h", "127.0.0.1", "-p", String(port), ...args];
  try {
    const { stdout } = await run("redis-cli", cliArgs, { timeout: 2_000 });
    return stdout.trim();
  } catch {
    return "";
  }
}

async function waitForClusterOk(server: RedisServer): Promise<void> {
  await waitFor(async () => {
    const info = await server.cli("cluster", "info");
    return info.includes("cluster_state:ok");
  });
}

/** Kills with SIGKILL, which also ends a process stopped by SIGSTOP. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

async function waitFor(
  ready: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) {
      throw new Error(`redis not ready within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A port that is free now, and whose Cluster bus port (port + 10000) is
 * free too, avoiding ports already handed out.
 */
async function freePort(taken: readonly number[] = []): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.includes(port)) continue;
    if ((await canListen(port)) && (await canListen(port + 10_000))) {
      return port;
    }
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * The processes of a benchmark: pushguard as it ships (`pushguard serve`
 * from the built dist/, or from source through tsx for the smoke test),
 * the echo floor, and the load generator, each its own process so that
 * the server's CPU time is its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import type { LoadInterval, LoadOptions, LoadResult } from "../load/loadgen.js";
import { repoRoot } from "./workload.js";

/** The gRPC path both servers answer Screen on. */
export const SCREEN_METHOD = "/pushguard.v1.PushGuard/Screen";

/** A server the load generator can aim at. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly target: string;
  /** pushguard only: the /metrics and /readyz port. */
  readonly httpPort?: number;
  stop(): Promise<void>;
}

/** How to start pushguard. */
export interface PushguardLaunch {
  readonly name: string;
  readonly policy: string;
  readonly redisUrl?: string;
  /** Run src/ through tsx instead of the built dist/. */
  readonly fromSource: boolean;
  /** Write a V8 CPU profile of the server into this folder at stop. */
  readonly cpuProfDir?: string;
  /** Extra environment: PUSHGUARD_* settings, NODE_OPTIONS. */
  readonly env?: Readonly<Record<string, string>>;
  /** Node flags before the entry point (`--trace-gc`). */
  readonly nodeArgs?: readonly string[];
  /** Sees every line the server writes to stdout (e.g. --trace-gc). */
  readonly onStdoutLine?: (line: string) => void;
}

/** A free TCP port on 127.0.0.1 (closed again before it is used). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `pushguard serve` and waits until /readyz answers 200. */
export async function startPushguard(
  launch: PushguardLaunch,
): Promise<ServerProcess> {
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const profile = launch.cpuProfDir
    ? ["--cpu-prof", "--cpu-prof-dir", launch.cpuProfDir]
    : [];
  const entry = launch.fromSource
    ? ["--import", "tsx", "src/cli/main.ts"]
    : ["dist/src/cli/main.js"];
  const node = [...(launch.nodeArgs ?? []), ...profile];
  const child = spawn(process.execPath, [...node, ...entry, "serve"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PUSHGUARD_GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      PUSHGUARD_HTTP_ADDR: `127.0.0.1:${httpPort}`,
      PUSHGUARD_POLICY: launch.policy,
      PUSHGUARD_POLICY_WATCH: "false",
      PUSHGUARD_LOG_LEVEL: "warn",
      PUSHGUARD_DECISION_LOG: "off",
      PUSHGUARD_SHUTDOWN_GRACE_MS: "2000",
      ...(launch.redisUrl ? { PUSHGUARD_REDIS_URL: launch.redisUrl } : {}),
      ...launch.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = tail(child);
  if (launch.onStdoutLine) eachLine(child, launch.onStdoutLine);
  await waitReady(child, httpPort, output);
  return {
    name: launch.name,
    pid: pidOf(child),
    target: `127.0.0.1:${grpcPort}`,
    httpPort,
    stop: () => stopChild(child),
  };
}

/**
 * Starts the echo floor answering `responseFile`'s bytes; with `codec`,
 * decoding requests and encoding the answer with protobuf-es.
 */
export async function startEcho(
  name: string,
  responseFile: string,
  codec = false,
): Promise<ServerProcess> {
  const port = await freePort();
  const script = path.join(repoRoot, "bench/floor/echo-server.ts");
  const mode = codec ? ["codec"] : [];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, String(port), responseFile, ...mode],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  const output = tail(child);
  await firstLine(child, output);
  return {
    name,
    pid: pidOf(child),
    target: `127.0.0.1:${port}`,
    stop: () => stopChild(child),
  };
}

/**
 * Runs the load generator in its own process; `onInterval` sees each
 * interval line of a paced run as it arrives.
 */
export function runLoad(
  options: LoadOptions,
  onInterval?: (line: LoadInterval) => void,
): Promise<LoadResult> {
  const script = path.join(repoRoot, "bench/load/loadgen.ts");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, JSON.stringify(options)],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  const output = tail(child);
  return new Promise((resolve, reject) => {
    let result: LoadResult | undefined;
    onLines(child, (line) => {
      const parsed = JSON.parse(line) as LoadResult | LoadInterval;
      if (parsed.type === "interval") onInterval?.(parsed);
      else result = parsed;
    });
    child.once("exit", (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`load generator exited ${code}: ${output()}`));
    });
  });
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error("process did not start");
  return child.pid;
}

/** The last 4 KiB a process wrote, for error messages. */
function tail(child: ChildProcess): () => string {
  let text = "";
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString("utf8")).slice(-4096);
  };
  child.stderr?.on("data", keep);
  child.stdout?.on("data", keep);
  return () => text;
}

/** JSON lines only: what the load generator and echo server print. */
function onLines(child: ChildProcess, handle: (line: string) => void) {
  eachLine(child, (line) => {
    if (line.startsWith("{")) handle(line);
  });
}

function eachLine(child: ChildProcess, handle: (line: string) => void) {
  let pending = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    let at = pending.indexOf("\n");
    while (at >= 0) {
      const line = pending.slice(0, at).trim();
      pending = pending.slice(at + 1);
      handle(line);
      at = pending.indexOf("\n");
    }
  });
}

function firstLine(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    onLines(child, () => resolve());
    child.once("exit", (code) =>
      reject(new Error(`server exited ${code} before serving: ${output()}`)),
    );
  });
}

async function waitReady(
  child: ChildProcess,
  httpPort: number,
  output: () => string,
): Promise<void> {
  let exited = false;
  child.once("exit", () => (exited = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`pushguard exited at start: ${output()}`);
    const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`pushguard not ready after 60 s: ${output()}`);
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

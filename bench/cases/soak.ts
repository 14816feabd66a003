/**
 * Case 4, the soak: pushguard (in-memory store, lists of 100) at half its
 * measured capacity for a long while, paced rather than closed-loop, with
 * the process's memory and event-loop delay read every interval: RSS from
 * /proc/<pid>/status, the heap and the event-loop delay percentiles from
 * prom-client's default metrics on /metrics (the delay histogram is reset
 * at each scrape, so each row is that interval's delay), and the live heap
 * after every full GC from V8's `--trace-gc`.
 */
import type { LoadInterval, LoadResult } from "../load/loadgen.js";
import type { BenchContext } from "../lib/context.js";
import os from "node:os";
import { processCpuMs, processRssBytes } from "../lib/machine.js";
import {
  runLoad,
  startPushguard,
  type PushguardLaunch,
  type ServerProcess,
} from "../lib/processes.js";

/** One interval of the soak. */
export interface SoakRow {
  readonly atS: number;
  readonly calls: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly errors: number;
  readonly skipped: number;
  readonly admittingShare: number;
  /** Server CPU per call answered in the interval, µs. */
  readonly cpuUsPerCall: number;
  /** 1-minute load average at the end of the interval. */
  readonly load: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Live heap after each full GC of the interval, MiB (V8's MB). */
  readonly fullGcMiB: readonly number[];
  readonly lagP50S: number;
  readonly lagP99S: number;
  readonly lagMaxS: number;
}

/** The soak's rows, its rate and the whole run's figures. */
export interface SoakResult {
  readonly size: number;
  readonly rate: number;
  readonly capacity: number | undefined;
  readonly users: number;
  readonly rows: SoakRow[];
  readonly total: LoadResult;
}

const SOAK_SIZE = 100;

/**
 * Runs case 4 at `rate`, or half of `capacity` (Screens a second at the
 * best concurrency of case 1), or half of a short capacity run made here.
 */
export async function runSoak(
  ctx: BenchContext,
  capacity: number | undefined,
): Promise<SoakResult> {
  const file = await ctx.workloadFile(SOAK_SIZE, ctx.settings.soakUsers);
  const gc = new FullGcWatch();
  const server = await startPushguard(gc.launch(ctx));
  ctx.servers.set(server.pid, "case 4, soak, in-memory store");
  try {
    const measured = capacity ?? (await measureCapacity(ctx, server, file));
    const rate = ctx.settings.soakRate ?? Math.max(1, measured / 2);
    ctx.log(`soak at ${rate.toFixed(0)}/s for ${ctx.settings.soakS} s`);
    const rows: SoakRow[] = [];
    const scrapes: Promise<void>[] = [];
    const options = ctx.loadOptions(server, file, {
      firstCall: 0,
      rate,
      maxInFlight: 64,
      warmupS: 0,
      durationS: ctx.settings.soakS,
      reportEveryS: ctx.settings.soakReportEveryS,
    });
    const cpu = cpuMeter(ctx, server.pid);
    const total = await runLoad(options, (line) => {
      const cpuMs = cpu();
      const row = scrape(server, line, cpuMs, gc.take());
      scrapes.push(row.then((done) => void rows.push(done)));
    });
    await Promise.all(scrapes);
    rows.sort((a, b) => a.atS - b.atS);
    const users = ctx.settings.soakUsers;
    return { size: SOAK_SIZE, rate, capacity, users, rows, total };
  } finally {
    await server.stop();
  }
}

async function measureCapacity(
  ctx: BenchContext,
  server: ServerProcess,
  file: string,
): Promise<number> {
  const options = ctx.loadOptions(server, file, {
    concurrency: 8,
    firstCall: 1_000_000_000,
  });
  const result = await runLoad(options);
  ctx.log(`soak capacity run: ${result.throughput.toFixed(0)}/s`);
  return result.throughput;
}

/** CPU ms the process used since the last call. */
function cpuMeter(ctx: BenchContext, pid: number): () => number {
  let last = processCpuMs(pid, ctx.ticksPerSecond);
  return () => {
    const now = processCpuMs(pid, ctx.ticksPerSecond);
    const used = now - last;
    last = now;
    return used;
  };
}

/**
 * The live heap after each full GC, from V8's `--trace-gc` lines on the
 * server's stdout (`Mark-Compact 98.3 (120.4) -> 45.6 (110.2) MB`): the
 * heap's lower envelope, the figure a leak moves. Heap used sampled every
 * 10 s swings with the garbage not yet collected.
 */
class FullGcWatch {
  private afterMiB: number[] = [];

  launch(ctx: BenchContext): PushguardLaunch {
    return {
      ...ctx.launch("pushguard-memory"),
      nodeArgs: ["--trace-gc"],
      onStdoutLine: (line) => this.seen(line),
    };
  }

  /** Full GCs since the last call: the live heap after each, MiB. */
  take(): number[] {
    const taken = this.afterMiB;
    this.afterMiB = [];
    return taken;
  }

  private seen(line: string): void {
    const match = /Mark-Compact[^>]*-> ([\d.]+) \(/.exec(line);
    if (match?.[1]) this.afterMiB.push(Number(match[1]));
  }
}

async function scrape(
  server: ServerProcess,
  line: LoadInterval,
  cpuMs: number,
  fullGcMiB: number[],
): Promise<SoakRow> {
  const rssBytes = processRssBytes(server.pid);
  const load = os.loadavg()[0] ?? Number.NaN;
  const text = await fetch(`http://127.0.0.1:${server.httpPort}/metrics`).then(
    (response) => response.text(),
  );
  return {
    ...line,
    cpuUsPerCall: (cpuMs * 1000) / Math.max(1, line.calls),
    fullGcMiB,
    load,
    rssBytes,
    heapUsedBytes: sample(text, "nodejs_heap_size_used_bytes"),
    heapTotalBytes: sample(text, "nodejs_heap_size_total_bytes"),
    lagP50S: sample(text, "nodejs_eventloop_lag_p50_seconds"),
    lagP99S: sample(text, "nodejs_eventloop_lag_p99_seconds"),
    lagMaxS: sample(text, "nodejs_eventloop_lag_max_seconds"),
  };
}

/** The value of an unlabelled sample, with or without a name prefix. */
function sample(text: string, name: string): number {
  const line = new RegExp(`^(?:\\w+_)?${name} (\\S+)$`, "m").exec(text);
  return line?.[1] === undefined ? Number.NaN : Number(line[1]);
}

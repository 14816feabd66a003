/**
 * The load generator: one process, one grpc-js channel, sending the
 * pre-encoded ScreenRequest bytes of a workload to one unary method with
 * identity (de)serialisers, so that the client's own cost is the same
 * whatever server answers.
 *
 * Two modes:
 * - closed loop: `concurrency` callers, each sending its next call when the
 *   last one answers, for a warm-up and then a measured window;
 * - paced (`rate` set): calls started on a schedule of `rate` a second, at
 *   most `maxInFlight` at once (a call due while that many are out is
 *   counted as skipped), reporting every `reportEveryS`.
 *
 * The server's CPU time is read from /proc/<pid>/stat at both ends of the
 * measured window, so it covers every thread of the server process.
 *
 *   node --import tsx bench/load/loadgen.ts '<LoadOptions as JSON>'
 *
 * Prints one JSON line per interval (paced mode) and one result line.
 */
import * as grpc from "@grpc/grpc-js";
import { fromBinary } from "@bufbuild/protobuf";
import { build, type Histogram } from "hdr-histogram-js";
import { ScreenResponseSchema } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { processCpuMs } from "../lib/machine.js";
import { readWorkload, requestBytes, type Workload } from "../lib/workload.js";

/** What one load generator run does. */
export interface LoadOptions {
  /** `host:port` of the server. */
  readonly target: string;
  /** gRPC method path, e.g. `/pushguard.v1.PushGuard/Screen`. */
  readonly method: string;
  readonly workloadFile: string;
  /** Closed loop: callers. Paced: ignored. */
  readonly concurrency: number;
  readonly warmupS: number;
  readonly durationS: number;
  /** Calls a second; unset means closed loop. */
  readonly rate?: number;
  /** Paced mode: most calls out at once. */
  readonly maxInFlight?: number;
  /** Paced mode: seconds between interval lines. */
  readonly reportEveryS?: number;
  /** Processes whose CPU time to read, by name (`server`, `redis`). */
  readonly watchPids: Readonly<Record<string, number>>;
  readonly ticksPerSecond: number;
  /** Real time at which the decision clock reads the anchor. */
  readonly clockOriginMs: number;
  readonly clockAnchorMs: number;
  /** Index of the first call, so runs against one server differ. */
  readonly firstCall: number;
  /** Decode every n-th response to count what was admitted; 0: none. */
  readonly sampleEvery: number;
}

/** What a run measured. */
export interface LoadResult {
  readonly type: "result";
  readonly calls: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly skipped: number;
  /** CPU ms each watched process used during the measured window. */
  readonly cpuMs: Readonly<Record<string, number>>;
  /** CPU ms of this load generator during the measured window. */
  readonly clientCpuMs: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly sampled: number;
  /** Sampled responses that admitted at least one candidate. */
  readonly admitting: number;
  readonly admittedMean: number;
  /** Calls sent in all, warm-up included: the next run's first call. */
  readonly sent: number;
}

/** One interval of a paced run. */
export interface LoadInterval {
  readonly type: "interval";
  readonly atS: number;
  readonly calls: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly errors: number;
  readonly skipped: number;
  readonly admittingShare: number;
}

const identity = (bytes: Buffer) => bytes;

function histogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** Counters of the measured window; the warm-up's calls are not in it. */
class Window {
  readonly latency = histogram();
  readonly errors: Record<string, number> = {};
  calls = 0;
  skipped = 0;
  sampled = 0;
  admitting = 0;
  admitted = 0;
  lastResponseBytes = 0;
}

class LoadGenerator {
  private readonly client: grpc.Client;
  private readonly workload: Workload;
  private next: number;
  private window: Window | undefined;
  private interval = new Window();
  private inFlight = 0;

  constructor(private readonly options: LoadOptions) {
    this.client = new grpc.Client(
      options.target,
      grpc.credentials.createInsecure(),
      { "grpc.max_receive_message_length": 64 * 1024 * 1024 },
    );
    this.workload = readWorkload(options.workloadFile);
    this.next = options.firstCall;
  }

  /** Waits until the channel is connected, so the warm-up times calls. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.waitForReady(Date.now() + 10_000, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  async closedLoop(): Promise<LoadResult> {
    const { warmupS, durationS, concurrency } = this.options;
    const stopAt = performance.now() + (warmupS + durationS) * 1000;
    const measure = this.measureAfter(warmupS, durationS);
    const caller = async () => {
      while (performance.now() < stopAt) await this.call();
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
    return measure;
  }

  async paced(rate: number): Promise<LoadResult> {
    const { warmupS, durationS } = this.options;
    const measure = this.measureAfter(warmupS, durationS);
    const reporter = this.reportIntervals(warmupS);
    const startedAt = performance.now();
    const endAt = startedAt + (warmupS + durationS) * 1000;
    let started = 0;
    const maxInFlight = this.options.maxInFlight ?? 256;
    while (performance.now() < endAt) {
      const due = Math.floor(((performance.now() - startedAt) * rate) / 1000);
      for (; started < due; started += 1) {
        if (this.inFlight >= maxInFlight) this.skip();
        else void this.call();
      }
      await sleep(2);
    }
    const result = await measure;
    clearInterval(reporter);
    return result;
  }

  close(): void {
    this.client.close();
  }

  /** Opens the measured window after the warm-up, closes it after. */
  private measureAfter(warmupS: number, durationS: number) {
    return new Promise<LoadResult>((resolve) => {
      setTimeout(() => {
        const window = new Window();
        const cpu = this.cpuNow();
        const client = process.cpuUsage();
        const t0 = performance.now();
        this.window = window;
        setTimeout(() => {
          this.window = undefined;
          const seconds = (performance.now() - t0) / 1000;
          const usage = process.cpuUsage(client);
          const clientCpuMs = (usage.user + usage.system) / 1000;
          const cpuMs = diff(this.cpuNow(), cpu);
          resolve(this.result(window, seconds, cpuMs, clientCpuMs));
        }, durationS * 1000);
      }, warmupS * 1000);
    });
  }

  private reportIntervals(warmupS: number) {
    const every = (this.options.reportEveryS ?? 10) * 1000;
    const t0 = performance.now() + warmupS * 1000;
    return setInterval(() => {
      if (performance.now() < t0) {
        this.interval = new Window();
        return;
      }
      const done = this.interval;
      this.interval = new Window();
      print(intervalLine(done, (performance.now() - t0) / 1000));
    }, every);
  }

  private cpuNow(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.options.watchPids)) {
      out[name] = processCpuMs(pid, this.options.ticksPerSecond);
    }
    return out;
  }

  private call(): Promise<void> {
    const k = this.next++;
    const { clockAnchorMs, clockOriginMs } = this.options;
    const nowMs = clockAnchorMs + (Date.now() - clockOriginMs);
    const bytes = requestBytes(this.workload, k, nowMs);
    const sample =
      this.options.sampleEvery > 0 && k % this.options.sampleEvery === 0;
    const startedAt = performance.now();
    this.inFlight += 1;
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        this.options.method,
        identity,
        identity,
        bytes,
        (error, response) => {
          this.inFlight -= 1;
          const us = Math.max(1, (performance.now() - startedAt) * 1000);
          this.done(us, error, response, sample);
          resolve();
        },
      );
    });
  }

  private done(
    us: number,
    error: grpc.ServiceError | null,
    response: Buffer | undefined,
    sample: boolean,
  ): void {
    for (const window of [this.window, this.interval]) {
      if (window === undefined) continue;
      window.calls += 1;
      window.latency.recordValue(Math.round(us));
      if (error) {
        const code = grpc.status[error.code] ?? String(error.code);
        window.errors[code] = (window.errors[code] ?? 0) + 1;
      } else if (response) {
        window.lastResponseBytes = response.length;
        if (sample) countAdmitted(window, response);
      }
    }
  }

  private skip(): void {
    if (this.window) this.window.skipped += 1;
    this.interval.skipped += 1;
  }

  private result(
    window: Window,
    seconds: number,
    cpuMs: Record<string, number>,
    clientCpuMs: number,
  ): LoadResult {
    const { latency } = window;
    return {
      type: "result",
      calls: window.calls,
      seconds,
      throughput: window.calls / seconds,
      p50Us: latency.getValueAtPercentile(50),
      p90Us: latency.getValueAtPercentile(90),
      p99Us: latency.getValueAtPercentile(99),
      maxUs: latency.maxValue,
      errors: window.errors,
      skipped: window.skipped,
      cpuMs,
      clientCpuMs,
      requestBytes: requestBytes(this.workload, 0, 0).length,
      responseBytes: window.lastResponseBytes,
      sampled: window.sampled,
      admitting: window.admitting,
      admittedMean: window.sampled ? window.admitted / window.sampled : 0,
      sent: this.next,
    };
  }
}

function countAdmitted(window: Window, response: Buffer): void {
  const decoded = fromBinary(ScreenResponseSchema, response);
  window.sampled += 1;
  window.admitted += decoded.admitted.length;
  if (decoded.admitted.length > 0) window.admitting += 1;
}

function intervalLine(window: Window, atS: number): LoadInterval {
  const errors = Object.values(window.errors).reduce((a, b) => a + b, 0);
  return {
    type: "interval",
    atS: Math.round(atS),
    calls: window.calls,
    p50Us: window.latency.getValueAtPercentile(50),
    p99Us: window.latency.getValueAtPercentile(99),
    errors,
    skipped: window.skipped,
    admittingShare: window.sampled ? window.admitting / window.sampled : 0,
  };
}

function diff(after: Record<string, number>, before: Record<string, number>) {
  const out: Record<string, number> = {};
  for (const [name, ms] of Object.entries(after)) {
    out[name] = ms - (before[name] ?? 0);
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function print(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as LoadOptions;
  const generator = new LoadGenerator(options);
  await generator.ready();
  const result =
    options.rate === undefined
      ? await generator.closedLoop()
      : await generator.paced(options.rate);
  generator.close();
  print(result);
}

await main();

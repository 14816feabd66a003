/**
 * What every case of one benchmark run shares: its settings, scratch folder,
 * the decision clock and how it reports progress.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { LoadOptions } from "../load/loadgen.js";
import { clockTicksPerSecond, loadAverage } from "./machine.js";
import {
  SCREEN_METHOD,
  type PushguardLaunch,
  type ServerProcess,
} from "./processes.js";
import { buildWorkload, CLOCK_ANCHOR_MS, writeWorkload } from "./workload.js";

/** Settings of a run; `npm run bench -- --help` lists the flags. */
export interface BenchSettings {
  readonly sizes: readonly number[];
  readonly concurrencies: readonly number[];
  readonly stores: readonly ("memory" | "redis" | "memory-log")[];
  readonly warmupS: number;
  readonly durationS: number;
  readonly users: number;
  readonly soakS: number;
  readonly soakUsers: number;
  readonly soakReportEveryS: number;
  /** Soak rate; unset means half the measured capacity. */
  readonly soakRate: number | undefined;
  readonly redisScreens: number;
  readonly capsDurationS: number;
  readonly rerankCase: string | undefined;
  readonly fromSource: boolean;
  readonly cpuProfDir: string | undefined;
  readonly policy: string;
  /** NODE_OPTIONS of the pushguard servers, e.g. V8 heap flags. */
  readonly serverNodeOptions: string | undefined;
}

/** Shared by the cases of one run. */
export class BenchContext {
  readonly ticksPerSecond = clockTicksPerSecond();
  /** The decision clock reads the anchor at this real time. */
  readonly clockOriginMs = Date.now();
  /** The benchmark's own redis-server, once started. */
  redisPid: number | undefined;
  /** What each pushguard process served, by pid: names its CPU profile. */
  readonly servers = new Map<number, string>();
  private readonly workloads = new Map<string, string>();

  constructor(
    readonly settings: BenchSettings,
    readonly workDir: string,
  ) {}

  /** Progress on stderr, with the load average beside it. */
  log(message: string): void {
    process.stderr.write(
      `[bench ${time()} load ${loadAverage()}] ${message}\n`,
    );
  }

  /** The workload file of `size` candidates for `users` users. */
  async workloadFile(size: number, users: number): Promise<string> {
    const key = `${size}x${users}`;
    const known = this.workloads.get(key);
    if (known) return known;
    const file = path.join(this.workDir, `workload-${key}.json`);
    writeWorkload(file, await buildWorkload(size, users));
    this.workloads.set(key, file);
    return file;
  }

  /** How to start pushguard for a case, with the run's settings. */
  launch(name: string, redisUrl?: string): PushguardLaunch {
    const { policy, fromSource, cpuProfDir, serverNodeOptions } = this.settings;
    return {
      name,
      policy,
      fromSource,
      ...(cpuProfDir ? { cpuProfDir } : {}),
      ...(redisUrl ? { redisUrl } : {}),
      ...(serverNodeOptions
        ? { env: { NODE_OPTIONS: serverNodeOptions } }
        : {}),
    };
  }

  /** Load generator options for a closed-loop run against `server`. */
  loadOptions(
    server: ServerProcess,
    workloadFile: string,
    extra: Partial<LoadOptions> & { firstCall: number },
  ): LoadOptions {
    return {
      target: server.target,
      method: SCREEN_METHOD,
      workloadFile,
      concurrency: 1,
      warmupS: this.settings.warmupS,
      durationS: this.settings.durationS,
      watchPids: { server: server.pid },
      ticksPerSecond: this.ticksPerSecond,
      clockOriginMs: this.clockOriginMs,
      clockAnchorMs: CLOCK_ANCHOR_MS,
      sampleEvery: 16,
      ...extra,
    };
  }

  /** Writes bytes into the scratch folder and returns the path. */
  scratch(name: string, bytes: Uint8Array): string {
    const file = path.join(this.workDir, name);
    writeFileSync(file, bytes);
    return file;
  }
}

function time(): string {
  return new Date().toISOString().slice(11, 19);
}

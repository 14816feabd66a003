/**
 * The machine a result was measured on, and how busy it was: figures from
 * a shared two-core machine mean little without the load beside them.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

/** `nproc`, the CPU model from /proc/cpuinfo and the node version. */
export function machineLines(): string[] {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown";
  return [
    `- machine: nproc ${nproc()}, ${model}, ${Math.round(os.totalmem() / 2 ** 20)} MiB`,
    `- node: ${process.version}`,
    `- redis: ${redisVersion()}`,
  ];
}

/** Load averages (1, 5, 15 min) as `uptime` prints them. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(", ");
}

function nproc(): string {
  try {
    return execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    return String(os.availableParallelism());
  }
}

function redisVersion(): string {
  try {
    const out = execFileSync("redis-server", ["--version"], {
      encoding: "utf8",
    });
    return /v=(\S+)/.exec(out)?.[1] ?? out.trim();
  } catch {
    return "not installed";
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (100 on Linux). */
export function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  } catch {
    return 100;
  }
}

/**
 * CPU time (user + system, all threads) a process has used, in ms, from
 * /proc/<pid>/stat: fields 14 and 15, counted after the `(comm)` field,
 * which may itself contain spaces.
 */
export function processCpuMs(pid: number, ticksPerSecond: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / ticksPerSecond;
}

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib === undefined ? Number.NaN : Number(kib) * 1024;
}

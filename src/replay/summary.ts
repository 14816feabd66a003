import { build, type Histogram } from "hdr-histogram-js";
import type {
  Dropped,
  ScreenRequest,
  ScreenResponse,
} from "../gen/pushguard/v1/pushguard_pb.js";

/** How often one reason code, under one article, was given. */
export interface ReasonCount {
  /** Stable dotted reason code, e.g. `content.label`. */
  readonly code: string;
  /** The article cited with it, e.g. `Art. 5(1)`. */
  readonly article: string;
  /** How many candidates it was given for. */
  readonly count: number;
}

/** How many calls ended with one gRPC status other than OK. */
export interface StatusCount {
  /** The status name, e.g. `INVALID_ARGUMENT`. */
  readonly status: string;
  /** How many calls ended with it. */
  readonly count: number;
  /** The message of the first such call, to see what went wrong. */
  readonly firstMessage: string;
}

/** A JSONL line that is not a ScreenRequest; it was not sent. */
export interface InvalidLine {
  /** 1-based line number in the input. */
  readonly line: number;
  /** Why it could not be read. */
  readonly message: string;
}

/**
 * Latency percentiles of the answered calls, in milliseconds, to 3
 * significant digits (HDR buckets report their highest equivalent value).
 */
export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** What a replay did, for a person and for a test. */
export interface ReplaySummary {
  /** Requests sent (lines that parsed). */
  readonly requests: number;
  /** Requests answered with OK. */
  readonly ok: number;
  /** Requests that failed, by status, most frequent first. */
  readonly errors: readonly StatusCount[];
  /** Lines that were not requests, counted in full. */
  readonly invalidLines: number;
  /** The first {@link INVALID_LINE_SAMPLES} of them. */
  readonly invalidLineSamples: readonly InvalidLine[];
  /** Candidates in the answered requests. */
  readonly candidates: number;
  /** Candidates admitted. */
  readonly admitted: number;
  /** Candidates dropped. */
  readonly dropped: number;
  /** Dropped candidates by the first reason, the rule that removed them. */
  readonly droppedByReason: readonly ReasonCount[];
  /** Entries in `wouldDrop` (shadow rules; never applied). */
  readonly wouldDrop: number;
  /** Every reason in `wouldDrop`: one count per shadow rule that fired. */
  readonly wouldDropByReason: readonly ReasonCount[];
  /** Latency of the answered calls; zeros when none was answered. */
  readonly latencyMs: LatencySummary;
  /** From the first send to the last answer. */
  readonly wallTimeMs: number;
}

/** How many invalid lines a summary keeps verbatim; the rest are counted. */
export const INVALID_LINE_SAMPLES = 20;

/**
 * Accumulates a replay in bounded memory: counters, one map entry per
 * reason code and status, and an HDR histogram of latencies (3 significant
 * digits), so a replay of millions of requests does not keep them all.
 */
export class ReplayTally {
  private requests = 0;
  private ok = 0;
  private candidates = 0;
  private admitted = 0;
  private dropped = 0;
  private wouldDrop = 0;
  private invalidLines = 0;
  private readonly invalidLineSamples: InvalidLine[] = [];
  private readonly errors = new Map<string, StatusCount>();
  private readonly droppedByReason = new Map<string, ReasonCount>();
  private readonly wouldDropByReason = new Map<string, ReasonCount>();
  private readonly latencyUs: Histogram = build({
    numberOfSignificantValueDigits: 3,
  });

  /** Counts a line that did not parse. */
  invalid(line: InvalidLine): void {
    this.invalidLines++;
    if (this.invalidLineSamples.length < INVALID_LINE_SAMPLES) {
      this.invalidLineSamples.push(line);
    }
  }

  /** Counts an answered call and its decision. */
  answered(
    request: ScreenRequest,
    response: ScreenResponse,
    latencyUs: number,
  ): void {
    this.requests++;
    this.ok++;
    this.candidates += request.candidates.length;
    this.admitted += response.admitted.length;
    this.dropped += response.dropped.length;
    this.wouldDrop += response.wouldDrop.length;
    for (const dropped of response.dropped) {
      countFirstReason(this.droppedByReason, dropped);
    }
    for (const entry of response.wouldDrop) {
      countEveryReason(this.wouldDropByReason, entry);
    }
    this.latencyUs.recordValue(Math.max(1, Math.round(latencyUs)));
  }

  /** Counts a call that ended with a gRPC status other than OK. */
  failed(status: string, message: string): void {
    this.requests++;
    const seen = this.errors.get(status);
    const count = (seen?.count ?? 0) + 1;
    const firstMessage = seen?.firstMessage ?? message;
    this.errors.set(status, { status, count, firstMessage });
  }

  /** How far the replay is, for progress reporting. */
  progress(): ReplayProgress {
    return {
      completed: this.requests,
      ok: this.ok,
      errors: this.requests - this.ok,
      invalidLines: this.invalidLines,
    };
  }

  /** The summary so far, with the wall time measured by the caller. */
  summary(wallTimeMs: number): ReplaySummary {
    return {
      requests: this.requests,
      ok: this.ok,
      errors: byCount([...this.errors.values()], (e) => e.status),
      invalidLines: this.invalidLines,
      invalidLineSamples: [...this.invalidLineSamples],
      candidates: this.candidates,
      admitted: this.admitted,
      dropped: this.dropped,
      droppedByReason: sortedReasons(this.droppedByReason),
      wouldDrop: this.wouldDrop,
      wouldDropByReason: sortedReasons(this.wouldDropByReason),
      latencyMs: this.latency(),
      wallTimeMs,
    };
  }

  private latency(): LatencySummary {
    if (this.ok === 0) return { p50: 0, p99: 0, max: 0 };
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      p50: ms(this.latencyUs.getValueAtPercentile(50)),
      p99: ms(this.latencyUs.getValueAtPercentile(99)),
      max: ms(this.latencyUs.getValueAtPercentile(100)),
    };
  }
}

/** Progress of a running replay. */
export interface ReplayProgress {
  /** Calls finished, OK or not. */
  readonly completed: number;
  /** Calls answered with OK. */
  readonly ok: number;
  /** Calls that failed. */
  readonly errors: number;
  /** Lines skipped because they did not parse. */
  readonly invalidLines: number;
}

function countFirstReason(counts: Map<string, ReasonCount>, entry: Dropped) {
  const first = entry.reasons[0];
  countReason(counts, first?.code ?? "(no reason)", first?.article ?? "");
}

function countEveryReason(counts: Map<string, ReasonCount>, entry: Dropped) {
  for (const reason of entry.reasons) {
    countReason(counts, reason.code, reason.article);
  }
}

function countReason(
  counts: Map<string, ReasonCount>,
  code: string,
  article: string,
): void {
  const key = `${code}\u0000${article}`;
  const count = (counts.get(key)?.count ?? 0) + 1;
  counts.set(key, { code, article, count });
}

function sortedReasons(counts: Map<string, ReasonCount>): ReasonCount[] {
  return byCount([...counts.values()], (r) => `${r.code} ${r.article}`);
}

/** Most frequent first; ties by name, so the order is stable. */
function byCount<T extends { count: number }>(
  items: T[],
  name: (item: T) => string,
): T[] {
  return items.sort((a, b) => b.count - a.count || compare(name(a), name(b)));
}

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

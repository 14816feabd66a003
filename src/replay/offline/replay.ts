import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import {
  ScreenRequestSchema,
  type ScreenRequest,
} from "../../gen/pushguard/v1/pushguard_pb.js";
import { readLines } from "../../importers/lines.js";
import { toItems, type Item } from "../../pipeline/item.js";
import type { Policy } from "../../policy/policy.js";
import {
  increment,
  MeasureTally,
  topLevelTopic,
} from "../../report/measures.js";
import type { ReplayReport } from "../../report/model.js";
import { INVALID_LINE_SAMPLES } from "../summary.js";
import { FateComparison } from "./fates.js";
import { measuredItem, PolicyRun } from "./policy-run.js";

/** What to replay and through which policies. */
export interface OfflineReplayOptions {
  /** JSONL of ScreenRequests in proto JSON (the importers' output). */
  readonly input: string;
  /** The baseline policy. */
  readonly policy: Policy;
  /** A second policy to compare with, request by request. */
  readonly against?: Policy;
  /** Changed items kept for the report. Defaults to 200. */
  readonly sampleSize?: number;
  /** Called after each line; keep it cheap. */
  readonly onLine?: (lines: number) => void;
}

/** Default number of changed items a report lists. */
export const DEFAULT_SAMPLE_SIZE = 200;

/**
 * Replays a JSONL of requests in process, with no server: each request
 * goes through the real Screen path of each policy, on one fresh in-memory
 * store per policy, at the `now` the request carries. Memory is bounded by
 * the number of users and topics, not by the length of the file.
 */
export async function replayOffline(
  options: OfflineReplayOptions,
): Promise<ReplayReport> {
  const policies = [options.policy, options.against].filter(isPolicy);
  const runs = policies.map((policy) => new PolicyRun(policy));
  const state = new ReplayState(options);
  try {
    for await (const line of readLines(options.input)) {
      await state.line(line, runs);
      options.onLine?.(state.lines);
    }
    return state.report(runs);
  } finally {
    await Promise.all(runs.map((run) => run.close()));
  }
}

function isPolicy(policy: Policy | undefined): policy is Policy {
  return policy !== undefined;
}

class ReplayState {
  lines = 0;
  #requests = 0;
  #candidates = 0;
  #invalid = 0;
  readonly #invalidSamples: { line: number; message: string }[] = [];
  readonly #offered = new Map<string, number>();
  readonly #before = new MeasureTally();
  readonly #fates: FateComparison | undefined;

  constructor(private readonly options: OfflineReplayOptions) {
    const size = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
    if (options.against) this.#fates = new FateComparison(size);
  }

  async line(text: string, runs: readonly PolicyRun[]): Promise<void> {
    this.lines++;
    if (text.trim() === "") return;
    const request = this.#parse(text);
    if (request === undefined) return;
    this.#requests++;
    this.#candidates += request.candidates.length;
    const items = this.#baselineItems(request);
    const decisions = [];
    for (const run of runs) decisions.push(await run.decide(request));
    const slots = decisions[0]?.slots || this.options.policy.defaults.slots;
    this.#before.add(items.slice(0, slots).map(measuredItem));
    const [a, b] = decisions;
    this.#fates?.add(request, items, [a?.response, b?.response]);
  }

  #parse(text: string): ScreenRequest | undefined {
    try {
      return fromJson(ScreenRequestSchema, JSON.parse(text) as JsonValue);
    } catch (error) {
      this.#invalid++;
      if (this.#invalidSamples.length < INVALID_LINE_SAMPLES) {
        const message = error instanceof Error ? error.message : String(error);
        this.#invalidSamples.push({ line: this.lines, message });
      }
      return undefined;
    }
  }

  /** The candidates with the baseline policy's labels, in ranker order. */
  #baselineItems(request: ScreenRequest): Item[] {
    const items = toItems(request.candidates);
    for (const item of items) {
      this.options.policy.labels.derive(item);
      increment(this.#offered, topLevelTopic(item.candidate.topics));
    }
    return items;
  }

  report(runs: readonly PolicyRun[]): ReplayReport {
    const offered = new Set(this.#offered.keys());
    const changes = this.#fates?.result();
    return {
      input: this.options.input,
      requests: this.#requests,
      invalidLines: this.#invalid,
      invalidLineSamples: [...this.#invalidSamples],
      candidates: this.#candidates,
      offeredTopics: Object.fromEntries(this.#offered),
      before: this.#before.result(offered),
      runs: runs.map((run) => run.report(offered)),
      ...(changes === undefined ? {} : { changes }),
    };
  }
}

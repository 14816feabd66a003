/**
 * Case 6, the hot path without gRPC: in this process, on the in-memory
 * store, the CPU time of each step a Screen pays on the server, per call:
 * decoding the request bytes (protobuf-es `fromBinary`), the decision
 * (`screen`: validation, state read, labels, rules, commit, response
 * message), and encoding the response (`toBinary`). It splits case 1's
 * "pushguard minus floor" into its parts; the server adds the metrics
 * observer and grpc-js around them.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  ScreenRequestSchema,
  ScreenResponseSchema,
  type ScreenRequest,
  type ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { loadPolicy } from "../../src/policy/loader.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { screen } from "../../src/service/screen.js";
import { MemoryStore } from "../../src/store/memory.js";
import type { BenchContext } from "../lib/context.js";
import {
  CLOCK_ANCHOR_MS,
  readWorkload,
  requestBytes,
} from "../lib/workload.js";

/** CPU µs per call of each step at one list size. */
export interface HotpathRow {
  readonly size: number;
  readonly decodeUs: number;
  readonly screenUs: number;
  readonly encodeUs: number;
  readonly calls: number;
}

/**
 * Requests decoded up front, so that `screen` is timed alone; 200 calls go
 * to 200 different users.
 */
const BATCH = 200;

/** Runs case 6 for every list size of the settings. */
export async function runHotpath(ctx: BenchContext): Promise<HotpathRow[]> {
  const policy = await loadPolicy(ctx.settings.policy);
  const rows: HotpathRow[] = [];
  for (const size of ctx.settings.sizes) {
    const file = await ctx.workloadFile(size, ctx.settings.users);
    const workload = readWorkload(file);
    const policies = new PolicyHolder(policy);
    const nowMs = CLOCK_ANCHOR_MS;
    const bytes = Array.from({ length: BATCH }, (_, k) =>
      requestBytes(workload, k, nowMs + k),
    );
    const seconds = Math.max(0.2, ctx.settings.durationS / 3);
    let requests: ScreenRequest[] = [];
    const decodeUs = await timed(seconds, async () => {
      requests = bytes.map((b) => fromBinary(ScreenRequestSchema, b));
      return requests.length;
    });
    let responses: ScreenResponse[] = [];
    let calls = 0;
    const screenUs = await timed(seconds, async () => {
      // A fresh store per pass: every pass finds the same empty users.
      const deps = { policies, store: new MemoryStore() };
      responses = [];
      for (const request of requests) {
        responses.push(await screen(deps, request));
      }
      calls += requests.length;
      return requests.length;
    });
    const encodeUs = await timed(seconds, async () => {
      for (const r of responses) toBinary(ScreenResponseSchema, r);
      return responses.length;
    });
    rows.push({ size, decodeUs, screenUs, encodeUs, calls });
    ctx.log(
      `hotpath n=${size}: decode ${decodeUs.toFixed(0)} us, screen ${screenUs.toFixed(0)} us, encode ${encodeUs.toFixed(0)} us`,
    );
  }
  return rows;
}

/**
 * CPU µs per item of `batch` (which returns how many items it did), after
 * one warm-up pass, over at least `seconds`.
 */
async function timed(
  seconds: number,
  batch: () => Promise<number>,
): Promise<number> {
  await batch();
  const start = process.cpuUsage();
  const stopAt = performance.now() + seconds * 1000;
  let items = 0;
  while (performance.now() < stopAt) items += await batch();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / items;
}

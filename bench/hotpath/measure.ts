/**
 * Case 6's measurement, in a process of its own (started by
 * bench/cases/hotpath.ts) so that nothing the runner holds weighs on its
 * allocations and GC. On the in-memory store, the CPU time of each step a
 * Screen pays on the server, per call: decoding the request bytes, the
 * decision (`screen`: validation, state read, labels, rules, commit,
 * response message), and encoding the response; then the decision split
 * by rule, each rule's `apply` and the label derivation timed apart.
 * Decoding and encoding use the server's codec for Screen (src/wire);
 * protobuf-es's reflective `fromBinary` and `toBinary` are timed beside
 * them, batch for batch in turn, for comparison.
 *
 *   node --import tsx bench/hotpath/measure.ts '<HotpathJob as JSON>'
 *
 * Prints one JSON line: the HotpathRow.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  ScreenRequestSchema,
  ScreenResponseSchema,
  type ScreenRequest,
  type ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import type { PlacedRule } from "../../src/pipeline/pipeline.js";
import { loadPolicy } from "../../src/policy/loader.js";
import type { Policy } from "../../src/policy/policy.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { screen } from "../../src/service/screen.js";
import { MemoryStore } from "../../src/store/memory.js";
import { decodeScreenRequest } from "../../src/wire/screen-request.js";
import { encodeScreenResponse } from "../../src/wire/screen-response.js";
import {
  CLOCK_ANCHOR_MS,
  readWorkload,
  requestBytes,
} from "../lib/workload.js";

/** What one measurement does. */
export interface HotpathJob {
  readonly workloadFile: string;
  readonly policy: string;
  /** Time each step for at least this long. */
  readonly seconds: number;
}

/** CPU µs per call of each step at one list size. */
export interface HotpathRow {
  readonly size: number;
  /** With the server's codec (src/wire). */
  readonly decodeUs: number;
  /** protobuf-es's `fromBinary`, as the server decoded before src/wire. */
  readonly decodeReflectiveUs: number;
  readonly screenUs: number;
  /** With the server's codec (src/wire). */
  readonly encodeUs: number;
  /** protobuf-es's `toBinary` and the copy into a Buffer it needed. */
  readonly encodeReflectiveUs: number;
  readonly calls: number;
  /**
   * µs per Screen of each rule's `apply` (by rule id) and of the label
   * derivation (`labels`), in evaluation order, timed in passes of their
   * own (a clock read around each part adds its own small cost).
   */
  readonly parts: Readonly<Record<string, number>>;
}

/** Calls per pass; the 200 calls of a pass go to 200 different users. */
const BATCH = 200;

async function measure(job: HotpathJob): Promise<HotpathRow> {
  const workload = readWorkload(job.workloadFile);
  const policy = await loadPolicy(job.policy);
  const bytes = Array.from({ length: BATCH }, (_, k) =>
    requestBytes(workload, k, CLOCK_ANCHOR_MS + k),
  );
  // Decoded one at a time and dropped, as a server does.
  const decode = inTurn(
    job.seconds,
    () => bytes.forEach((b) => decodeScreenRequest(b)),
    () => bytes.forEach((b) => fromBinary(ScreenRequestSchema, view(b))),
  );
  const screenRun = await screens(policy, bytes, job.seconds);
  const { responses } = screenRun;
  const encode = inTurn(
    job.seconds,
    () => responses.forEach((r) => encodeScreenResponse(r)),
    () =>
      responses.forEach((r) => Buffer.from(toBinary(ScreenResponseSchema, r))),
  );
  const parts = new Map<string, number>();
  const split = await screens(timedPolicy(policy, parts), bytes, job.seconds);
  const perScreen = (us: number) => us / split.calls;
  return {
    size: workload.size,
    decodeUs: decode.codec / bytes.length,
    decodeReflectiveUs: decode.reflective / bytes.length,
    screenUs: screenRun.us,
    encodeUs: encode.codec / responses.length,
    encodeReflectiveUs: encode.reflective / responses.length,
    calls: screenRun.calls,
    parts: Object.fromEntries([...parts].map(([k, v]) => [k, perScreen(v)])),
  };
}

/**
 * Screens every request of a pass on a fresh store (every pass finds the
 * same empty users), each decoded anew before the clock starts: what a
 * rule caches on a candidate must not outlive its request, as on the
 * server. CPU µs per Screen, after three warm-up passes.
 */
async function screens(policy: Policy, bytes: Uint8Array[], seconds: number) {
  const policies = new PolicyHolder(policy);
  let responses: ScreenResponse[] = [];
  let calls = 0;
  let cpuUs = 0;
  let stopAt = Infinity;
  for (let pass = 0; calls === 0 || performance.now() < stopAt; pass += 1) {
    const requests = bytes.map((b) => decodeScreenRequest(b));
    const deps = { policies, store: new MemoryStore() };
    const start = process.cpuUsage();
    responses = await screenAll(deps, requests);
    const used = process.cpuUsage(start);
    if (pass < 3) continue;
    if (pass === 3) stopAt = performance.now() + seconds * 1000;
    cpuUs += used.user + used.system;
    calls += requests.length;
  }
  return { responses, calls, us: cpuUs / calls };
}

async function screenAll(
  deps: Parameters<typeof screen>[0],
  requests: readonly ScreenRequest[],
) {
  const responses: ScreenResponse[] = [];
  for (const request of requests) responses.push(await screen(deps, request));
  return responses;
}

/** The policy with each rule and the label derivation timed into `totals`. */
function timedPolicy(policy: Policy, totals: Map<string, number>): Policy {
  const add = (key: string, startNs: bigint) => {
    const us = Number(process.hrtime.bigint() - startNs) / 1000;
    totals.set(key, (totals.get(key) ?? 0) + us);
  };
  totals.set("labels", 0);
  const labels = {
    derive: (item: Parameters<Policy["labels"]["derive"]>[0]) => {
      const start = process.hrtime.bigint();
      policy.labels.derive(item);
      add("labels", start);
    },
  };
  const rules = policy.base.rules.map((placed): PlacedRule => {
    totals.set(placed.rule.id, 0);
    const apply: PlacedRule["rule"]["apply"] = (items, ctx) => {
      const start = process.hrtime.bigint();
      const outcome = placed.rule.apply(items, ctx);
      add(placed.rule.id, start);
      return outcome;
    };
    return { ...placed, rule: { ...placed.rule, apply } };
  });
  const base = { ...policy.base, rules };
  return { ...policy, labels, base, rules, surfaces: new Map() };
}

/**
 * CPU µs per run of `codec` and of `reflective`, one batch of each in
 * turn (so that a change in the machine's load weighs on both alike),
 * after three warm-up rounds, for at least `seconds` each.
 */
function inTurn(seconds: number, codec: () => void, reflective: () => void) {
  for (let i = 0; i < 3; i += 1) {
    codec();
    reflective();
  }
  const totals = { codec: 0, reflective: 0 };
  const stopAt = performance.now() + seconds * 2000;
  let rounds = 0;
  while (rounds === 0 || performance.now() < stopAt) {
    totals.codec += cpuUs(codec);
    totals.reflective += cpuUs(reflective);
    rounds += 1;
  }
  return {
    codec: totals.codec / rounds,
    reflective: totals.reflective / rounds,
  };
}

function cpuUs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** A plain view of a Buffer, as the server handed protobuf-es before. */
function view(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const job = JSON.parse(process.argv[2] ?? "{}") as HotpathJob;
process.stdout.write(`${JSON.stringify(await measure(job))}\n`);

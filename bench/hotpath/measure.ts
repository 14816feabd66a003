/**
 * Case 6's measurement, in a process of its own (started by
 * bench/cases/hotpath.ts) so that nothing the runner holds weighs on its
 * allocations and GC. On the in-memory store, the CPU time of each step a
 * Screen pays on the server, per call: decoding the request bytes
 * (protobuf-es `fromBinary`), the decision (`screen`: validation, state
 * read, labels, rules, commit, response message), and encoding the
 * response (`toBinary`).
 *
 *   node --import tsx bench/hotpath/measure.ts '<HotpathJob as JSON>'
 *
 * Prints one JSON line: the HotpathRow.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  ScreenRequestSchema,
  ScreenResponseSchema,
  type ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { loadPolicy } from "../../src/policy/loader.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { screen } from "../../src/service/screen.js";
import { MemoryStore } from "../../src/store/memory.js";
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
  readonly decodeUs: number;
  readonly screenUs: number;
  readonly encodeUs: number;
  readonly calls: number;
}

/** Calls per pass; the 200 calls of a pass go to 200 different users. */
const BATCH = 200;

async function measure(job: HotpathJob): Promise<HotpathRow> {
  const workload = readWorkload(job.workloadFile);
  const policies = new PolicyHolder(await loadPolicy(job.policy));
  const bytes = Array.from({ length: BATCH }, (_, k) =>
    requestBytes(workload, k, CLOCK_ANCHOR_MS + k),
  );
  // Decoded one at a time and dropped, as a server does.
  const decodeUs = await timed(job.seconds, async () => {
    for (const b of bytes) fromBinary(ScreenRequestSchema, b);
    return bytes.length;
  });
  const requests = bytes.map((b) => fromBinary(ScreenRequestSchema, b));
  let responses: ScreenResponse[] = [];
  let calls = 0;
  const screenUs = await timed(job.seconds, async () => {
    // A fresh store per pass: every pass finds the same empty users.
    const deps = { policies, store: new MemoryStore() };
    responses = [];
    for (const request of requests) responses.push(await screen(deps, request));
    calls += requests.length;
    return requests.length;
  });
  const encodeUs = await timed(job.seconds, async () => {
    for (const r of responses) toBinary(ScreenResponseSchema, r);
    return responses.length;
  });
  return { size: workload.size, decodeUs, screenUs, encodeUs, calls };
}

/**
 * CPU µs per item of `batch` (which returns how many items it did), after
 * three warm-up passes, over at least `seconds`.
 */
async function timed(
  seconds: number,
  batch: () => Promise<number>,
): Promise<number> {
  for (let i = 0; i < 3; i += 1) await batch();
  const start = process.cpuUsage();
  const stopAt = performance.now() + seconds * 1000;
  let items = 0;
  while (performance.now() < stopAt) items += await batch();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / items;
}

const job = JSON.parse(process.argv[2] ?? "{}") as HotpathJob;
process.stdout.write(`${JSON.stringify(await measure(job))}\n`);

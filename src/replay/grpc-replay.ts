import * as grpc from "@grpc/grpc-js";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import {
  PushGuard,
  ScreenRequestSchema,
  type ScreenRequest,
  type ScreenResponse,
} from "../gen/pushguard/v1/pushguard_pb.js";
import { readLines } from "../importers/lines.js";
import { grpcServiceDefinition } from "../server/service-definition.js";
import {
  ReplayTally,
  type ReplayProgress,
  type ReplaySummary,
} from "./summary.js";

/** What to replay, where, and how hard. */
export interface GrpcReplayOptions {
  /** Address of a running pushguard, e.g. `127.0.0.1:50051`. */
  readonly target: string;
  /** JSONL of ScreenRequests in proto JSON: lines, or a file path. */
  readonly input: AsyncIterable<string> | string;
  /** Calls in flight at once; at least 1. */
  readonly concurrency: number;
  /** Deadline of each Screen call, in milliseconds. */
  readonly deadlineMs: number;
  /** How long to wait for the first connection. Defaults to 5 seconds. */
  readonly connectTimeoutMs?: number;
  /** Called after every line sent or skipped; keep it cheap. */
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/** One line of input with its 1-based number. */
interface NumberedLine {
  readonly line: number;
  readonly text: string;
}

type ScreenCall = (
  request: ScreenRequest,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<ScreenResponse>,
) => grpc.ClientUnaryCall;

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Sends a JSONL replay to a running pushguard over gRPC and summarises the
 * decisions. A fixed pool of `concurrency` workers pulls lines from the
 * input, so at most that many requests are in memory or in flight however
 * long the file is. A line that is not a ScreenRequest is counted with its
 * line number and skipped; a failed call is counted by status. Rejects
 * only when the target is not reachable within `connectTimeoutMs`.
 */
export async function replayOverGrpc(
  options: GrpcReplayOptions,
): Promise<ReplaySummary> {
  checkOptions(options);
  const client = screenClient(options.target);
  try {
    await waitForReady(client, options);
    const tally = new ReplayTally();
    const started = performance.now();
    const lines = numberedLines(toLines(options.input));
    await runWorkers(lines, options.concurrency, (line) =>
      replayLine(line, client, tally, options),
    );
    return tally.summary(performance.now() - started);
  } finally {
    client.close();
  }
}

function checkOptions(options: GrpcReplayOptions): void {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`concurrency ${options.concurrency} must be >= 1`);
  }
  if (!(options.deadlineMs > 0)) {
    throw new RangeError(`deadlineMs ${options.deadlineMs} must be > 0`);
  }
}

/** A grpc-js client of PushGuard that serialises with protobuf-es. */
function screenClient(target: string): grpc.Client & { screen: ScreenCall } {
  const Client = grpc.makeGenericClientConstructor(
    grpcServiceDefinition(PushGuard),
    "PushGuard",
  );
  const client = new Client(target, grpc.credentials.createInsecure());
  const screen = client["screen"] as ScreenCall;
  return Object.assign(client, { screen: screen.bind(client) });
}

function waitForReady(
  client: grpc.Client,
  options: GrpcReplayOptions,
): Promise<void> {
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + timeoutMs, (error) => {
      if (error === undefined) return resolve();
      const message = `pushguard at ${options.target} not ready within ${timeoutMs} ms`;
      reject(new Error(message, { cause: error }));
    });
  });
}

function toLines(input: AsyncIterable<string> | string) {
  return typeof input === "string" ? readLines(input) : input;
}

/**
 * Numbers the lines and skips blank ones. Being an async generator, it
 * queues concurrent `next()` calls, so workers can share it safely.
 */
async function* numberedLines(
  lines: AsyncIterable<string>,
): AsyncGenerator<NumberedLine> {
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() !== "") yield { line, text };
  }
}

async function runWorkers<T>(
  items: AsyncIterator<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const worker = async () => {
    for (let next = await items.next(); !next.done; next = await items.next()) {
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function replayLine(
  { line, text }: NumberedLine,
  client: { screen: ScreenCall },
  tally: ReplayTally,
  options: GrpcReplayOptions,
): Promise<void> {
  const request = parseRequest(text);
  if (typeof request === "string") {
    tally.invalid({ line, message: request });
  } else {
    await send(request, client, tally, options.deadlineMs);
  }
  options.onProgress?.(tally.progress());
}

async function send(
  request: ScreenRequest,
  client: { screen: ScreenCall },
  tally: ReplayTally,
  deadlineMs: number,
): Promise<void> {
  const started = performance.now();
  const outcome = await screen(client, request, deadlineMs);
  if (outcome instanceof Error) {
    tally.failed(statusName(outcome), outcome.details || outcome.message);
  } else {
    tally.answered(request, outcome, (performance.now() - started) * 1000);
  }
}

/**
 * The request, or why the line is not one: `not JSON: ...` with the
 * parser's words, or protobuf-es's message naming the message and key.
 */
export function parseRequest(text: string): ScreenRequest | string {
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (error) {
    return `not JSON: ${messageOf(error)}`;
  }
  try {
    return fromJson(ScreenRequestSchema, json);
  } catch (error) {
    return messageOf(error);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function screen(
  client: { screen: ScreenCall },
  request: ScreenRequest,
  deadlineMs: number,
): Promise<ScreenResponse | grpc.ServiceError> {
  return new Promise((resolve) => {
    const deadline = Date.now() + deadlineMs;
    client.screen(request, { deadline }, (error, response) => {
      resolve(error ?? response ?? missingResponse());
    });
  });
}

function missingResponse(): grpc.ServiceError {
  return Object.assign(new Error("no response and no error"), {
    code: grpc.status.INTERNAL,
    details: "no response and no error",
    metadata: new grpc.Metadata(),
  });
}

function statusName(error: grpc.ServiceError): string {
  return grpc.status[error.code] ?? "UNKNOWN";
}

import { once } from "node:events";
import type { Writable } from "node:stream";
import { toJson } from "@bufbuild/protobuf";
import {
  ScreenRequestSchema,
  type ScreenRequest,
} from "../gen/pushguard/v1/pushguard_pb.js";

/**
 * One ScreenRequest as a line of proto JSON (camelCase names, enum names,
 * RFC 3339 timestamps, default values left out), the replay format that
 * `fromJson(ScreenRequestSchema, ...)` reads back.
 */
export function toJsonLine(request: ScreenRequest): string {
  return JSON.stringify(toJson(ScreenRequestSchema, request));
}

/**
 * Writes requests as JSONL, waiting on `drain` so a large import never
 * buffers more than the stream's high-water mark. Resolves to the number
 * of lines written.
 */
export async function writeJsonl(
  requests: AsyncIterable<ScreenRequest> | Iterable<ScreenRequest>,
  out: Writable,
): Promise<number> {
  let written = 0;
  for await (const request of requests) {
    if (!out.write(`${toJsonLine(request)}\n`)) await once(out, "drain");
    written++;
  }
  return written;
}

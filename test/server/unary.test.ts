import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { ScreenResponseSchema } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { Metrics } from "../../src/metrics/metrics.js";
import {
  DecoderFault,
  UndecodableRequest,
} from "../../src/server/service-definition.js";
import { unary } from "../../src/server/unary.js";
import { capturedLog } from "../ops/capture-log.js";

/** What a handler built by `unary` answers for one decoded request. */
async function answerTo(request: unknown) {
  const captured = capturedLog("info");
  const { log } = captured;
  const deps = { metrics: new Metrics({ processMetrics: false }), log };
  const answer = create(ScreenResponseSchema);
  const handler = unary("Screen", () => Promise.resolve(answer), deps);
  const call = { request } as Parameters<typeof handler>[0];
  const error = await new Promise<Partial<grpc.ServiceError> | null>(
    (resolve) => handler(call, (failure) => resolve(failure)),
  );
  return { error, lines: captured.lines };
}

describe("a request the deserializer could not hand over", () => {
  it("answers bad bytes with INVALID_ARGUMENT and the decoder's words", async () => {
    const bad = new UndecodableRequest("Candidates[1].title: invalid UTF-8");
    const { error, lines } = await answerTo(bad);
    expect(error).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "request: cannot decode: candidates[1].title: invalid UTF-8",
    });
    expect(lines).toEqual([]);
  });

  it("answers a decoder's own failure with INTERNAL and logs it", async () => {
    const fault = new DecoderFault(new TypeError("reader is not a function"));
    const { error, lines } = await answerTo(fault);
    expect(error).toMatchObject({
      code: grpc.status.INTERNAL,
      details: "internal error",
    });
    expect(lines).toMatchObject([
      { msg: "call failed", method: "Screen", err: { type: "TypeError" } },
    ]);
  });
});

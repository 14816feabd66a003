import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  create,
  fromBinary,
  fromJsonString,
  toBinary,
} from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import {
  ReasonSchema,
  ScreenRequestSchema,
  ScreenResponseSchema,
  type ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { loadPolicy } from "../../src/policy/loader.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { screen } from "../../src/service/screen.js";
import { MemoryStore } from "../../src/store/memory.js";
import { encodeScreenResponse } from "../../src/wire/screen-response.js";
import { reason, screenResponse, text } from "./arbitraries.js";

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => Array.from(part)));
}

const reflective = (response: ScreenResponse) =>
  Buffer.from(toBinary(ScreenResponseSchema, response));

const root = new URL("../../", import.meta.url);

describe("encodeScreenResponse on real answers", () => {
  it("writes the bytes protobuf-es writes for 50 Toutiao Screens", async () => {
    const policy = await loadPolicy(
      new URL("policies/default.yaml", root).pathname,
    );
    const deps = {
      policies: new PolicyHolder(policy),
      store: new MemoryStore(),
    };
    const lines = readFileSync(
      new URL("test/fixtures/toutiao-50.jsonl", root),
      "utf8",
    );
    for (const line of lines.trim().split("\n")) {
      const request = fromJsonString(ScreenRequestSchema, line);
      const response = await screen(deps, request);
      expect(encodeScreenResponse(response)).toStrictEqual(
        reflective(response),
      );
    }
  });
});

describe("encodeScreenResponse against protobuf-es", () => {
  it("writes the same bytes for any response", () => {
    fc.assert(
      fc.property(screenResponse, (response) => {
        expect(encodeScreenResponse(response)).toStrictEqual(
          reflective(response),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("writes the same bytes when reasons repeat", () => {
    const pool = fc.array(reason, { minLength: 1, maxLength: 3 });
    const repeating = pool.chain((reasons) =>
      fc.array(
        fc.record({
          candidateId: text,
          reasons: fc.array(fc.constantFrom(...reasons), { maxLength: 3 }),
        }),
        { maxLength: 6 },
      ),
    );
    fc.assert(
      fc.property(repeating, (dropped) => {
        const response = create(ScreenResponseSchema, { dropped });
        expect(encodeScreenResponse(response)).toStrictEqual(
          reflective(response),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("copies a reason only when it is the last one by value", () => {
    const reason = { ruleId: "r", code: "c", article: "Art. 5(1)" };
    const first = create(ScreenResponseSchema, {
      dropped: [{ candidateId: "a", reasons: [{ ...reason, message: "m" }] }],
    });
    encodeScreenResponse(first);
    const kept = first.dropped[0]?.reasons[0];
    if (kept !== undefined) kept.message = "changed";
    const next = create(ScreenResponseSchema, {
      dropped: [
        { candidateId: "b", reasons: [{ ...reason, message: "changed" }] },
      ],
    });
    expect(encodeScreenResponse(next)).toStrictEqual(reflective(next));
  });

  it("does not copy a reason that carries unknown fields", () => {
    const plain = { ruleId: "r", code: "c", article: "a", message: "m" };
    const withUnknown = fromBinary(
      ReasonSchema,
      concat(toBinary(ReasonSchema, create(ReasonSchema, plain)), [0xc8, 6, 1]),
    );
    const response = create(ScreenResponseSchema, {
      dropped: [
        { candidateId: "a", reasons: [withUnknown, plain] },
        { candidateId: "b", reasons: [plain, withUnknown] },
      ],
    });
    expect(encodeScreenResponse(response)).toStrictEqual(reflective(response));
  });

  it("writes unknown fields back after the known ones", () => {
    const withUnknown = new BinaryWriter()
      .raw(toBinary(ScreenResponseSchema, create(ScreenResponseSchema, {})))
      .tag(99, WireType.Varint)
      .uint32(7)
      .tag(1, WireType.LengthDelimited)
      .string("r-1")
      .finish();
    const response = fromBinary(ScreenResponseSchema, withUnknown);
    expect(encodeScreenResponse(response)).toStrictEqual(reflective(response));
  });

  it("writes an answer larger than its first buffer", () => {
    const dropped = Array.from({ length: 1000 }, (_, i) => ({
      candidateId: `item-${i}`,
      reasons: [{ ruleId: "r", code: "c", article: "Art. 5(1)" }],
    }));
    const response = create(ScreenResponseSchema, { dropped });
    expect(encodeScreenResponse(response)).toStrictEqual(reflective(response));
  });

  it("leaves the bytes it returned alone on the next encode", () => {
    const first = create(ScreenResponseSchema, { requestId: "first" });
    const bytes = encodeScreenResponse(first);
    encodeScreenResponse(create(ScreenResponseSchema, { requestId: "next" }));
    expect(bytes).toStrictEqual(reflective(first));
  });
});

describe("encodeScreenResponse on values out of range", () => {
  const cases = [
    {
      what: "a negative rank",
      response: create(ScreenResponseSchema, { admitted: [{ rank: -1 }] }),
    },
    {
      what: "a fractional limit",
      response: create(ScreenResponseSchema, {
        budget: { windows: [{ limit: 1.5 }] },
      }),
    },
    {
      what: "nanos past int32",
      response: create(ScreenResponseSchema, {
        budget: { nextAllowedAt: { nanos: 2 ** 31 } },
      }),
    },
  ];

  it.each(cases)("refuses $what as protobuf-es does", ({ response }) => {
    const expected = failure(() => reflective(response));
    expect(failure(() => encodeScreenResponse(response))).toBe(expected);
    expect(expected).toMatch(/^cannot encode field /);
  });

  it.each(cases)("leaves nothing of $what in the next answer", (bad) => {
    const good = create(ScreenResponseSchema, {
      requestId: "r-2",
      admitted: [{ candidateId: "y", rank: 1 }],
    });
    const withFailedRequestId = create(ScreenResponseSchema, {
      ...bad.response,
      requestId: "r-1",
    });
    expect(() => encodeScreenResponse(withFailedRequestId)).toThrow();
    expect(encodeScreenResponse(good)).toEqual(Buffer.from(reflective(good)));
  });
});

function failure(encode: () => unknown): string {
  try {
    encode();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return "no error";
}

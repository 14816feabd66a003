import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  ScreenRequestSchema,
  ScreenResponseSchema,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { ReplayTally } from "../../src/replay/summary.js";

const reason = (code: string, article: string) => ({
  ruleId: code,
  code,
  article,
  message: code,
});

const request = create(ScreenRequestSchema, {
  candidates: [{ id: "a" }, { id: "b" }, { id: "c" }],
});

const response = create(ScreenResponseSchema, {
  admitted: [{ candidateId: "a", rank: 1 }],
  dropped: [
    {
      candidateId: "b",
      reasons: [reason("content.label", "Art. 5(1)"), reason("x", "Art. 5(4)")],
    },
    { candidateId: "c", reasons: [reason("content.label", "Art. 5(1)")] },
  ],
  wouldDrop: [
    {
      candidateId: "a",
      reasons: [
        reason("diversity.topic", "Art. 5(4)"),
        reason("y", "Art. 5(7)"),
      ],
    },
  ],
});

describe("ReplayTally", () => {
  it("counts a dropped candidate under its first reason only", () => {
    const tally = new ReplayTally();
    tally.answered(request, response, 800);
    expect(tally.summary(1).droppedByReason).toEqual([
      { code: "content.label", article: "Art. 5(1)", count: 2 },
    ]);
  });

  it("counts every reason of a wouldDrop entry, one per shadow rule", () => {
    const tally = new ReplayTally();
    tally.answered(request, response, 800);
    expect(tally.summary(1).wouldDropByReason).toEqual([
      { code: "diversity.topic", article: "Art. 5(4)", count: 1 },
      { code: "y", article: "Art. 5(7)", count: 1 },
    ]);
  });

  it("keeps the first 20 invalid lines and counts them all", () => {
    const tally = new ReplayTally();
    for (let line = 1; line <= 25; line++) {
      tally.invalid({ line, message: "not JSON: x" });
    }
    const summary = tally.summary(1);
    expect(summary.invalidLines).toBe(25);
    expect(summary.invalidLineSamples.length).toBe(20);
  });

  it("keeps the first message of each failing status", () => {
    const tally = new ReplayTally();
    tally.failed("UNAVAILABLE", "connection refused");
    tally.failed("UNAVAILABLE", "later");
    expect(tally.summary(1).errors).toEqual([
      { status: "UNAVAILABLE", count: 2, firstMessage: "connection refused" },
    ]);
  });
});

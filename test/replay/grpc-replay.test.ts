import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRequest, replayOverGrpc } from "../../src/replay/grpc-replay.js";
import type { ReplayProgress } from "../../src/replay/summary.js";
import { fixture } from "../importers/data.js";
import { startFakePushguard, type FakePushguard } from "./fake-pushguard.js";

const toutiaoFixture = fixture("toutiao-50.jsonl");

async function* linesOf(lines: readonly string[]): AsyncGenerator<string> {
  yield* lines;
}

async function fixtureLines(): Promise<string[]> {
  return (await readFile(toutiaoFixture, "utf8")).trimEnd().split("\n");
}

describe("replayOverGrpc against a fake pushguard", () => {
  let fake: FakePushguard;
  beforeAll(async () => {
    fake = await startFakePushguard();
  });
  afterAll(() => fake.stop());

  it("counts the decisions on the 50 Toutiao fixture requests", async () => {
    const summary = await replayOverGrpc({
      target: fake.target,
      input: toutiaoFixture,
      concurrency: 8,
      deadlineMs: 5_000,
    });
    expect(summary).toMatchObject({
      requests: 50,
      ok: 50,
      errors: [],
      invalidLines: 0,
      candidates: 1000,
      admitted: 150,
      dropped: 850,
      wouldDrop: 81,
    });
    expect(summary.droppedByReason).toEqual([
      { code: "slots.exceeded", article: "Art. 5(6)", count: 754 },
      { code: "content.gossip", article: "Art. 5(1)", count: 96 },
    ]);
    expect(summary.wouldDropByReason).toEqual([
      { code: "shadow.game", article: "Art. 5(7)", count: 81 },
    ]);
  });

  it("measures latency of the answered calls", async () => {
    const summary = await replayOverGrpc({
      target: fake.target,
      input: toutiaoFixture,
      concurrency: 2,
      deadlineMs: 5_000,
    });
    expect(summary.latencyMs.p50).toBeGreaterThan(0);
    expect(summary.latencyMs.p99).toBeGreaterThanOrEqual(summary.latencyMs.p50);
    expect(summary.latencyMs.max).toBeGreaterThanOrEqual(summary.latencyMs.p99);
  });

  it("reports unparsable lines by number and keeps going", async () => {
    const [request = ""] = await fixtureLines();
    const noUser = request.replace(/"user":\{[^}]*\}/, '"user":{}');
    const summary = await replayOverGrpc({
      target: fake.target,
      input: linesOf([request, "not json", '{"bogus":1}', "", noUser]),
      concurrency: 1,
      deadlineMs: 5_000,
    });
    expect(summary.requests).toBe(2);
    expect(summary.ok).toBe(1);
    expect(summary.invalidLines).toBe(2);
    expect(summary.invalidLineSamples.map((l) => l.line)).toEqual([2, 3]);
    expect(summary.invalidLineSamples[1]?.message).toBe(
      'cannot decode message pushguard.v1.ScreenRequest from JSON: key "bogus" is unknown',
    );
    expect(summary.errors).toEqual([
      {
        status: "INVALID_ARGUMENT",
        count: 1,
        firstMessage: "user.id: required",
      },
    ]);
  });

  it("calls onProgress once per line handled", async () => {
    const seen: ReplayProgress[] = [];
    await replayOverGrpc({
      target: fake.target,
      input: linesOf([...(await fixtureLines()).slice(0, 5), "{"]),
      concurrency: 3,
      deadlineMs: 5_000,
      onProgress: (progress) => seen.push(progress),
    });
    expect(seen.length).toBe(6);
    expect(seen.at(-1)).toEqual({
      completed: 5,
      ok: 5,
      errors: 0,
      invalidLines: 1,
    });
  });
});

describe("replayOverGrpc concurrency", () => {
  it("never has more calls in flight than its workers", async () => {
    const slow = await startFakePushguard(10);
    try {
      const summary = await replayOverGrpc({
        target: slow.target,
        input: toutiaoFixture,
        concurrency: 4,
        deadlineMs: 5_000,
      });
      expect(summary.ok).toBe(50);
      expect(slow.maxInFlight()).toBeLessThanOrEqual(4);
      expect(slow.maxInFlight()).toBeGreaterThan(1);
    } finally {
      await slow.stop();
    }
  });
});

describe("replayOverGrpc failures", () => {
  it("rejects when the target is not reachable in time", async () => {
    const replay = replayOverGrpc({
      target: "127.0.0.1:1",
      input: linesOf([]),
      concurrency: 1,
      deadlineMs: 1_000,
      connectTimeoutMs: 200,
    });
    await expect(replay).rejects.toThrow(
      "pushguard at 127.0.0.1:1 not ready within 200 ms",
    );
  });

  it.each([
    [{ concurrency: 0, deadlineMs: 1 }, "concurrency 0 must be >= 1"],
    [{ concurrency: 1.5, deadlineMs: 1 }, "concurrency 1.5 must be >= 1"],
    [{ concurrency: 1, deadlineMs: 0 }, "deadlineMs 0 must be > 0"],
  ])("refuses %o", async (options, message) => {
    const replay = replayOverGrpc({
      target: "127.0.0.1:1",
      input: linesOf([]),
      ...options,
    });
    await expect(replay).rejects.toThrow(message);
  });
});

describe("parseRequest", () => {
  it("reads proto JSON with enum names and timestamps", () => {
    const request = parseRequest(
      '{"requestId":"r1","now":"2018-05-15T01:00:00Z","candidates":[{"id":"a","kind":"CANDIDATE_KIND_NEWS"}]}',
    );
    expect(typeof request).not.toBe("string");
    if (typeof request === "string") return;
    expect(request.requestId).toBe("r1");
    expect(request.now?.seconds).toBe(1526346000n);
  });

  it("says a line is not JSON", () => {
    expect(parseRequest("{")).toMatch(/^not JSON: /);
  });

  it("names the enum value it cannot read", () => {
    expect(parseRequest('{"candidates":[{"kind":"NOPE"}]}')).toBe(
      'cannot decode enum pushguard.v1.CandidateKind from JSON: "NOPE"',
    );
  });
});

import { createHmac } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DecisionLog } from "../../src/decision-log/decision-log.js";
import { decisionLine } from "../../src/decision-log/entry.js";
import { openLineSink, type LineSink } from "../../src/decision-log/sink.js";
import { userHasher } from "../../src/decision-log/user-hash.js";
import { AgeBand } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { Metrics } from "../../src/metrics/metrics.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import { decide } from "./decisions.js";

const KEY = Buffer.from("decision-log-test-key-0123456789");
const hashUser = userHasher(KEY);
const silent = pino({ level: "silent" });

function hmacOf(userId: string) {
  return createHmac("sha256", KEY).update(userId).digest("hex");
}

const mixedList = () => [
  candidate("ok-1"),
  candidate("gossip-1", { topics: ["entertainment"] }),
];

describe("a decision log line", () => {
  it("has the version, time, user hash and each outcome with reasons", async () => {
    const decision = await decide(screenRequest({ candidates: mixedList() }));
    const line = decisionLine(decision, hashUser);
    expect(line).toMatchObject({
      log: "decision",
      decisionId: decision.decisionId,
      policyVersion: decision.policy.version,
      time: "2026-12-01T10:00:00.000Z",
      user: hmacOf("u-1"),
      minor: false,
      provider: "p-1",
    });
    expect(line.candidates).toEqual([
      { id: "ok-1", outcome: "admitted", rank: 1 },
      {
        id: "gossip-1",
        outcome: "dropped",
        reasons: [
          {
            ruleId: "blocked-labels",
            code: "label.gossip",
            article: "Art. 5(1)",
          },
        ],
      },
    ]);
  });

  it("keeps nothing about a minor beyond the hash and the outcomes", async () => {
    const request = screenRequest({
      user: { id: "minor-1", ageBand: AgeBand.MINOR },
      candidates: mixedList(),
    });
    const line = decisionLine(await decide(request), hashUser);
    expect(Object.keys(line).sort()).toEqual([
      "candidates",
      "decisionId",
      "log",
      "minor",
      "policyVersion",
      "time",
      "user",
    ]);
    expect(line.user).toBe(hmacOf("minor-1"));
    expect(line.candidates).toEqual([
      { outcome: "admitted" },
      { outcome: "dropped" },
    ]);
  });
});

describe("the decision log buffer", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pushguard-dlog-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes one JSON line per decision after the request returns", async () => {
    const file = path.join(dir, "decisions.jsonl");
    const metrics = new Metrics({ processMetrics: false });
    const sink = openLineSink(file, 1 << 20, silent);
    const log = new DecisionLog({ sink, hashUser, metrics, log: silent });
    const decision = await decide(screenRequest({ candidates: mixedList() }));
    log.record(decision);
    log.record(decision);
    expect(await metrics.decisionLogWritten.get()).toMatchObject({
      values: [{ value: 0 }],
    });
    await log.close();
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).decisionId)).toEqual([
      decision.decisionId,
      decision.decisionId,
    ]);
  });

  it("drops and counts lines once the queue is full", async () => {
    const written: string[] = [];
    const sink: LineSink = {
      write: (line) => written.push(line) > 0,
      close: () => Promise.resolve(),
    };
    const metrics = new Metrics({ processMetrics: false });
    const log = new DecisionLog({
      sink,
      hashUser,
      metrics,
      log: silent,
      maxPending: 3,
    });
    const decision = await decide(screenRequest({ candidates: mixedList() }));
    for (let i = 0; i < 5; i++) log.record(decision);
    await log.close();
    expect(written).toHaveLength(3);
    const dropped = await metrics.decisionLogDropped.get();
    expect(dropped.values[0]?.value).toBe(2);
  });

  it("drops and counts lines the destination's full buffer refuses", async () => {
    const file = path.join(dir, "slow.jsonl");
    const metrics = new Metrics({ processMetrics: false });
    const sink = openLineSink(file, 4096, silent);
    const log = new DecisionLog({ sink, hashUser, metrics, log: silent });
    const decision = await decide(screenRequest({ candidates: mixedList() }));
    for (let i = 0; i < 200; i++) log.record(decision);
    await log.close();
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    const dropped = (await metrics.decisionLogDropped.get()).values[0]?.value;
    const written = (await metrics.decisionLogWritten.get()).values[0]?.value;
    expect(dropped).toBeGreaterThan(0);
    expect(written).toBe(lines.length);
    expect(lines.length + (dropped ?? 0)).toBe(200);
  });
});

describe("the decision log destination", () => {
  it("stops the start when the file cannot be opened, naming the setting", () => {
    expect(() =>
      openLineSink("/nonexistent-dir/decisions.jsonl", 4096, silent),
    ).toThrow(
      "PUSHGUARD_DECISION_LOG /nonexistent-dir/decisions.jsonl cannot be opened: ENOENT",
    );
  });
});

import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { CandidateKind } from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { RULE_TYPES } from "../../../src/rules/index.js";
import { candidate } from "../../helpers/requests.js";
import {
  NOW,
  buildRule,
  decide,
  decisionContext,
  pushed,
  toutiao,
} from "./context.js";

/** Real Toutiao headlines on tech/马云, oldest last, with their ages. */
const OLD_48_DAYS = "6537503367227245064";
const OLD_72_DAYS = "6528544602654245384";
const OLD_135_DAYS = "6505395404664733956";
const FRESH = "6554298365687890439";

const rule = (params: Record<string, unknown> = {}) =>
  buildRule(
    "stale-burst",
    { staleAfterDays: 30, minTopicDepth: 2, ...params },
    "Art. 5(1)",
  );

const daysAgo = (days: number) =>
  timestampFromMs(Date.parse(NOW) - days * 86_400_000 - 1000);

describe("stale-burst in one list", () => {
  it("keeps one old item per topic and drops the rest of the burst", () => {
    const list = [OLD_48_DAYS, FRESH, OLD_72_DAYS, OLD_135_DAYS].map((id) =>
      toutiao(id),
    );
    expect(decide(rule(), list)).toEqual({
      kept: [OLD_48_DAYS, FRESH],
      removed: [
        [
          OLD_72_DAYS,
          "news.stale_burst",
          "item published 72 days ago is old news on topic tech/马云, " +
            "after 1 old item in this list (allowance 1)",
        ],
        [
          OLD_135_DAYS,
          "news.stale_burst",
          "item published 135 days ago is old news on topic tech/马云, " +
            "after 1 old item in this list (allowance 1)",
        ],
      ],
    });
  });

  it("allows as many old items per topic as the allowance", () => {
    const list = [OLD_48_DAYS, OLD_72_DAYS, OLD_135_DAYS].map((id) =>
      toutiao(id),
    );
    expect(decide(rule({ allowance: 2 }), list).kept).toEqual([
      OLD_48_DAYS,
      OLD_72_DAYS,
    ]);
  });

  it("counts channels too at minTopicDepth 1", () => {
    const list = [
      toutiao(OLD_48_DAYS, { topics: ["tech", "tech/支付宝"] }),
      toutiao(OLD_72_DAYS, { topics: ["tech", "tech/小米"] }),
    ];
    expect(decide(rule(), list).kept).toHaveLength(2);
    expect(decide(rule({ minTopicDepth: 1 }), list).removed).toEqual([
      [
        OLD_72_DAYS,
        "news.stale_burst",
        "item published 72 days ago is old news on topic tech, " +
          "after 1 old item in this list (allowance 1)",
      ],
    ]);
  });

  it("never counts items without publishedAt or of other kinds", () => {
    const list = [
      toutiao(OLD_48_DAYS),
      candidate("undated", { topics: ["tech/马云"] }),
      toutiao(OLD_72_DAYS, { kind: CandidateKind.SERVICE }),
    ];
    const newsOnly = rule({ kinds: ["news", "vertical"] });
    expect(decide(newsOnly, list).kept).toEqual([
      OLD_48_DAYS,
      "undated",
      OLD_72_DAYS,
    ]);
  });

  it("takes staleAfterDays as whole days", () => {
    const at = (days: number) =>
      candidate(`d${days}`, { topics: ["a/b"], publishedAt: daysAgo(days) });
    const list = [at(40), at(30), at(31)];
    expect(decide(rule(), list)).toMatchObject({
      kept: ["d40", "d30"],
      removed: [["d31", "news.stale_burst", expect.any(String)]],
    });
  });
});

describe("stale-burst on the user's hot topics", () => {
  it("drops old news on a topic pushed within recentHours", () => {
    const ctx = decisionContext({ deliveries: [pushed(["tech/马云"], 71)] });
    expect(decide(rule(), [toutiao(OLD_48_DAYS)], ctx).removed).toEqual([
      [
        OLD_48_DAYS,
        "news.stale_burst",
        "item published 48 days ago is old news on topic tech/马云, " +
          "pushed to the user in the last 72 hours (allowance 1)",
      ],
    ]);
  });

  it("lets old news pass once the push left the window", () => {
    const ctx = decisionContext({ deliveries: [pushed(["tech/马云"], 73)] });
    expect(decide(rule(), [toutiao(OLD_48_DAYS)], ctx).kept).toEqual([
      OLD_48_DAYS,
    ]);
  });

  it("names both the hot topic and the list when both count", () => {
    const ctx = decisionContext({ deliveries: [pushed(["tech/马云"], 5)] });
    const list = [toutiao(OLD_48_DAYS), toutiao(OLD_72_DAYS)];
    expect(decide(rule({ allowance: 2 }), list, ctx).removed).toEqual([
      [
        OLD_72_DAYS,
        "news.stale_burst",
        "item published 72 days ago is old news on topic tech/马云, " +
          "pushed to the user in the last 72 hours, " +
          "after 1 old item in this list (allowance 2)",
      ],
    ]);
  });

  it("has only the list to go on for a minor, whose record has no topics", () => {
    const ctx = decisionContext({ minor: true, deliveries: [pushed([], 5)] });
    expect(decide(rule(), [toutiao(OLD_48_DAYS)], ctx).kept).toEqual([
      OLD_48_DAYS,
    ]);
  });

  it("still judges the list when the store is down", () => {
    expect(rule().needsState).toBeFalsy();
  });
});

describe("stale-burst parameters", () => {
  const params = RULE_TYPES.get("stale-burst")?.params;

  it.each([
    [{}, "staleAfterDays"],
    [{ staleAfterDays: 0 }, "staleAfterDays"],
    [{ staleAfterDays: 30, allowance: 101 }, "allowance"],
    [{ staleAfterDays: 30, recentHours: 721 }, "recentHours"],
    [{ staleAfterDays: 30, minTopicDepth: 0 }, "minTopicDepth"],
    [{ staleAfterDays: 30, kinds: ["news", "news"] }, "kinds"],
    [{ staleAfterDays: 30, topics: 2 }, ""],
  ])("rejects %j at %s", (given, at) => {
    const parsed = params?.safeParse(given);
    expect(parsed?.success).toBe(false);
    expect(parsed?.error?.issues[0]?.path.join(".") ?? "").toBe(at);
  });
});

describe("stale-burst topic paths", () => {
  const old = (id: string, topics: string[]) =>
    candidate(id, { topics, publishedAt: daysAgo(40) });

  it("counts a topic an item names twice once", () => {
    const list = [old("a", ["x/y", "x/y"]), old("b", ["x/y"])];
    expect(decide(rule({ allowance: 2 }), list).kept).toEqual(["a", "b"]);
  });

  it("counts path segments as split would, empty ones included", () => {
    const list = [old("a", ["x//y"]), old("b", ["x//y"])];
    expect(decide(rule({ minTopicDepth: 3 }), list).removed).toEqual([
      [
        "b",
        "news.stale_burst",
        "item published 40 days ago is old news on topic x//y, " +
          "after 1 old item in this list (allowance 1)",
      ],
    ]);
    expect(decide(rule({ minTopicDepth: 4 }), list).kept).toEqual(["a", "b"]);
  });

  it("names the deepest full topic, the first of equals", () => {
    const list = [
      old("a", ["p/q", "r/s/t", "u/v/w"]),
      old("b", ["u/v/w", "p/q", "r/s/t"]),
    ];
    expect(decide(rule(), list).removed).toEqual([
      [
        "b",
        "news.stale_burst",
        "item published 40 days ago is old news on topic u/v/w, " +
          "after 1 old item in this list (allowance 1)",
      ],
    ]);
  });
});

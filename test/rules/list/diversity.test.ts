import path from "node:path";
import { describe, expect, it } from "vitest";
import { CandidateKind } from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import type { Rule } from "../../../src/pipeline/rule.js";
import { loadPolicy } from "../../../src/policy/loader.js";
import { surfaceRules } from "../../../src/policy/policy.js";
import { diversityParamsSchema } from "../../../src/rules/list/diversity-params.js";
import type { DeliveryRecord } from "../../../src/store/store.js";
import { candidate } from "../../helpers/requests.js";
import { repoRoot } from "../../helpers/server.js";
import {
  buildRule,
  decide,
  decisionContext,
  delivery,
  items,
  type ContextInit,
} from "../user/context.js";

/** A rule with the given limits; MMR at lambda 1 keeps the ranker order. */
function diversity(params: Record<string, unknown>): Rule {
  return buildRule(
    "diversity-rerank",
    { method: { kind: "mmr", lambda: 1 }, ...params },
    "diversity-rerank",
    "Art. 5(4)",
  );
}

const FIXTURES = path.join(repoRoot, "test/rules/list/fixtures");
const NEWS = CandidateKind.NEWS;
const VERTICAL = CandidateKind.VERTICAL;

/** An item on its own topic, so that only the limit under test binds. */
const item = (
  id: string,
  init: { labels?: string[]; topics?: string[]; kind?: CandidateKind } = {},
) => candidate(id, { topics: [`topic-${id}`], ...init });

const disaster = (id: string) => item(id, { labels: ["disaster"] });
const pushedDisaster = (id: string, at: string): DeliveryRecord =>
  delivery(id, at, { classes: ["disaster"] });

describe("diversity-rerank keeps every Art. 5(4) limit", () => {
  it.each<{
    name: string;
    params: Record<string, unknown>;
    list: ReturnType<typeof candidate>[];
    ctx?: ContextInit;
    kept: string[];
    removed: string[][];
  }>([
    {
      name: "cuts a second disaster past the list cap",
      params: { listCaps: { disaster: 1 } },
      list: [disaster("d1"), disaster("d2"), item("n1")],
      kept: ["d1", "n1"],
      removed: [["d2", "cap.disaster_list", "disaster cap 1 per list reached"]],
    },
    {
      name: "counts the user's disasters in the window with this list",
      params: { windowCaps: { disaster: { hours: 24, limit: 2 } } },
      list: [disaster("d1"), disaster("d2"), item("n1")],
      ctx: {
        state: { deliveries: [pushedDisaster("old", "2026-12-01T06:00:00Z")] },
      },
      kept: ["d1", "n1"],
      removed: [
        [
          "d2",
          "cap.disaster_window",
          "disaster cap 2 per 24h reached (1 pushed, 1 earlier in this list)",
        ],
      ],
    },
    {
      name: "admits no disaster once the window is full",
      params: { windowCaps: { disaster: { hours: 24, limit: 2 } } },
      list: [disaster("d1"), item("n1")],
      ctx: {
        state: {
          deliveries: [
            pushedDisaster("old1", "2026-12-01T06:00:00Z"),
            pushedDisaster("old2", "2026-12-01T08:00:00Z"),
          ],
        },
      },
      kept: ["n1"],
      removed: [
        [
          "d1",
          "cap.disaster_window",
          "disaster cap 2 per 24h reached (2 pushed)",
        ],
      ],
    },
    {
      name: "forgets disasters that left the rolling window",
      params: { windowCaps: { disaster: { hours: 24, limit: 1 } } },
      list: [disaster("d1"), item("n1")],
      ctx: {
        state: { deliveries: [pushedDisaster("old", "2026-11-30T09:59:00Z")] },
      },
      kept: ["d1", "n1"],
      removed: [],
    },
    {
      name: "counts every push of a minor, whose record keeps no classes",
      params: { windowCaps: { disaster: { hours: 24, limit: 2 } } },
      list: [disaster("d1"), item("n1")],
      ctx: {
        minor: true,
        state: {
          deliveries: [
            delivery("old1", "2026-12-01T06:00:00Z", { topics: [] }),
            delivery("old2", "2026-12-01T08:00:00Z", { topics: [] }),
          ],
        },
      },
      kept: ["n1"],
      removed: [
        [
          "d1",
          "cap.disaster_window",
          "disaster cap 2 per 24h reached (2 pushed); every push counts " +
            "for a minor, whose record keeps no classes",
        ],
      ],
    },
    {
      name: "reports the list cap first when an item breaks two limits",
      params: { listCaps: { disaster: 1 }, maxTopicShare: 0.34 },
      list: [
        item("d1", { labels: ["disaster"], topics: ["world"] }),
        item("d2", { labels: ["disaster"], topics: ["world"] }),
        item("n1"),
      ],
      kept: ["d1", "n1"],
      removed: [["d2", "cap.disaster_list", "disaster cap 1 per list reached"]],
    },
    {
      name: "cuts a topic past its share of the slots",
      params: { maxTopicShare: 0.34 },
      list: [
        item("s1", { topics: ["sports/nba"] }),
        item("s2", { topics: ["sports/football"] }),
        item("t1"),
        item("f1"),
      ],
      kept: ["s1", "t1", "f1"],
      removed: [
        [
          "s2",
          "diversity.topic_share",
          "topic sports reached its max share 0.34 of 3 slots (1 kept)",
        ],
      ],
    },
    {
      name: "cuts news past its maximum share",
      params: { kindShare: { news: { max: 0.34 } } },
      list: [
        item("n1", { kind: NEWS }),
        item("n2", { kind: NEWS }),
        item("v1", { kind: VERTICAL }),
      ],
      kept: ["n1", "v1"],
      removed: [
        [
          "n2",
          "diversity.news_share",
          "news reached its max share 0.34 of 3 slots (1 kept)",
        ],
      ],
    },
    {
      name: "keeps a slot for news when news has a minimum share",
      params: { kindShare: { news: { min: 0.3 } } },
      list: [
        item("v1", { kind: VERTICAL }),
        item("v2", { kind: VERTICAL }),
        item("v3", { kind: VERTICAL }),
        item("n1", { kind: NEWS }),
      ],
      kept: ["v1", "v2", "n1"],
      removed: [
        [
          "v3",
          "diversity.news_share",
          "slots left are kept for news (min share 0.3 of 3 slots)",
        ],
      ],
    },
    {
      name: "leaves a slot empty rather than break a minimum share",
      params: { kindShare: { news: { min: 0.3 } } },
      list: [
        item("v1", { kind: VERTICAL }),
        item("v2", { kind: VERTICAL }),
        item("v3", { kind: VERTICAL }),
      ],
      kept: ["v1", "v2"],
      removed: [
        [
          "v3",
          "diversity.news_share",
          "slots left are kept for news (min share 0.3 of 3 slots)",
        ],
      ],
    },
    {
      name: "removes what the full slots leave out as list.slots",
      params: { listCaps: { disaster: 1 } },
      list: [item("a"), item("b"), item("c"), disaster("d"), item("e")],
      kept: ["a", "b", "c"],
      removed: [
        ["d", "list.slots", "list already holds its 3 slots"],
        ["e", "list.slots", "list already holds its 3 slots"],
      ],
    },
  ])("$name", ({ params, list, ctx, kept, removed }) => {
    const decided = decide(
      diversity(params),
      items(...list),
      decisionContext(ctx),
    );
    expect(decided.kept).toEqual(kept);
    expect(decided.removed).toEqual(removed);
  });

  it("cites the rule and Art. 5(4) in every removal", () => {
    const rule = diversity({ listCaps: { disaster: 0 } });
    const outcome = rule.apply(items(disaster("d1")), decisionContext());
    expect(outcome.removed[0]?.reason).toMatchObject({
      ruleId: "diversity-rerank",
      article: "Art. 5(4)",
      code: "cap.disaster_list",
    });
  });
});

describe("diversity-rerank orders the list", () => {
  const scored = (id: string, score: number, topics: string[]) =>
    candidate(id, { score, topics });
  /** Two sports items the ranker likes best, then tech and finance. */
  const list = () =>
    items(
      scored("sports-1", 1, ["sports/nba"]),
      scored("sports-2", 0.95, ["sports/nba"]),
      scored("tech", 0.9, ["tech"]),
      scored("finance", 0.2, ["finance"]),
    );

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "keeps the ranker's order with mmr at lambda 1",
      { kind: "mmr", lambda: 1 },
      ["sports-1", "sports-2", "tech"],
    ],
    [
      "spreads topics with mmr at lambda 0.3",
      { kind: "mmr", lambda: 0.3 },
      ["sports-1", "tech", "finance"],
    ],
    [
      "spreads topics with a dpp",
      { kind: "dpp", alpha: 1 },
      ["sports-1", "tech", "finance"],
    ],
    [
      "follows the scores with a dpp of large alpha",
      { kind: "dpp", alpha: 20 },
      ["sports-1", "sports-2", "tech"],
    ],
  ])("%s", (_, method, kept) => {
    const rule = diversity({ method });
    expect(decide(rule, list(), decisionContext()).kept).toEqual(kept);
  });

  it("re-ranks by the ranker's scores, not the request order", () => {
    const rule = diversity({});
    const shuffled = items(
      scored("low", 0.1, ["a"]),
      scored("high", 0.9, ["b"]),
      scored("mid", 0.5, ["c"]),
    );
    expect(decide(rule, shuffled, decisionContext()).kept).toEqual([
      "high",
      "mid",
      "low",
    ]);
  });

  it("measures similarity on embeddings when every item has one", () => {
    const rule = diversity({ method: { kind: "dpp", alpha: 1 } });
    const embedded = items(
      candidate("a", { score: 1, embedding: [1, 0, 0] }),
      candidate("a-again", { score: 0.99, embedding: [1, 0.01, 0] }),
      candidate("b", { score: 0.9, embedding: [0, 1, 0] }),
    );
    const ctx = { ...decisionContext(), slots: 2 };
    expect(decide(rule, embedded, ctx).kept).toEqual(["a", "b"]);
  });

  it("says when a dpp found nothing left worth adding", () => {
    const rule = diversity({ method: { kind: "dpp", alpha: 1 } });
    const twins = items(
      candidate("a", { embedding: [1, 0] }),
      candidate("b", { embedding: [0, 1] }),
      candidate("a-twin", { embedding: [2, 0] }),
    );
    expect(decide(rule, twins, decisionContext()).removed).toEqual([
      [
        "a-twin",
        "diversity.redundant",
        "no diversity gain above epsilon 1e-10 left (2 of 3 slots filled)",
      ],
    ]);
  });

  it("gives the same list for the same request", () => {
    const rule = diversity({
      method: { kind: "dpp", alpha: 2, window: 2 },
      maxTopicShare: 0.5,
      listCaps: { disaster: 1 },
    });
    const ctx = { ...decisionContext(), slots: 4 };
    const runs = Array.from({ length: 3 }, () => decide(rule, list(), ctx));
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});

describe("diversity-rerank and the state store", () => {
  const windows = {
    disaster: { hours: 24, limit: 2 },
    vicious_case: { hours: 6, limit: 1 },
  };

  it("hands its class windows to the commit, scoped to each class", () => {
    const rule = diversity({ windowCaps: windows });
    expect(rule.commitLimits?.(decisionContext())).toEqual({
      caps: [
        {
          name: "disaster_window",
          windowMs: 24 * 3_600_000,
          limit: 2,
          scope: "class:disaster",
          span: "24h",
        },
        {
          name: "vicious_case_window",
          windowMs: 6 * 3_600_000,
          limit: 1,
          scope: "class:vicious_case",
          span: "6h",
        },
      ],
      minGapMs: 0,
    });
  });

  it("needs the user's state only when it has window caps", () => {
    expect(diversity({ windowCaps: windows }).needsState).toBe(true);
    expect(diversity({ listCaps: { disaster: 1 } }).needsState).toBe(false);
  });
});

describe("diversity-rerank parameters", () => {
  const parse = (params: Record<string, unknown>) => {
    const result = diversityParamsSchema.safeParse(params);
    return result.success
      ? "ok"
      : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it.each<[string, Record<string, unknown>, string | string[]]>([
    [
      "accepts a dpp with a window",
      { method: { kind: "dpp", alpha: 2, window: 8 } },
      "ok",
    ],
    [
      "rejects lambda above 1",
      { method: { kind: "mmr", lambda: 1.5 } },
      ["method.lambda: Too big: expected number to be <=1"],
    ],
    [
      "rejects an unbounded alpha",
      { method: { kind: "dpp", alpha: 1000 } },
      ["method.alpha: Too big: expected number to be <=100"],
    ],
    [
      "rejects a kind minimum above its maximum",
      {
        method: { kind: "mmr", lambda: 1 },
        kindShare: { news: { min: 0.6, max: 0.4 } },
      },
      ["kindShare.news: min must be <= max"],
    ],
    [
      "rejects minimum shares adding up past 1",
      {
        method: { kind: "mmr", lambda: 1 },
        kindShare: { news: { min: 0.6 }, vertical: { min: 0.6 } },
      },
      ["kindShare: kind minimum shares must add up to at most 1"],
    ],
    [
      "rejects a class name that is not snake_case",
      { method: { kind: "mmr", lambda: 1 }, listCaps: { Disaster: 1 } },
      ["listCaps.Disaster: class name must be snake_case"],
    ],
    [
      "rejects a window cap without hours",
      {
        method: { kind: "mmr", lambda: 1 },
        windowCaps: { disaster: { limit: 1 } },
      },
      [
        "windowCaps.disaster.hours: Invalid input: expected number, received undefined",
      ],
    ],
  ])("%s", (_, params, expected) => {
    expect(parse(params)).toEqual(expected);
  });
});

describe("diversity-rerank chosen per surface", () => {
  /**
   * Three sports items the ranker likes best, then tech and finance. The
   * default DPP (alpha 2) takes a second sports item over finance, scored
   * far lower; MMR at lambda 0.3 takes finance; the digest keeps the order.
   */
  const ranked = items(
    candidate("sports-1", { score: 1, topics: ["sports/nba"] }),
    candidate("sports-2", { score: 0.95, topics: ["sports/nba"] }),
    candidate("sports-3", { score: 0.94, topics: ["sports/nba"] }),
    candidate("tech", { score: 0.9, topics: ["tech"] }),
    candidate("finance", { score: 0.2, topics: ["finance"] }),
  );

  it.each([
    ["", ["sports-1", "tech", "sports-2"]],
    ["digest", ["sports-1", "sports-2", "sports-3", "tech", "finance"]],
    ["lockscreen", ["sports-1", "tech", "finance"]],
    ["unknown", ["sports-1", "tech", "sports-2"]],
  ])("surface %j keeps %j", async (surface, kept) => {
    const policy = await loadPolicy(path.join(FIXTURES, "surfaces.yaml"));
    const { rules, slots } = surfaceRules(policy, surface);
    const rule = rules.find((placed) => placed.rule.id === "diversity-rerank");
    const ctx = { ...decisionContext(), slots };
    expect(decide(rule?.rule as Rule, ranked, ctx).kept).toEqual(kept);
  });
});

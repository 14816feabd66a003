import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  listConstraint,
  type ConstrainedItem,
  type ListLimits,
} from "../../src/rerank/constraints.js";
import { rerank, type RerankMethod } from "../../src/rerank/rerank.js";
import { topicSimilarity } from "../../src/rerank/similarity.js";

const CLASSES = ["sensitive_event", "vicious_case", "disaster"] as const;
const KINDS = ["news", "vertical", "ad", "service"] as const;
const PATHS = ["sports/football", "sports/nba", "tech/ai", "tech", "finance"];

interface Item extends ConstrainedItem {
  readonly classes: string[];
}

const arbItem: fc.Arbitrary<Item> = fc.record({
  topics: fc.subarray(PATHS, { maxLength: 2 }),
  kind: fc.constantFrom(...KINDS),
  classes: fc.subarray([...CLASSES, "gossip"]),
});

const arbShare = fc.double({ min: 0, max: 1, noNaN: true });
const arbCounts = fc.dictionary(
  fc.constantFrom(...CLASSES),
  fc.integer({ min: -1, max: 3 }),
);

/** News and vertical bounds whose minimums add up to at most 1. */
const arbKindShare = fc
  .tuple(arbShare, arbShare, arbShare, fc.boolean())
  .map(([a, b, c, withMax]) => {
    const [low, high] = a <= b ? [a, b] : [b, a];
    return {
      news: withMax ? { min: low, max: high } : { min: low },
      vertical: { min: Math.min(c, 1 - low) },
    };
  });

const arbLimits: fc.Arbitrary<ListLimits> = fc.record(
  {
    maxTopicShare: arbShare,
    kindShare: arbKindShare,
    listCaps: arbCounts.map((caps) => clampAtZero(caps)),
    windowRemaining: arbCounts,
  },
  { requiredKeys: [] },
);

const arbMethod: fc.Arbitrary<RerankMethod> = fc.oneof(
  arbShare.map((lambda) => ({ kind: "mmr" as const, lambda })),
  fc.record({
    kind: fc.constant("dpp" as const),
    alpha: fc.double({ min: 0, max: 3, noNaN: true }),
    window: fc.integer({ min: 1, max: 5 }),
  }),
);

const arbList = fc.record({
  items: fc.array(arbItem, { minLength: 1, maxLength: 40 }),
  scores: fc.array(arbShare, { minLength: 40, maxLength: 40 }),
  limits: arbLimits,
  method: arbMethod,
  k: fc.integer({ min: 1, max: 15 }),
});

function clampAtZero(caps: Partial<Record<string, number>>) {
  return Object.fromEntries(
    Object.entries(caps).map(([c, n]) => [c, Math.max(0, n ?? 0)]),
  );
}

function run(list: {
  items: Item[];
  scores: number[];
  limits: ListLimits;
  method: RerankMethod;
  k: number;
}) {
  const { items, limits, method, k } = list;
  const scores = list.scores.slice(0, items.length);
  const similarity = topicSimilarity(items.map((item) => item.topics));
  const constraint = listConstraint(items, limits);
  return rerank({ scores, similarity, k, method, constraint });
}

const topOf = (path: string) => path.split("/")[0] ?? "";
const tops = (item: Item) => [...new Set(item.topics.map(topOf))];

/** Counts of classes, top-level topics and kinds among the picked. */
function countsOf(picked: Item[]) {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const item of picked) {
    item.classes.forEach((c) => add(`class:${c}`));
    tops(item).forEach((t) => add(`topic:${t}`));
    add(`kind:${item.kind}`);
  }
  return (key: string) => counts.get(key) ?? 0;
}

const EPS = 1e-9;
const topicLimit = (share: number, k: number) =>
  Math.max(1, Math.floor(share * k + EPS));
const kindMax = (share: number | undefined, k: number) =>
  share === undefined ? k : Math.floor(share * k + EPS);

function expectLimitsHold(
  items: Item[],
  picked: number[],
  l: ListLimits,
  k: number,
) {
  const count = countsOf(picked.map((j) => items[j] as Item));
  for (const c of CLASSES) {
    expect(count(`class:${c}`)).toBeLessThanOrEqual(l.listCaps?.[c] ?? k);
    const left = l.windowRemaining?.[c] ?? k;
    expect(count(`class:${c}`)).toBeLessThanOrEqual(Math.max(0, left));
  }
  if (l.maxTopicShare !== undefined) {
    for (const t of new Set(PATHS.map(topOf))) {
      expect(count(`topic:${t}`)).toBeLessThanOrEqual(
        topicLimit(l.maxTopicShare, k),
      );
    }
  }
  for (const [kind, bounds] of Object.entries(l.kindShare ?? {})) {
    expect(count(`kind:${kind}`)).toBeLessThanOrEqual(kindMax(bounds.max, k));
  }
}

/** A cut names a limit that is exactly full in the final list. */
function expectCutJustified(
  items: Item[],
  picked: number[],
  l: ListLimits,
  k: number,
  [j, id]: [number, string],
) {
  const item = items[j] as Item;
  const count = countsOf(picked.map((i) => items[i] as Item));
  const [, name] =
    id.match(/^(?:cap|diversity)\.(\w+?)_(?:list|window|share)$/) ?? [];
  if (id === `cap.${name}_list`) {
    expect(item.classes).toContain(name);
    expect(count(`class:${name}`)).toBe(l.listCaps?.[name ?? ""]);
  } else if (id === `cap.${name}_window`) {
    const left = l.windowRemaining?.[name ?? ""] ?? NaN;
    expect(count(`class:${name}`)).toBe(Math.max(0, left));
  } else if (id === "diversity.topic_share") {
    const limit = topicLimit(l.maxTopicShare ?? NaN, k);
    expect(tops(item).some((t) => count(`topic:${t}`) === limit)).toBe(true);
  } else {
    const bounds = l.kindShare?.[name ?? ""];
    const full = count(`kind:${name}`) === kindMax(bounds?.max, k);
    const reserving = item.kind !== name && (bounds?.min ?? 0) > 0;
    expect({ id, justified: full || reserving }).toEqual({
      id,
      justified: true,
    });
  }
}

describe("list constraints on random lists", () => {
  it("never admit an item past a cap, a topic share or a kind share", () => {
    fc.assert(
      fc.property(arbList, (list) => {
        const { selected, cut } = run(list);
        expect(new Set(selected).size).toBe(selected.length);
        expect(selected.length).toBeLessThanOrEqual(list.k);
        expect(selected.filter((j) => cut.has(j))).toEqual([]);
        expectLimitsHold(list.items, selected, list.limits, list.k);
      }),
      { numRuns: 500 },
    );
  });

  it("cut only with a limit that is full in the final list", () => {
    fc.assert(
      fc.property(arbList, (list) => {
        const { selected, cut } = run(list);
        for (const entry of cut) {
          expectCutJustified(list.items, selected, list.limits, list.k, entry);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keep every reservation the list still has room for", () => {
    fc.assert(
      fc.property(arbList, (list) => {
        const { k, limits, items } = list;
        const { selected } = run(list);
        const count = countsOf(selected.map((j) => items[j] as Item));
        const reserved = Object.entries(limits.kindShare ?? {}).map(
          ([kind, b]) => {
            const want = Math.ceil((b.min ?? 0) * k - EPS);
            return [kind, Math.min(want, kindMax(b.max, k))] as const;
          },
        );
        const total = reserved.reduce((s, [, r]) => s + r, 0);
        const unmet = reserved.reduce(
          (s, [kind, r]) => s + Math.max(0, r - count(`kind:${kind}`)),
          0,
        );
        const free = k - selected.length + Math.max(0, total - k);
        expect(unmet).toBeLessThanOrEqual(free);
      }),
      { numRuns: 500 },
    );
  });

  it("change nothing when no limit refuses anything", () => {
    fc.assert(
      fc.property(arbList, (list) => {
        const { selected, cut } = run(list);
        fc.pre(cut.size === 0);
        const scores = list.scores.slice(0, list.items.length);
        const similarity = topicSimilarity(list.items.map((i) => i.topics));
        const free = rerank({ ...list, scores, similarity });
        expect(selected).toEqual(free.selected);
      }),
      { numRuns: 300 },
    );
  });
});

/** Candidates in score order, index 0 best. */
function listOf(specs: [kind: string, topic: string, ...classes: string[]][]) {
  const items = specs.map(([kind, topic, ...classes]) => ({
    kind,
    topics: [topic],
    classes,
  }));
  const scores = items.map((_, i) => 1 - i / items.length);
  return { items, scores };
}

function pick(list: ReturnType<typeof listOf>, k: number, limits: ListLimits) {
  const { selected, cut } = rerank({
    scores: list.scores,
    similarity: topicSimilarity(list.items.map((i) => i.topics)),
    k,
    method: { kind: "mmr", lambda: 1 },
    constraint: listConstraint(list.items, limits),
  });
  return { selected, cut: Object.fromEntries(cut) };
}

describe("list constraints, case by case", () => {
  const list = listOf([
    ["news", "society", "disaster"],
    ["news", "society", "disaster"],
    ["news", "world/asia", "vicious_case"],
    ["vertical", "sports/nba"],
    ["vertical", "sports/football"],
    ["vertical", "sports/tennis"],
    ["news", "world/europe", "sensitive_event"],
  ]);

  it.each<[string, ListLimits, number[], Record<number, string>]>([
    [
      "a per-list cap",
      { listCaps: { disaster: 1 } },
      [0, 2, 3],
      { 1: "cap.disaster_list" },
    ],
    [
      "a window allowance used up",
      { windowRemaining: { disaster: 0 } },
      [2, 3, 4],
      { 0: "cap.disaster_window", 1: "cap.disaster_window" },
    ],
    [
      "the list cap before the window when both refuse",
      { listCaps: { disaster: 0 }, windowRemaining: { disaster: 0 } },
      [2, 3, 4],
      { 0: "cap.disaster_list", 1: "cap.disaster_list" },
    ],
    [
      "one topic at most a third of 3 slots",
      { maxTopicShare: 0.34 },
      [0, 2, 3],
      { 1: "diversity.topic_share" },
    ],
    [
      "at most one news item in 3 slots",
      { kindShare: { news: { max: 0.34 } } },
      [0, 3, 4],
      { 1: "diversity.news_share", 2: "diversity.news_share" },
    ],
    [
      "two of 3 slots reserved for verticals",
      { kindShare: { vertical: { min: 0.6 } } },
      [0, 3, 4],
      { 1: "diversity.vertical_share", 2: "diversity.vertical_share" },
    ],
  ])("%s", (_, limits, selected, cut) => {
    expect(pick(list, 3, limits)).toEqual({ selected, cut });
  });

  it("names the class first listed in the caps when two would refuse", () => {
    const both = listOf([["news", "a", "vicious_case", "disaster"]]);
    const limits = { listCaps: { disaster: 0, vicious_case: 0 } };
    expect(pick(both, 1, limits)).toEqual({
      selected: [],
      cut: { 0: "cap.disaster_list" },
    });
  });

  it("reports an item that k left out as not selected, not cut", () => {
    const late = listOf([
      ["news", "a"],
      ["news", "b"],
      ["news", "c", "disaster"],
    ]);
    const limits = { windowRemaining: { disaster: 0 } };
    expect(pick(late, 2, limits)).toEqual({ selected: [0, 1], cut: {} });
  });

  it("leaves reserved slots empty rather than fill them with others", () => {
    const few = listOf([
      ["vertical", "a"],
      ["vertical", "b"],
      ["vertical", "c"],
      ["news", "d"],
      ["vertical", "e"],
    ]);
    const limits = { kindShare: { news: { min: 0.5 } } };
    expect(pick(few, 4, limits)).toEqual({
      selected: [0, 1, 3],
      cut: { 2: "diversity.news_share", 4: "diversity.news_share" },
    });
  });

  it("fills only reservations when rounding makes them exceed the slots", () => {
    const mixed = listOf([
      ["ad", "a"],
      ["news", "b"],
      ["vertical", "c"],
      ["news", "d"],
    ]);
    const limits = {
      kindShare: { news: { min: 0.5 }, vertical: { min: 0.5 } },
    };
    // 3 slots, ceil(1.5) + ceil(1.5) = 4 reserved: the ad never fits.
    expect(pick(mixed, 3, limits)).toEqual({
      selected: [1, 2, 3],
      cut: { 0: "diversity.news_share" },
    });
  });

  it.each([
    [{ maxTopicShare: 1.5 }, "maxTopicShare 1.5 must be in [0, 1]"],
    [
      { kindShare: { news: { min: -0.1 } } },
      "kindShare.news.min -0.1 must be in [0, 1]",
    ],
    [
      { kindShare: { news: { min: 0.6, max: 0.4 } } },
      "kindShare.news.min 0.6 must be <= max 0.4",
    ],
    [
      { kindShare: { news: { min: 0.6 }, vertical: { min: 0.6 } } },
      "kindShare minimums add up to 1.2, over 1",
    ],
    [
      {
        listCaps: Object.fromEntries(
          Array.from({ length: 32 }, (_, i) => [`class${i}`, 1]),
        ),
      },
      "capped classes 32 must be <= 31",
    ],
  ])("rejects %j", (limits, message) => {
    expect(() => listConstraint([], limits)).toThrow(message);
  });
});

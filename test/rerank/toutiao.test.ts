import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  listConstraint,
  type ConstrainedItem,
  type ListLimits,
} from "../../src/rerank/constraints.js";
import { rerank, type RerankMethod } from "../../src/rerank/rerank.js";
import { topicSimilarity } from "../../src/rerank/similarity.js";
import { sharedData } from "./fixtures.js";

/**
 * A realistic list from Toutiao headlines of May 2018, when the tenth
 * anniversary of the Wenchuan earthquake filled the feeds: the first 52
 * headlines of the file plus the 8 anniversary items the ranker scores
 * highest (a hot event). Topics are the Toutiao categories. For this test,
 * world, military and finance count as news and the rest as vertical, and
 * classes come from words in the title and keywords.
 */
const HOT_LINES = [325, 412, 442, 588, 830, 2211, 3190, 3314];
const NEWS = new Set(["news_world", "news_military", "news_finance"]);
const DISASTER = /地震|洪水|火灾|遇难|坠毁/;
const VICIOUS = /杀害|凶手|命案/;

interface Headline extends ConstrainedItem {
  readonly id: string;
  readonly category: string;
  readonly classes: string[];
}

function headline(line: string): Headline {
  const [id = "", , category = "", title = "", keywords = ""] =
    line.split("_!_");
  const text = `${title} ${keywords}`;
  const classes = [
    ...(DISASTER.test(text) ? ["disaster"] : []),
    ...(VICIOUS.test(text) ? ["vicious_case"] : []),
  ];
  const kind = NEWS.has(category) ? "news" : "vertical";
  return { id, category, topics: [category], kind, classes };
}

function loadList() {
  const file = path.join(sharedData, "toutiao/titles.txt");
  const lines = readFileSync(file, "utf8").split("\n");
  const hot = HOT_LINES.map((n) => headline(lines[n - 1] ?? ""));
  const rest = lines.slice(0, 52).map(headline);
  const items = [...hot, ...rest];
  const scores = items.map((_, i) =>
    i < hot.length ? 0.99 - 0.005 * i : 0.9 - 0.01 * (i - hot.length),
  );
  return { items, scores };
}

const LIMITS: ListLimits = {
  maxTopicShare: 0.3,
  kindShare: { news: { min: 0.2, max: 0.6 } },
  listCaps: { disaster: 2, vicious_case: 1, sensitive_event: 1 },
  windowRemaining: { disaster: 1 },
};

function screen(method: RerankMethod, limits?: ListLimits) {
  const { items, scores } = loadList();
  const similarity = topicSimilarity(items.map((item) => item.topics));
  const constraint =
    limits === undefined ? undefined : listConstraint(items, limits);
  const { selected, cut } = rerank({
    scores,
    similarity,
    k: 10,
    method,
    ...(constraint === undefined ? {} : { constraint }),
  });
  const picked = selected.map((j) => items[j] as Headline);
  return { items, picked, cut };
}

const categories = (picked: Headline[]) =>
  picked.map((h) => h.category.replace("news_", ""));

const cutBy = (items: Headline[], cut: Map<number, string>) =>
  [...cut].map(([j, id]) => `${items[j]?.category.replace("news_", "")} ${id}`);

const disasters = (picked: Headline[]) =>
  picked.filter((h) => h.classes.includes("disaster")).length;

describe("re-ranking a Toutiao list during a hot disaster anniversary", () => {
  it("piles on the disaster when the ranker's order is kept", () => {
    const { picked } = screen({ kind: "mmr", lambda: 1 });
    expect(disasters(picked)).toBe(8);
    expect(categories(picked).filter((c) => c === "military")).toHaveLength(4);
  });

  it("keeps the ranker's order but at most 2 of 10 on one topic", () => {
    const { items, picked, cut } = screen(
      { kind: "mmr", lambda: 1 },
      { maxTopicShare: 0.2 },
    );
    expect(categories(picked)).toEqual([
      "car",
      "military",
      "culture",
      "military",
      "world",
      "finance",
      "entertainment",
      "tech",
      "finance",
      "tech",
    ]);
    expect(cutBy(items, cut)).toEqual([
      "military diversity.topic_share",
      "military diversity.topic_share",
    ]);
  });

  const spread = [
    "car",
    "entertainment",
    "tech",
    "finance",
    "game",
    "world",
    "sports",
    "edu",
    "agriculture",
    "culture",
  ];

  it.each([
    ["mmr", { kind: "mmr", lambda: 0.7 }],
    ["dpp", { kind: "dpp", alpha: 3 }],
  ] as const)(
    "%s admits one disaster item and spreads over ten topics",
    (_, method) => {
      const { items, picked, cut } = screen(method, LIMITS);
      expect(categories(picked)).toEqual(spread);
      expect(disasters(picked)).toBe(1);
      expect(picked.filter((h) => h.kind === "news")).toHaveLength(2);
      expect(cutBy(items, cut)).toEqual([
        "military cap.disaster_window",
        "culture cap.disaster_window",
        "military cap.disaster_window",
        "military cap.disaster_window",
        "military cap.disaster_window",
        "world cap.disaster_window",
        "finance cap.disaster_window",
      ]);
    },
  );

  it("comes back to a topic once it leaves a window of 4", () => {
    const method = { kind: "dpp", alpha: 3, window: 4 } as const;
    const { picked } = screen(method, LIMITS);
    expect(categories(picked)).toEqual([
      ...spread.slice(0, 6),
      "entertainment",
      "tech",
      "sports",
      "edu",
    ]);
  });

  it("gives the same order on every run", () => {
    const method = { kind: "dpp", alpha: 3, window: 4 } as const;
    const first = screen(method, LIMITS).picked.map((h) => h.id);
    expect(screen(method, LIMITS).picked.map((h) => h.id)).toEqual(first);
  });
});

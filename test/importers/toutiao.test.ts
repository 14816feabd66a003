import { fromJson, toJson } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AgeBand,
  CandidateKind,
  ReviewStatus,
  ScreenRequestSchema,
  UserTier,
  type ScreenRequest,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { toJsonLine } from "../../src/importers/jsonl.js";
import { syntheticUsers } from "../../src/importers/population.js";
import { seededRandom } from "../../src/importers/random.js";
import {
  importToutiao,
  parseToutiaoLine,
  TOUTIAO_DEFAULTS,
  toutiaoKind,
  toutiaoPublishedAt,
  toutiaoRequests,
  toutiaoTopic,
  type ToutiaoImportOptions,
} from "../../src/importers/toutiao.js";
import { collect, sharedData } from "./data.js";

const files = {
  titlesPath: sharedData("toutiao/titles.txt"),
  sourcesPath: sharedData("cac/news-sources.tsv"),
};

function importAll(options: Partial<ToutiaoImportOptions> = {}) {
  return collect(importToutiao(files, options));
}

function at(requests: readonly ScreenRequest[], index: number) {
  const request = requests[index];
  if (request === undefined) throw new Error(`no request ${index}`);
  return request;
}

describe("parseToutiaoLine", () => {
  it("splits a real record into id, code, category, title, keywords", () => {
    const line =
      "6553579468705759758_!_102_!_news_entertainment_!_周杰伦与昆凌背靠背秀恩爱，女儿海瑟薇穿长裙尽显淑女范儿！_!_昆凌,海瑟薇,粉丝,周杰伦,苏梅岛";
    expect(parseToutiaoLine(line, 1)).toEqual({
      id: "6553579468705759758",
      code: "102",
      category: "news_entertainment",
      title: "周杰伦与昆凌背靠背秀恩爱，女儿海瑟薇穿长裙尽显淑女范儿！",
      keywords: ["昆凌", "海瑟薇", "粉丝", "周杰伦", "苏梅岛"],
    });
  });

  it("drops zero-width and empty keywords", () => {
    const line =
      "1_!_102_!_news_entertainment_!_t_!_媽媽,開心,Yue,\u200b\u200b\u200b,Cody,,Yue";
    expect(parseToutiaoLine(line, 1).keywords).toEqual([
      "媽媽",
      "開心",
      "Yue",
      "Cody",
    ]);
  });

  it("names the line of a record with the wrong number of fields", () => {
    expect(() => parseToutiaoLine("1_!_102_!_news_tech_!_t", 7)).toThrow(
      "titles.txt line 7: expected 5 fields joined by _!_, got 4",
    );
  });
});

describe("category mapping", () => {
  it.each([
    ["news_entertainment", "entertainment", CandidateKind.VERTICAL],
    ["news_tech", "tech", CandidateKind.VERTICAL],
    ["news_world", "world", CandidateKind.NEWS],
    ["news_military", "military", CandidateKind.NEWS],
    ["news_finance", "finance", CandidateKind.NEWS],
    ["news_story", "story", CandidateKind.NEWS],
    ["stock", "stock", CandidateKind.NEWS],
    ["news_agriculture", "agriculture", CandidateKind.VERTICAL],
  ])("maps %s to topic %s and kind %i", (category, topic, kind) => {
    expect(toutiaoTopic(category)).toBe(topic);
    expect(toutiaoKind(category)).toBe(kind);
  });
});

describe("toutiaoPublishedAt", () => {
  const notAfter = new Date("2018-05-15T01:00:00Z");

  it("reads the creation second from the upper 32 bits of the id", () => {
    const publishedAt = toutiaoPublishedAt("6553579468705759758", notAfter);
    expect(publishedAt && timestampDate(publishedAt).toISOString()).toBe(
      "2018-05-09T13:55:25.000Z",
    );
  });

  it("gives none for a legacy id that decodes before Toutiao existed", () => {
    expect(toutiaoPublishedAt("1600074856484871", notAfter)).toBeUndefined();
  });

  it("gives none for an id that decodes after the decision time", () => {
    const early = new Date("2018-05-01T00:00:00Z");
    expect(toutiaoPublishedAt("6553579468705759758", early)).toBeUndefined();
  });
});

describe("syntheticUsers", () => {
  it("meets the default shares exactly on 200 users", () => {
    const users = syntheticUsers(TOUTIAO_DEFAULTS.population, seededRandom(1));
    const count = (keep: (u: (typeof users)[number]) => boolean) =>
      users.filter(keep).length;
    expect(users.length).toBe(200);
    expect(count((u) => u.ageBand === AgeBand.MINOR)).toBe(20);
    expect(count((u) => u.tier === UserTier.MEMBER)).toBe(40);
    expect(count((u) => u.optedOut)).toBe(4);
    expect(count((u) => u.timeZone !== "Asia/Shanghai")).toBe(10);
  });
});

describe("importToutiao on the real headlines", () => {
  let requests: ScreenRequest[];
  beforeAll(async () => {
    requests = await importAll();
  });

  it("makes 500 lists of 20 from the 10,000 headlines", () => {
    expect(requests.length).toBe(500);
    expect(requests.every((r) => r.candidates.length === 20)).toBe(true);
    const ids = new Set(requests.flatMap((r) => r.candidates.map((c) => c.id)));
    expect(ids.size).toBe(10_000);
  });

  it("keeps the first headline as it is in the file", () => {
    const first = at(requests, 0).candidates[0];
    expect(first?.id).toBe("6553579468705759758");
    expect(first?.title).toBe(
      "周杰伦与昆凌背靠背秀恩爱，女儿海瑟薇穿长裙尽显淑女范儿！",
    );
    expect(first?.topics).toEqual([
      "entertainment",
      "entertainment/昆凌",
      "entertainment/海瑟薇",
      "entertainment/粉丝",
      "entertainment/周杰伦",
      "entertainment/苏梅岛",
    ]);
  });

  it("gives a keywordless headline its category topic alone", () => {
    const third = at(requests, 0).candidates[2];
    expect(third?.topics).toEqual(["finance"]);
    expect(third?.kind).toBe(CandidateKind.NEWS);
  });

  it("marks 2,145 news items, from world, military, finance, stock, story", () => {
    const kinds = requests.flatMap((r) => r.candidates.map((c) => c.kind));
    expect(kinds.filter((k) => k === CandidateKind.NEWS).length).toBe(2145);
    expect(kinds.filter((k) => k === CandidateKind.VERTICAL).length).toBe(7855);
  });

  it("leaves labels empty for the policy's topic mapping", () => {
    const labelled = requests.flatMap((r) =>
      r.candidates.filter((c) => c.labels.length > 0),
    );
    expect(labelled).toEqual([]);
  });

  it("scores candidates 1, 0.95, ... 0.05 in file order", () => {
    const scores = at(requests, 0).candidates.map((c) => c.score);
    expect(scores[0]).toBe(1);
    expect(scores[1]).toBe(0.95);
    expect(scores[19]).toBe(0.05);
  });

  it("traces every item to a CAC source name and its Toutiao id", () => {
    const first = at(requests, 0).candidates[0];
    expect(first?.source?.name).toBe("西江网");
    expect(first?.source?.itemId).toBe("6553579468705759758");
    expect(first?.review?.status).toBe(ReviewStatus.APPROVED);
    expect(first?.review?.reviewer).toMatch(/^tt-reviewer-0[1-5]$/);
  });

  it("sets one decision a minute from 2018-05-15T01:00Z", () => {
    const now = (i: number) => {
      const timestamp = at(requests, i).now;
      if (timestamp === undefined) throw new Error(`request ${i}: no now`);
      return timestampDate(timestamp);
    };
    expect(now(0).toISOString()).toBe("2018-05-15T01:00:00.000Z");
    expect(now(499).toISOString()).toBe("2018-05-15T09:19:00.000Z");
    expect(at(requests, 0).user?.id).toBe("tt-user-0108");
  });

  it("leaves publishedAt unset only on the legacy id of line 4999", () => {
    const undated = requests.flatMap((r) =>
      r.candidates.filter((c) => c.publishedAt === undefined),
    );
    expect(undated.map((c) => c.id)).toEqual(["1600074856484871"]);
  });
});

describe("toutiaoRequests", () => {
  const lines = [
    "1_!_102_!_news_entertainment_!_甲_!_",
    "",
    "2_!_113_!_news_world_!_乙_!_联合国",
    "3_!_114_!_stock_!_丙_!_",
  ];

  it("puts the rest in a shorter last list and skips blank lines", async () => {
    const requests = await collect(
      toutiaoRequests(lines, ["人民网"], { candidatesPerRequest: 2 }),
    );
    const ids = requests.map((r) => r.candidates.map((c) => c.id));
    expect(ids).toEqual([["1", "2"], ["3"]]);
    expect(requests.map((r) => r.requestId)).toEqual([
      "tt-req-00001",
      "tt-req-00002",
    ]);
  });

  it("leaves keyword paths out when asked", async () => {
    const [request] = await collect(
      toutiaoRequests(lines, ["人民网"], { keywordTopics: false }),
    );
    expect(request?.candidates.map((c) => c.topics)).toEqual([
      ["entertainment"],
      ["world"],
      ["stock"],
    ]);
  });

  it("gives the same JSONL for the same seed and another for another", async () => {
    const jsonl = async (seed: number) =>
      (await collect(toutiaoRequests(lines, ["人民网", "新华网"], { seed })))
        .map(toJsonLine)
        .join("\n");
    expect(await jsonl(1)).toBe(await jsonl(1));
    expect(await jsonl(2)).not.toBe(await jsonl(1));
  });

  it("round-trips through proto JSON", async () => {
    const request = at(await collect(toutiaoRequests(lines, ["人民网"])), 0);
    const json = toJson(ScreenRequestSchema, request);
    expect(fromJson(ScreenRequestSchema, json)).toEqual(request);
  });
});

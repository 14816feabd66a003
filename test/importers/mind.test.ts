import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CandidateKind,
  Targeting,
  type ScreenRequest,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import {
  importMindImpressions,
  importMindNewsLists,
  mindImpressionRequests,
  mindKind,
  parseMindBehaviorLine,
  parseMindNewsLine,
  parseMindTime,
  type MindImport,
  type MindNews,
} from "../../src/importers/mind.js";
import { collect, sharedData } from "./data.js";

const files = {
  newsPath: sharedData("mind/news.tsv"),
  behaviorsPath: sharedData("mind/behaviors.tsv"),
};

function iso(timestamp: Timestamp | undefined): string {
  if (timestamp === undefined) throw new Error("no timestamp");
  return timestampDate(timestamp).toISOString();
}

function first(requests: readonly ScreenRequest[]): ScreenRequest {
  const request = requests[0];
  if (request === undefined) throw new Error("no request");
  return request;
}

describe("parseMindNewsLine", () => {
  it("keeps id, category, subcategory, title and url", () => {
    const line = [
      "N34700",
      "news",
      "newspolitics",
      "New Florida Majority celebrates grand opening of Fort Lauderdale office | PHOTOS",
      "As music blasted through the Fort Lauderdale plaza",
      "https://assets.msn.com/labs/mind/AAJte4f.html",
      "[]",
      "[]",
    ].join("\t");
    expect(parseMindNewsLine(line, 1)).toEqual({
      id: "N34700",
      category: "news",
      subcategory: "newspolitics",
      title:
        "New Florida Majority celebrates grand opening of Fort Lauderdale office | PHOTOS",
      url: "https://assets.msn.com/labs/mind/AAJte4f.html",
    });
  });

  it("names the line of a short record", () => {
    expect(() => parseMindNewsLine("N1\tnews", 12)).toThrow(
      "news.tsv line 12: expected 8 tab-separated fields, got 2",
    );
  });
});

describe("parseMindTime", () => {
  it.each([
    ["11/12/2019 2:14:46 PM", "2019-11-12T14:14:46.000Z"],
    ["11/9/2019 12:56:05 AM", "2019-11-09T00:56:05.000Z"],
    ["11/14/2019 12:00:00 PM", "2019-11-14T12:00:00.000Z"],
  ])("reads %s as %s, in UTC", (text, expected) => {
    expect(parseMindTime(text, 1).toISOString()).toBe(expected);
  });

  it("names the line and value of a time it cannot read", () => {
    expect(() => parseMindTime("2019-11-12 14:14", 3)).toThrow(
      'behaviors.tsv line 3: time "2019-11-12 14:14" is not M/D/YYYY h:mm:ss AM/PM',
    );
  });
});

describe("parseMindBehaviorLine", () => {
  it("keeps the shown ids in order without their click flags", () => {
    const line = "7\tU1\t11/9/2019 6:42:51 PM\tN138 N50\tN50329-0 N59852-1";
    expect(parseMindBehaviorLine(line, 1)).toEqual({
      impressionId: "7",
      userId: "U1",
      time: new Date("2019-11-09T18:42:51Z"),
      newsIds: ["N50329", "N59852"],
    });
  });
});

describe("mindKind", () => {
  it.each([
    ["news", CandidateKind.NEWS],
    ["sports", CandidateKind.VERTICAL],
    ["lifestyle", CandidateKind.VERTICAL],
  ])("maps %s to kind %i", (category, kind) => {
    expect(mindKind(category)).toBe(kind);
  });
});

describe("importMindImpressions on the real logs", () => {
  let result: MindImport;
  beforeAll(async () => {
    result = await importMindImpressions(files);
  });

  it("keeps the 820 of 3,000 impressions with two resolvable items", () => {
    expect(result.stats).toEqual({
      impressions: 3000,
      resolvable: 820,
      skipped: 2180,
      shownItems: 114_799,
      resolvedItems: 3247,
      candidates: 2615,
    });
  });

  it("starts with the earliest impression, real user and time", () => {
    const request = first(result.requests);
    expect(request.requestId).toBe("mind-imp-145629");
    expect(request.user?.id).toBe("U53610");
    expect(request.user?.timeZone).toBe("UTC");
    expect(iso(request.now)).toBe("2019-11-09T00:56:05.000Z");
  });

  it("sorts requests by time", () => {
    const times = result.requests.map((r) => iso(r.now));
    expect(times).toEqual([...times].sort());
  });

  it("builds candidates from the resolved items in shown order", () => {
    const [bloomberg, chiefs] = first(result.requests).candidates;
    expect(bloomberg?.id).toBe("N42336");
    expect(bloomberg?.kind).toBe(CandidateKind.NEWS);
    expect(bloomberg?.topics).toEqual(["news/elections-2020-us"]);
    expect(bloomberg?.links).toEqual([
      "https://assets.msn.com/labs/mind/BBWsUas.html",
    ]);
    expect(bloomberg?.source?.url).toBe(bloomberg?.links[0]);
    expect(bloomberg?.targeting).toBe(Targeting.PROFILE);
    expect(chiefs?.topics).toEqual(["sports/football_nfl"]);
    expect([bloomberg?.score, chiefs?.score]).toEqual([1, 0.5]);
  });

  it("makes 697 news and 1,918 vertical candidates", () => {
    const kinds = result.requests.flatMap((r) =>
      r.candidates.map((c) => c.kind),
    );
    expect(kinds.filter((k) => k === CandidateKind.NEWS).length).toBe(697);
    expect(kinds.filter((k) => k === CandidateKind.VERTICAL).length).toBe(1918);
  });
});

describe("mindImpressionRequests", () => {
  const item = (id: string): MindNews => ({
    id,
    category: "sports",
    subcategory: "golf",
    title: `title ${id}`,
    url: "",
  });
  const news = new Map([item("N1"), item("N2")].map((n) => [n.id, n]));
  const impression = (id: string, newsIds: string[]) => ({
    impressionId: id,
    userId: "U1",
    time: new Date("2019-11-10T10:00:00Z"),
    newsIds,
  });

  it("skips impressions under minCandidates and counts them", () => {
    const { requests, stats } = mindImpressionRequests(news, [
      impression("1", ["N1", "N9"]),
      impression("2", ["N1", "N2", "N9"]),
    ]);
    expect(requests.map((r) => r.requestId)).toEqual(["mind-imp-2"]);
    expect(stats.skipped).toBe(1);
    expect(stats.resolvedItems).toBe(3);
  });

  it("keeps single-item impressions when minCandidates is 1", () => {
    const { requests } = mindImpressionRequests(
      news,
      [impression("1", ["N1", "N9"])],
      { minCandidates: 1 },
    );
    expect(requests.map((r) => r.candidates.length)).toEqual([1]);
  });

  it("gives an item without url no link", () => {
    const { requests } = mindImpressionRequests(news, [
      impression("1", ["N1", "N2"]),
    ]);
    expect(first(requests).candidates[0]?.links).toEqual([]);
  });
});

describe("importMindNewsLists", () => {
  it("makes 100 lists of 20 consecutive items for synthetic users", async () => {
    const requests = await collect(importMindNewsLists(files));
    expect(requests.length).toBe(100);
    expect(requests.every((r) => r.candidates.length === 20)).toBe(true);
    expect(first(requests).requestId).toBe("mind-list-00001");
    expect(first(requests).candidates[0]?.id).toBe("N34700");
    expect(first(requests).user?.id).toMatch(/^mind-user-\d{4}$/);
  });

  it("sends lists one a minute from 2019-11-15T17:00Z", async () => {
    const requests = await collect(importMindNewsLists(files));
    expect(iso(requests[0]?.now)).toBe("2019-11-15T17:00:00.000Z");
    expect(iso(requests[99]?.now)).toBe("2019-11-15T18:39:00.000Z");
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildCacSources, formatCacTsv } from "../../src/sources/cac-build.js";
import {
  CacSourceError,
  CacSourceList,
  sourceNameKey,
} from "../../src/sources/cac.js";
import { readSharedData, repoRoot } from "../text/shared-data.js";

const shippedFile = path.join(repoRoot, "policies/data/cac-news-sources.tsv");
const shipped = CacSourceList.fromTsv(
  readFileSync(shippedFile, "utf8"),
  "cac-news-sources.tsv",
);
const raw = readSharedData("cac/news-sources.tsv");

describe("the shipped CAC source list", () => {
  it("is what the build makes of the raw list", () => {
    expect(readFileSync(shippedFile, "utf8")).toBe(
      formatCacTsv(buildCacSources(raw)),
    );
  });

  it("records what the build did", () => {
    expect(buildCacSources(raw).stats).toEqual({
      inputRows: 1435,
      newlineArtefacts: 5,
      spaceArtefacts: 1,
      widthNormalised: 8,
      mergedRows: 7,
      sourcesFromMergedRows: 16,
      duplicatesRemoved: 4,
      aliasesKept: 22,
      aliasesDropped: 1,
      withDomain: 166,
      outputRows: 1440,
    });
    expect(shipped.size).toBe(1440);
  });

  it("matches every name of the raw list as extracted", () => {
    const names = raw
      .split("\n")
      .slice(1)
      .filter((line) => line !== "")
      .map((line) => line.split("\t")[3] ?? "");
    const unmatched = names.filter((n) => shipped.matchName(n) === undefined);
    expect(names).toHaveLength(1435);
    expect(unmatched).toEqual([]);
  });
});

describe("CacSourceList.matchName", () => {
  it.each([
    ["人民网", 1, "人民网"],
    [" 人民网\u3000", 1, "人民网"],
    ["ＣＧＴＮ", 72, "CGTN"],
    ["cgtn", 72, "CGTN"],
    ["21经济网", 650, "21经济网"],
    ["21 经济网", 650, "21经济网"],
    ["党建杂志", 101, "《党建》杂志"],
    ["《党建》杂志", 101, "《党建》杂志"],
    ["经济网", 80, "经济网"],
    ["中国经济周刊网", 37, "经济网(中国经济周刊网)"],
    ["荆楚网", 578, "荆楚网(湖北日报网)"],
    ["湖北日报网", 578, "荆楚网(湖北日报网)"],
    ["荆楚网（湖北日报网）", 578, "荆楚网(湖北日报网)"],
    ["中国全民阅读网", 236, "中国全民阅读网"],
    ["国防部网", 318, "国防部网"],
    ["中国军网", 5, "中国军网"],
    ["团结报", 216, "团结报"],
  ])("finds %j as row %i, %s", (name, seq, listed) => {
    const source = shipped.matchName(name);
    expect(source?.seq).toBe(seq);
    expect(source?.name).toBe(listed);
  });

  it("finds a name with a PDF line-break artefact as extracted", () => {
    const extracted =
      "中共中央党史和文献研究院网站（中\\n国共产党历史和文献网）";
    expect(shipped.matchName(extracted)?.seq).toBe(243);
  });

  it("finds a merged row as extracted, as its first site", () => {
    const merged = "国务院新闻办公室网站国家新闻出版署网站中\\n国全民阅读网";
    expect(shipped.matchName(merged)?.name).toBe("国务院新闻办公室网站");
  });

  it.each([
    ["a site variant of a listed paper", "中国基金报网"],
    ["a paper variant of a listed site", "人民铁道报网站"],
    ["a listed name with a suffix", "人民网站"],
    ["a listed name inside a longer one", "人民网评"],
    ["a qualifier in parentheses alone", "英文版"],
    ["an empty name", ""],
  ])("does not find %s", (_case, name) => {
    expect(shipped.matchName(name)).toBeUndefined();
  });
});

describe("CacSourceList.matchName as written and normalised", () => {
  const written = shipped.sources.flatMap((s) => [s.name, ...s.aliases]);

  it("finds every listed name and alias sent as written or padded", () => {
    const differing = written.filter(
      (name) => shipped.matchName(name) !== shipped.matchName(` ${name}\u3000`),
    );
    expect(differing).toEqual([]);
    expect(written.filter((n) => !shipped.matchName(n))).toEqual([]);
  });

  it("never finds a key sent as a name when it normalises to another", () => {
    const name = "e \u0301";
    const list = new CacSourceList([
      { seq: 1, name, category: "", subCategory: "", aliases: [] },
    ]);
    expect(sourceNameKey(name)).toBe("e\u0301");
    expect(sourceNameKey("e\u0301")).toBe("\u00e9");
    expect(list.matchName(name)?.seq).toBe(1);
    expect(list.matchName("e\u0301")).toBeUndefined();
  });
});

describe("CacSourceList.matchDomain", () => {
  it.each([
    ["people.com.cn", "人民网"],
    ["www.people.com.cn", "人民网"],
    ["NEWS.PEOPLE.COM.CN.", "人民网"],
    ["paper.people.com.cn", "人民日报海外版"],
    ["www.thepaper.cn", "澎湃新闻"],
    ["sichuan.scol.com.cn", "四川在线"],
    ["news.jstv.com", "荔枝网"],
  ])("finds %s as %s", (host, name) => {
    expect(shipped.matchDomain(host)?.name).toBe(name);
  });

  it.each([
    ["a listed domain as a subdomain", "people.com.cn.example.com"],
    ["a lookalike", "xpeople.com.cn"],
    ["a parent of a listed subdomain", "scol.com.cn"],
    ["not a host name", "a b"],
  ])("does not find %s", (_case, host) => {
    expect(shipped.matchDomain(host)).toBeUndefined();
  });
});

describe("CacSourceList.fromTsv", () => {
  const header = "seq\tname\tcategory\tsub_category\tdomain\taliases";

  it("reads sources with and without domain and aliases", () => {
    const list = CacSourceList.fromTsv(
      `# comment\n${header}\n1\t人民网\tc\ts\tpeople.com.cn\t\n2\t荆楚网(湖北日报网)\tc\ts\t\t荆楚网|湖北日报网\n`,
      "x.tsv",
    );
    expect(list.sources).toEqual([
      {
        seq: 1,
        name: "人民网",
        category: "c",
        subCategory: "s",
        domain: "people.com.cn",
        aliases: [],
      },
      {
        seq: 2,
        name: "荆楚网(湖北日报网)",
        category: "c",
        subCategory: "s",
        aliases: ["荆楚网", "湖北日报网"],
      },
    ]);
  });

  it.each([
    [
      "seq\tname\n",
      "x.tsv:1: header must be seq,name,category,sub_category,domain,aliases",
    ],
    [`${header}\n1\t人民网\n`, "x.tsv:2: 2 fields, want 6"],
    [`${header}\n\none\t人民网\tc\ts\t\t\n`, "x.tsv:3: seq one"],
    [`${header}\n1\t\tc\ts\t\t\n`, "x.tsv:2: empty name"],
  ])("rejects %j", (text, message) => {
    expect(() => CacSourceList.fromTsv(text, "x.tsv")).toThrow(
      new CacSourceError(message),
    );
  });
});

describe("sourceNameKey", () => {
  it("folds width, case, spaces, line-break artefacts and title marks", () => {
    expect(sourceNameKey(" 《中国\\n妇女》（英文版） ")).toBe(
      "中国妇女(英文版)",
    );
  });
});

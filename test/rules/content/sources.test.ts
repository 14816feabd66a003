import { describe, expect, it } from "vitest";
import { CandidateKind } from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { buildRule, decide, toutiao } from "./context.js";

/** 银行的利息一降再降，我们的钱该放到哪里？ (news_finance: news) */
const BANK = "6534294079335825924";

const fromSource = (
  id: string,
  source: { name?: string; url?: string; itemId?: string },
  kind = CandidateKind.NEWS,
) => toutiao(BANK, { id, kind, source });

const cac = (params: Record<string, unknown> = {}) =>
  buildRule("cac-source", params, "Art. 5(3)");

describe("cac-source names", () => {
  it.each([
    ["人民网", undefined],
    ["  人民网 ", undefined],
    ["人民\\n网", undefined],
    ["荆楚网(湖北日报网)", undefined],
    ["荆楚网（湖北日报网）", undefined],
    ["湖北日报网", undefined],
    ["《党建》杂志", undefined],
    ["公安部网站中国反邪教网", undefined],
    ["今日头条", "news source 今日头条 is not on the cac news source list"],
    ["人民日报网", "news source 人民日报网 is not on the cac news source list"],
    ["", "news names no source to check"],
  ])("%j", (name, message) => {
    const outcome = decide(cac(), [fromSource("a", { name, itemId: "x" })]);
    const removed = message ? [["a", "source.not_listed", message]] : [];
    expect(outcome.removed).toEqual(removed);
  });

  it("leaves items other than news alone", () => {
    const vertical = fromSource(
      "v",
      { name: "今日头条" },
      CandidateKind.VERTICAL,
    );
    expect(decide(cac(), [vertical]).kept).toEqual(["v"]);
  });
});

describe("cac-source domains support a name, never replace it", () => {
  const known = cac({ domains: { 新华网: ["news.cn", "xinhuanet.com"] } });

  it.each([
    ["https://www.news.cn/fortune/2018-05/14/c_1.htm", undefined],
    ["http://WWW.XINHUANET.COM.:8080/x", undefined],
    ["", undefined],
    [
      "https://news.cn.example.com/a",
      "news source 新华网 links to news.cn.example.com, which is not one of its sites",
    ],
    [
      "https://news.cn@evil.example/a",
      "news source 新华网 links to evil.example, which is not one of its sites",
    ],
    [
      "javascript:alert(1)",
      "news source 新华网 links to a source.url that is not a url, " +
        "which is not one of its sites",
    ],
  ])("新华网 at %j", (url, message) => {
    const item = fromSource("a", { name: "新华网", url, itemId: "x" });
    const outcome = decide(known, [item]);
    const removed = message ? [["a", "source.domain_mismatch", message]] : [];
    expect(outcome.removed).toEqual(removed);
  });

  it("checks no domain of a source the policy does not know", () => {
    const item = fromSource("a", { name: "人民网", url: "https://a.example" });
    expect(decide(known, [item]).kept).toEqual(["a"]);
  });

  it("uses the list's own URLs only when told, since some are wrong", () => {
    // The list gives 荔枝网 (Guangdong) the URL of Jiangsu's station.
    const lizhi = fromSource("a", {
      name: "荔枝网",
      url: "https://news.gdtv.cn/a",
    });
    expect(decide(cac(), [lizhi]).kept).toEqual(["a"]);
    expect(decide(cac({ useListDomains: true }), [lizhi]).removed).toEqual([
      [
        "a",
        "source.domain_mismatch",
        "news source 荔枝网 links to news.gdtv.cn, which is not one of its sites",
      ],
    ]);
  });

  it("names the listed source whose site an unlisted name links to", () => {
    const item = fromSource("a", {
      name: "人民日报网",
      url: "http://finance.people.com.cn/n1",
    });
    expect(decide(cac(), [item]).removed).toEqual([
      [
        "a",
        "source.not_listed",
        "news source 人民日报网 is not on the cac news source list " +
          "(its url host finance.people.com.cn is a site of 人民网)",
      ],
    ]);
  });

  it("refuses a policy domain that is not a domain", () => {
    expect(() => cac({ domains: { 新华网: ["news.cn", "http://"] } })).toThrow(
      "domains: 新华网: not a domain: http://",
    );
  });

  it("refuses policy domains for a name not on the list", () => {
    expect(() => cac({ domains: { 今日头条: ["toutiao.com"] } })).toThrow(
      "domains: 今日头条 is not on the cac news source list",
    );
  });
});

describe("source-traceable", () => {
  const rule = buildRule("source-traceable", {}, "Art. 5(3)");

  it.each([
    [{ name: "新华网", url: "https://www.news.cn/a" }, undefined],
    [{ name: "新华网", itemId: "xh-1" }, undefined],
    [
      { name: "新华网", url: " ", itemId: "" },
      "news source 新华网 has neither source.url nor source.itemId",
    ],
    [
      { url: "https://www.news.cn/a" },
      "news has no source name (source.name is empty)",
    ],
  ])("%j", (source, message) => {
    const outcome = decide(rule, [fromSource("a", source)]);
    const removed = message ? [["a", "source.untraceable", message]] : [];
    expect(outcome.removed).toEqual(removed);
  });

  it("does not ask vertical content for a source", () => {
    const item = fromSource("v", {}, CandidateKind.VERTICAL);
    expect(decide(rule, [item]).kept).toEqual(["v"]);
  });
});

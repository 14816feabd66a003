import { describe, expect, it } from "vitest";
import { CandidateKind } from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { RULE_TYPES } from "../../../src/rules/index.js";
import { candidate } from "../../helpers/requests.js";
import { buildRule, decide, decisionContext } from "./context.js";

const links = (params: Record<string, unknown> = {}) =>
  buildRule("link-check", params, "Art. 5(9)");

describe("link-check", () => {
  it.each([
    [
      "https://t.cn/A6abcd",
      "link.shortener",
      "link host t.cn is a url shortener (t.cn)",
    ],
    [
      "t.cn/A6abcd",
      "link.shortener",
      "link host t.cn is a url shortener (t.cn)",
    ],
    [
      "//URL.CN/x",
      "link.shortener",
      "link host url.cn is a url shortener (url.cn)",
    ],
    [
      "https://www.t.cn:443/x",
      "link.shortener",
      "link host www.t.cn is a url shortener (t.cn)",
    ],
    [
      "http://1.17qin.com/a",
      "link.bad_domain",
      "link host 1.17qin.com is on the bad domain list (1.17qin.com)",
    ],
    [
      "javascript:alert(1)",
      "link.scheme",
      "link scheme javascript: is not http or https",
    ],
    ["http://", "link.unparseable", "link is not a url"],
    ["https://t.cnr.cn/news/1", undefined, undefined],
    ["https://bit.ly.example.org/x", undefined, undefined],
    ["https://abit.ly/x", undefined, undefined],
  ])("%j", (link, code, message) => {
    const outcome = decide(links(), [candidate("a", { links: [link] })]);
    const removed = code ? [["a", code, `links[0]: ${message}`]] : [];
    expect(outcome.removed).toEqual(removed);
  });

  it("names the QR target and gives it qr codes", () => {
    const item = candidate("a", { qrTarget: "http://1.17qin.com/pay" });
    expect(decide(links(), [item]).removed).toEqual([
      [
        "a",
        "qr.bad_domain",
        "qrTarget: link host 1.17qin.com is on the bad domain list (1.17qin.com)",
      ],
    ]);
  });

  it("skips blank links and a missing QR target", () => {
    const item = candidate("a", { links: ["", " "], qrTarget: "" });
    expect(decide(links(), [item]).kept).toEqual(["a"]);
  });

  it("holds links to the approved domains when the policy lists them", () => {
    const approved = links({ approved: ["people.com.cn", "news.cn"] });
    const list = [
      candidate("own", { links: ["https://finance.people.com.cn/n1"] }),
      candidate("other", {
        links: ["https://www.news.cn/a", "https://a.example/b"],
      }),
      candidate("short", { qrTarget: "https://t.cn/x" }),
    ];
    expect(decide(approved, list)).toEqual({
      kept: ["own"],
      removed: [
        [
          "other",
          "link.unapproved_domain",
          "links[1]: link host a.example is not on the approved domain list",
        ],
        [
          "short",
          "qr.shortener",
          "qrTarget: link host t.cn is a url shortener (t.cn)",
        ],
      ],
    });
  });

  it("refuses an approved entry that is not a domain", () => {
    expect(() => links({ approved: ["news.cn", "http://"] })).toThrow(
      "approved: not a domain: http://",
    );
  });

  it("refuses a list file that cannot be read, naming it", () => {
    expect(() => links({ shorteners: "data/links/nope.txt" })).toThrow(
      /^cannot read .*policies\/data\/links\/nope\.txt \(ENOENT\)$/u,
    );
  });
});

const ads = (params: Record<string, unknown> = {}) =>
  buildRule("ad-marking", params, "Art. 5(8)");
const ad = (id: string, label: string, oneClickClose = true) =>
  candidate(id, {
    kind: CandidateKind.AD,
    title: "睿骋CC全系热销中",
    ad: { label, oneClickClose },
  });

describe("ad-marking", () => {
  it("needs a label and a one-click close on ads only", () => {
    const list = [
      ad("blank", " "),
      ad("sticky", "广告", false),
      ad("ok", "广告"),
      candidate("promo", { kind: CandidateKind.PROMOTION }),
    ];
    expect(decide(ads(), list)).toEqual({
      kept: ["ok", "promo"],
      removed: [
        ["blank", "ad.unlabelled", "ad has no ad label"],
        [
          "sticky",
          "ad.no_one_click_close",
          "ad does not close with one click (ad.oneClickClose is false)",
        ],
      ],
    });
  });

  it("with labelWords, needs a label that says it is an ad", () => {
    const rule = ads({ labelWords: ["广告", "ad"] });
    const list = [
      ad("zh", "品牌广告"),
      ad("en", "Ad"),
      ad("read", "Read more"),
    ];
    expect(decide(rule, list)).toEqual({
      kept: ["zh", "en"],
      removed: [
        [
          "read",
          "ad.unlabelled",
          "ad label Read more does not say it is an ad (one of 广告, ad)",
        ],
      ],
    });
  });

  it("rejects an empty labelWords list", () => {
    const parsed = RULE_TYPES.get("ad-marking")?.params.safeParse({
      labelWords: [],
    });
    expect(parsed?.error?.issues[0]?.path).toEqual(["labelWords"]);
  });
});

describe("license-required", () => {
  const rule = buildRule("license-required", {}, "Art. 5(2)");
  const withProvider = (provider: Record<string, unknown>) =>
    decisionContext({
      request: {
        provider: { id: "p-1", displayName: "今日快讯", ...provider },
      },
    });
  const news = candidate("news", { kind: CandidateKind.NEWS });
  const video = candidate("video", { licensedService: "video" });

  it("counts a blank news license as none", () => {
    const ctx = withProvider({ newsLicense: "  " });
    expect(decide(rule, [news, video], ctx).removed).toEqual([
      [
        "news",
        "license.news_missing",
        "news needs a news license; provider.newsLicense is empty",
      ],
      [
        "video",
        "license.service_missing",
        "item is a video service; provider.licenses has no video license",
      ],
    ]);
  });

  it("admits both with the licenses on record", () => {
    const ctx = withProvider({
      newsLicense: "10120170001",
      licenses: { video: "AVSP-001" },
    });
    expect(decide(rule, [news, video], ctx).kept).toEqual(["news", "video"]);
  });
});

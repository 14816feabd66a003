import { describe, expect, it } from "vitest";
import {
  CandidateKind,
  ReviewStatus,
} from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate } from "../../helpers/requests.js";
import {
  mind,
  mindTitle,
  pushed,
  screenOne,
  toutiao,
  toutiaoTitle,
  type ContextInit,
  type Outcome,
} from "./context.js";

/*
 * Every per-item row of Art. 5 through policies/default.yaml as Screen runs
 * it (labels derived, every rule in order), on real headlines from
 * ../shared/data: what must be dropped is dropped citing its rule, code,
 * article and message, and the near miss beside it is admitted.
 */

type Row = [
  name: string,
  item: () => ReturnType<typeof candidate>,
  expected: Outcome,
  ctx?: ContextInit,
];

const drop = (
  ruleId: string,
  article: string,
  code: string,
  message: string,
): Outcome => ({ ruleId, code, article, message });

const blocked = (label: string, origin: string) =>
  drop(
    "blocked-labels",
    "Art. 5(1)",
    `label.${label}`,
    `item is labelled ${label} (${origin})`,
  );

const ART_5_1: Row[] = [
  [
    "a game story about a cheating wife is gossip by its title",
    () => toutiao("6553530455583359502"),
    blocked("gossip", "title word 出轨"),
  ],
  [
    "小三峡, a scenic area, is not 小三 (near miss)",
    () => toutiao("6553115232011550980"),
    "admitted",
  ],
  [
    "a family affair in college football is not gossip (near miss)",
    () => mind("N12512", { topics: ["sports/football_ncaa"] }),
    "admitted",
  ],
  [
    "a leaked bed photo is a privacy scandal",
    () => toutiao("6553540305226826243", { topics: ["culture"] }),
    blocked("privacy_scandal", "title word 床照"),
  ],
  [
    "calling a star's family 土豪 flaunts wealth",
    () => toutiao("6539744094950785543", { topics: ["culture"] }),
    blocked("wealth_flaunting", "title word 土豪"),
  ],
  [
    "playing ugly for laughs hypes ugliness",
    () => toutiao("6553488901938348548", { topics: ["culture"] }),
    blocked("ugliness_hype", "title word 扮丑"),
  ],
  [
    "full-width FUCK in a sports headline is vulgar",
    () => toutiao("6553107337584837127"),
    blocked("vulgar", "title word fuck*"),
  ],
  [
    "a bland push title over a gossip source title is gossip",
    () =>
      toutiao("6553530455583359502", {
        title: "LOL著名选手“笑笑”现已离婚",
        sourceTitle: toutiaoTitle("6553530455583359502"),
      }),
    blocked("gossip", "source title word 出轨"),
  ],
  [
    "an old story on a topic pushed yesterday is old news on a hot topic",
    () => toutiao("6528544602654245384"),
    drop(
      "stale-burst",
      "Art. 5(1)",
      "news.stale_burst",
      "item published 72 days ago is old news on topic tech/马云, " +
        "pushed to the user in the last 72 hours (allowance 1)",
    ),
    { deliveries: [pushed(["tech", "tech/马云"], 20)] },
  ],
  [
    "a fresh story on that hot topic passes (near miss)",
    () => toutiao("6554298365687890439"),
    "admitted",
    { deliveries: [pushed(["tech", "tech/马云"], 20)] },
  ],
  [
    "an old story on a topic not pushed lately passes (near miss)",
    () => toutiao("6528544602654245384"),
    "admitted",
    { deliveries: [pushed(["tech", "tech/微信"], 20)] },
  ],
];

const ART_5_2: Row[] = [
  [
    "news from a provider without a news license is dropped",
    () => toutiao("6534294079335825924"),
    drop(
      "news-license",
      "Art. 5(2)",
      "license.news_missing",
      "news needs a news license; provider.newsLicense is empty",
    ),
    { request: { provider: { id: "p-1", displayName: "今日快讯" } } },
  ],
  [
    "vertical content needs no news license (near miss)",
    () => toutiao("6553115232011550980"),
    "admitted",
    { request: { provider: { id: "p-1", displayName: "今日快讯" } } },
  ],
  [
    "a video item without a video license on record is dropped",
    () => toutiao("6553115232011550980", { licensedService: "video" }),
    drop(
      "news-license",
      "Art. 5(2)",
      "license.service_missing",
      "item is a video service; provider.licenses has no video license",
    ),
  ],
  [
    "a video item with the license on record passes (near miss)",
    () => toutiao("6553115232011550980", { licensedService: "video" }),
    "admitted",
    {
      request: {
        provider: {
          id: "p-1",
          displayName: "今日快讯",
          newsLicense: "10120170001",
          licenses: { video: "AVSP-001" },
        },
      },
    },
  ],
];

const cacDrop = (code: string, message: string) =>
  drop("cac-source", "Art. 5(3)", code, message);
const titleDrop = (code: string, message: string) =>
  drop("faithful-title", "Art. 5(3)", code, message);
const BANK = "6534294079335825924";

const ART_5_3: Row[] = [
  [
    "news from 今日头条, an aggregator, is not from a CAC source",
    () => toutiao(BANK, { source: { name: "今日头条", itemId: "a1" } }),
    cacDrop(
      "source.not_listed",
      "news source 今日头条 is not on the cac news source list",
    ),
  ],
  [
    "an alias of a listed source matches (near miss)",
    () => toutiao(BANK, { source: { name: "湖北日报网", itemId: "a1" } }),
    "admitted",
  ],
  [
    "a listed name written with full-width spaces matches (near miss)",
    () => toutiao(BANK, { source: { name: "人民\u3000网", itemId: "a1" } }),
    "admitted",
  ],
  [
    "an unlisted name on a listed site is still not listed, named",
    () =>
      toutiao(BANK, {
        source: { name: "人民日报网", url: "http://finance.people.com.cn/n1" },
      }),
    cacDrop(
      "source.not_listed",
      "news source 人民日报网 is not on the cac news source list " +
        "(its url host finance.people.com.cn is a site of 人民网)",
    ),
  ],
  [
    "a listed name linking to another host is a borrowed name",
    () =>
      toutiao(BANK, {
        source: { name: "新华网", url: "https://xinhua-news.example.com/a" },
      }),
    cacDrop(
      "source.domain_mismatch",
      "news source 新华网 links to xinhua-news.example.com, " +
        "which is not one of its sites",
    ),
  ],
  [
    "a listed name linking to its own site passes (near miss)",
    () =>
      toutiao(BANK, {
        source: { name: "新华网", url: "http://www.XINHUANET.com./fortune/" },
      }),
    "admitted",
  ],
  [
    "news with a source name but no link or item id is untraceable",
    () => toutiao(BANK, { source: { name: "新华网" } }),
    drop(
      "source-traceable",
      "Art. 5(3)",
      "source.untraceable",
      "news source 新华网 has neither source.url nor source.itemId",
    ),
  ],
  [
    "news with no source at all is untraceable",
    () => toutiao(BANK, { source: { itemId: "a1" } }),
    drop(
      "source-traceable",
      "Art. 5(3)",
      "source.untraceable",
      "news has no source name (source.name is empty)",
    ),
  ],
  [
    "震惊 put before a faithful title is a sensational addition",
    () =>
      toutiao(BANK, {
        title: `震惊！${toutiaoTitle(BANK)}`,
        sourceTitle: toutiaoTitle(BANK),
      }),
    titleDrop(
      "title.sensational",
      "title adds sensational 震惊 to its source title",
    ),
  ],
  [
    "a pushed title from another story distorts its source",
    () =>
      toutiao(BANK, {
        title: toutiaoTitle("6553075542164242952"),
        sourceTitle: toutiaoTitle(BANK),
      }),
    titleDrop(
      "title.distorted",
      "only 0.00 of the title is found in its source title (minimum 0.6)",
    ),
  ],
  [
    "a title that keeps the source's words but adds a claim distorts it",
    () =>
      toutiao(BANK, {
        title: "银行利息一降再降，储户存款将被没收",
        sourceTitle: toutiaoTitle(BANK),
      }),
    titleDrop(
      "title.distorted",
      "only 0.43 of the title is found in its source title (minimum 0.6)",
    ),
  ],
  [
    "a faithful shortened title passes (near miss)",
    () =>
      toutiao(BANK, {
        title: "银行利息一降再降，钱该放到哪里？",
        sourceTitle: toutiaoTitle(BANK),
      }),
    "admitted",
  ],
  [
    "English: MUST SEE put before a real headline is sensational",
    () =>
      mind("N25815", {
        kind: CandidateKind.NEWS,
        title: `MUST SEE: ${mindTitle("N25815")}`,
        sourceTitle: mindTitle("N25815"),
      }),
    titleDrop(
      "title.sensational",
      "title adds sensational must see to its source title",
    ),
  ],
  [
    "English: shocked in the source title is no addition (near miss)",
    () =>
      mind("N25815", {
        kind: CandidateKind.NEWS,
        title: "Boy Scouts 'shocked' over Long Island abuse allegations",
        sourceTitle: mindTitle("N25815"),
      }),
    "admitted",
  ],
];

const ART_5_5_AND_6: Row[] = [
  [
    "an item waiting for review is dropped",
    () => toutiao(BANK, { review: { status: ReviewStatus.PENDING } }),
    drop(
      "content-review",
      "Art. 5(5)",
      "review.pending",
      "review status is pending, must be approved",
    ),
  ],
  [
    "approved with a blank reviewer is not on record",
    () =>
      toutiao(BANK, {
        review: { status: ReviewStatus.APPROVED, reviewer: "  " },
      }),
    drop(
      "content-review",
      "Art. 5(5)",
      "review.no_reviewer",
      "approved without a recorded reviewer",
    ),
  ],
  [
    "approved by a recorded reviewer passes (near miss)",
    () => toutiao(BANK),
    "admitted",
  ],
  [
    "nothing is pushed when the provider has no display name",
    () => toutiao(BANK),
    drop(
      "provider-identity",
      "Art. 5(6)",
      "provider.unidentified",
      "provider.displayName is empty; the push cannot show its provider",
    ),
    { request: { provider: { id: "p-1", newsLicense: "10120170001" } } },
  ],
  [
    "an opted-out user gets no news",
    () => toutiao(BANK),
    drop(
      "opt-out",
      "Art. 5(6)",
      "user.opted_out",
      "user opted out of pushes; only service messages pass",
    ),
    { request: { user: { id: "u-1", optedOut: true } } },
  ],
  [
    "an opted-out user still gets a service message (near miss)",
    () =>
      candidate("svc", { kind: CandidateKind.SERVICE, title: "订单已发货" }),
    "admitted",
    { request: { user: { id: "u-1", optedOut: true } } },
  ],
];

const bait = (code: string, message: string) =>
  drop("engagement-bait", "Art. 5(7)", code, message);

const ART_5_7: Row[] = [
  [
    "a limited-time skin sale is countdown bait",
    () => toutiao("6553162691882517006"),
    bait("bait.streak", "title holds 限时 from the streak bait list"),
  ],
  [
    "a car dealer's limited-time discount is countdown bait",
    () => toutiao("6553537248313213448"),
    bait("bait.streak", "title holds 限时 from the streak bait list"),
  ],
  [
    "worth paying for (氪金) is a consumption prompt",
    () => toutiao("6553535352873681421"),
    bait("bait.consumption", "title holds 氪金 from the consumption bait list"),
  ],
  [
    "English: don't miss is fear-of-missing-out bait",
    () => mind("N36446", { topics: ["weather/weathertopstories"] }),
    bait("bait.streak", "title holds don't miss from the streak bait list"),
  ],
  [
    "the national exam countdown is news, not bait (near miss)",
    () => toutiao("6553189648015819268"),
    "admitted",
  ],
  [
    "an exam entering its countdown is not bait (near miss)",
    () => toutiao("6554419831582490883"),
    "admitted",
  ],
  [
    "a service message that something expires is not bait (near miss)",
    () =>
      candidate("svc", {
        kind: CandidateKind.SERVICE,
        title: "您的登录密码即将过期，请及时修改",
      }),
    "admitted",
  ],
  [
    "English: a golfer's 26-year streak is not bait (near miss)",
    () => mind("N63644", { topics: ["sports/golf"] }),
    "admitted",
  ],
];

const ad = (init: { label?: string; oneClickClose?: boolean }) =>
  toutiao("6553537248313213448", {
    kind: CandidateKind.AD,
    title: "睿骋CC全系热销中",
    ad: init,
  });
const adDrop = (code: string, message: string) =>
  drop("ad-marking", "Art. 5(8)", code, message);

const ART_5_8: Row[] = [
  [
    "an ad without an ad label is dropped",
    () => ad({ oneClickClose: true }),
    adDrop("ad.unlabelled", "ad has no ad label"),
  ],
  [
    "an ad labelled only 特惠 does not say it is an ad",
    () => ad({ label: "特惠", oneClickClose: true }),
    adDrop(
      "ad.unlabelled",
      "ad label 特惠 does not say it is an ad (one of 广告, ad, advertisement)",
    ),
  ],
  [
    "an ad without a one-click close is dropped",
    () => ad({ label: "广告" }),
    adDrop(
      "ad.no_one_click_close",
      "ad does not close with one click (ad.oneClickClose is false)",
    ),
  ],
  [
    "an ad labelled 广告 with a one-click close passes (near miss)",
    () => ad({ label: "广告", oneClickClose: true }),
    "admitted",
  ],
  [
    "an ad labelled AD in full width passes (near miss)",
    () => ad({ label: "ＡＤ", oneClickClose: true }),
    "admitted",
  ],
];

const linkDrop = (code: string, message: string) =>
  drop("link-check", "Art. 5(9)", code, message);
const withLinks = (links: string[], qrTarget = "") =>
  toutiao("6553115232011550980", { links, qrTarget });

const ART_5_9: Row[] = [
  [
    "a t.cn short link is dropped",
    () => withLinks(["https://t.cn/A6abcd"]),
    linkDrop(
      "link.shortener",
      "links[0]: link host t.cn is a url shortener (t.cn)",
    ),
  ],
  [
    "a shortener hidden behind userinfo and case is still a shortener",
    () => withLinks(["https://www.cnr.cn", "HTTP://news.cn@T.CN./x"]),
    linkDrop(
      "link.shortener",
      "links[1]: link host t.cn is a url shortener (t.cn)",
    ),
  ],
  [
    "a link to a known bad domain is dropped",
    () => withLinks(["http://1.17qin.com/a"]),
    linkDrop(
      "link.bad_domain",
      "links[0]: link host 1.17qin.com is on the bad domain list (1.17qin.com)",
    ),
  ],
  [
    "a QR code to a shortener is dropped with a qr code",
    () => withLinks([], "bit.ly/3xYz"),
    linkDrop(
      "qr.shortener",
      "qrTarget: link host bit.ly is a url shortener (bit.ly)",
    ),
  ],
  [
    "t.cnr.cn looks like t.cn but is not under it (near miss)",
    () => withLinks(["https://t.cnr.cn/news/1"], "https://news.cnr.cn/qr"),
    "admitted",
  ],
];

describe.each([
  ["Art. 5(1)", ART_5_1],
  ["Art. 5(2)", ART_5_2],
  ["Art. 5(3)", ART_5_3],
  ["Art. 5(5) and 5(6)", ART_5_5_AND_6],
  ["Art. 5(7)", ART_5_7],
  ["Art. 5(8)", ART_5_8],
  ["Art. 5(9)", ART_5_9],
])("the default policy on %s", (_article, rows) => {
  it.each(rows)("%s", async (_name, item, expected, ctx) => {
    expect(await screenOne(item(), ctx)).toEqual(expected);
  });
});

import { describe, expect, it } from "vitest";
import { CandidateKind } from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { RULE_TYPES } from "../../../src/rules/index.js";
import { candidate } from "../../helpers/requests.js";
import { buildRule, decide, mind, toutiao, toutiaoTitle } from "./context.js";

/** 马云“再次确认”, 支付宝每人赠送109元现金，谁都有份 */
const ALIPAY = "6553568144768631310";

const faithful = (params: Record<string, unknown> = {}) =>
  buildRule("title-faithful", params, "Art. 5(3)");

/** A news item pushed under `title` from the real headline as source. */
const pushedAs = (title: string, kind = CandidateKind.NEWS) =>
  toutiao(ALIPAY, {
    id: title,
    kind,
    title,
    sourceTitle: toutiaoTitle(ALIPAY),
  });

describe("title-faithful on a real headline", () => {
  it.each([
    ["马云：支付宝每人赠送109元现金", undefined],
    ["马云确认支付宝每人赠送109元现金", undefined],
    [
      "马云否认支付宝赠送现金",
      [
        "title.distorted",
        "only 0.50 of the title is found in its source title (minimum 0.6)",
      ],
    ],
    [
      "支付宝",
      [
        "title.distorted",
        "title is 0.21 similar to its source title (minimum 0.3)",
      ],
    ],
    [
      "速看！马云“再次确认”, 支付宝每人赠送109元现金，谁都有份",
      ["title.sensational", "title adds sensational 速看 to its source title"],
    ],
  ])("%s", (title, removal) => {
    const outcome = decide(faithful(), [pushedAs(title)]);
    expect(outcome.removed).toEqual(removal ? [[title, ...removal]] : []);
  });

  it("passes a title identical to its source", () => {
    const item = toutiao(ALIPAY, {
      kind: CandidateKind.NEWS,
      sourceTitle: toutiaoTitle(ALIPAY),
    });
    expect(decide(faithful(), [item]).kept).toEqual([ALIPAY]);
  });

  it("follows the policy's thresholds", () => {
    const strict = faithful({ minCoverage: 0.95 });
    expect(
      decide(strict, [pushedAs("马云确认支付宝每人赠送109元现金")]),
    ).toEqual({
      kept: [],
      removed: [
        [
          "马云确认支付宝每人赠送109元现金",
          "title.distorted",
          "only 0.86 of the title is found in its source title " +
            "(minimum 0.95)",
        ],
      ],
    });
  });

  it("judges only the kinds it is given", () => {
    const vertical = pushedAs("马云否认支付宝赠送现金", CandidateKind.VERTICAL);
    expect(decide(faithful(), [vertical]).kept).toHaveLength(1);
    const all = faithful({ kinds: ["news", "vertical"] });
    expect(decide(all, [vertical]).kept).toEqual([]);
  });

  it("passes items without a source title unless told to require one", () => {
    const bare = toutiao(ALIPAY, { kind: CandidateKind.NEWS });
    expect(decide(faithful(), [bare]).kept).toEqual([ALIPAY]);
    expect(
      decide(faithful({ requireSourceTitle: true }), [bare]).removed,
    ).toEqual([
      [
        ALIPAY,
        "title.no_source_title",
        "item has no source title to compare its title with",
      ],
    ]);
  });

  it.each([
    [{ minCoverage: 1.2 }, "minCoverage"],
    [{ minSimilarity: -0.1 }, "minSimilarity"],
    [{ sensational: "" }, "sensational"],
    [{ kinds: [] }, "kinds"],
  ])("rejects %j", (given, at) => {
    const parsed = RULE_TYPES.get("title-faithful")?.params.safeParse(given);
    expect(parsed?.error?.issues[0]?.path.join(".")).toBe(at);
  });
});

const bait = (params: Record<string, unknown> = {}) =>
  buildRule(
    "title-bait",
    {
      lists: {
        streak: "data/wordlists/streak_fomo_bait.txt",
        consumption: "data/wordlists/consumption_prompt.txt",
      },
      ...params,
    },
    "Art. 5(7)",
  );

describe("title-bait", () => {
  it.each([
    ["6553162691882517006", "bait.streak", "限时", "streak"],
    ["6553537248313213448", "bait.streak", "限时", "streak"],
    ["6553535352873681421", "bait.consumption", "氪金", "consumption"],
    ["6554516059821441549", "bait.streak", "别错过", "streak"],
  ])("drops Toutiao %s as %s (%s)", (id, code, term, list) => {
    expect(decide(bait(), [toutiao(id)]).removed).toEqual([
      [id, code, `title holds ${term} from the ${list} bait list`],
    ]);
  });

  it("reads English titles after case folding", () => {
    expect(decide(bait(), [mind("N36446")]).removed).toEqual([
      [
        "N36446",
        "bait.streak",
        "title holds don't miss from the streak bait list",
      ],
    ]);
  });

  it("masks the policy's exceptions, and only them", () => {
    const exam = "6553189648015819268";
    const rule = bait({ except: ["高考倒计时"] });
    expect(decide(bait(), [toutiao(exam)]).kept).toEqual([]);
    expect(decide(rule, [toutiao(exam)]).kept).toEqual([exam]);
    const both = toutiao(exam, {
      title: `${toutiaoTitle(exam)}，报名倒计时最后一天`,
    });
    expect(decide(rule, [both]).removed).toEqual([
      [exam, "bait.streak", "title holds 倒计时 from the streak bait list"],
    ]);
  });

  it("leaves kinds it is not given alone", () => {
    const service = candidate("s", {
      kind: CandidateKind.SERVICE,
      title: "您的优惠券即将过期",
    });
    expect(decide(bait(), [service]).kept).toEqual([]);
    const notService = bait({ kinds: ["news", "vertical", "ad", "promotion"] });
    expect(decide(notService, [service]).kept).toEqual(["s"]);
  });

  it.each([
    [{ lists: {} }, "lists"],
    [{ lists: { "Bad-Name": "x.txt" } }, "lists.Bad-Name"],
    [{ lists: { streak: "x.txt" }, except: [""] }, "except.0"],
  ])("rejects %j", (given, at) => {
    const parsed = RULE_TYPES.get("title-bait")?.params.safeParse(given);
    expect(parsed?.error?.issues[0]?.path.join(".")).toBe(at);
  });
});

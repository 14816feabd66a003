import { describe, expect, it } from "vitest";
import { compileTitleWords } from "../../src/labels/title-words.js";
import { normalizeText } from "../../src/text/normalize.js";

const words = compileTitleWords(
  new Map([
    ["gossip", ["小三", "出轨"]],
    ["streak", ["倒计时"]],
  ]),
  ["小三峡", "高考倒计时"],
);

const hitsIn = (title: string) => words.firstHits(normalizeText(title));

describe("compileTitleWords", () => {
  it("gives each list's first term in scan order", () => {
    expect(hitsIn("倒计时三天，某星出轨小三")).toEqual([
      { list: "streak", term: "倒计时" },
      { list: "gossip", term: "出轨" },
    ]);
  });

  it("masks exception phrases and never reports them", () => {
    expect(hitsIn("小三峡游记：高考倒计时")).toEqual([]);
    expect(hitsIn("小三峡导游竟是小三")).toEqual([
      { list: "gossip", term: "小三" },
    ]);
  });

  it("gives every title without a hit the same empty array", () => {
    const none = hitsIn("国足公布新一期集训名单");
    expect(none).toEqual([]);
    expect(hitsIn("工信部：中小企业信息化成效显著")).toBe(none);
  });
});

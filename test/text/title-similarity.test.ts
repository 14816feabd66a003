import { describe, expect, it } from "vitest";
import {
  titleCoverage,
  titleDistortion,
  titleSimilarity,
} from "../../src/text/title-similarity.js";
import { compileWordList } from "../../src/text/wordlist.js";
import { mindTitles, toutiaoTitles } from "./shared-data.js";

const jay = "周杰伦与昆凌背靠背秀恩爱，女儿海瑟薇穿长裙尽显淑女范儿！";
const rains = "Heavy rains flood areas of Japan recovering from typhoons";
const sensational = compileWordList([
  "震惊",
  "速看",
  "紧急扩散",
  "shocking",
  "you won't believe",
]);

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

describe("titleSimilarity", () => {
  it.each([
    ["the same Chinese title", jay, jay, 1],
    ["the same English title", rains, rains, 1],
    [
      "a width, case and punctuation change",
      "为什么现在没有人玩CS了？",
      "为什么现在没有人玩ｃｓ了",
      1,
    ],
    ["a sensational prefix", jay, `震惊！${jay}`, 0.98],
    ["an English sensational prefix", rains, `SHOCKING: ${rains}`, 0.938],
    [
      "one character dropped",
      "为什么现在没有人玩CS了？",
      "为什么现在没人玩CS了",
      0.854,
    ],
    ["a changed story", jay, "周杰伦与昆凌离婚，女儿海瑟薇归谁？", 0.486],
    ["a shortening", jay, "周杰伦昆凌秀恩爱", 0.323],
    ["an English rewrite", rains, "Japan flooded again", 0.276],
    [
      "unrelated Chinese titles",
      jay,
      "首个糖尿病人工智能医生来了！在哪里可以找他看病？",
      0,
    ],
    [
      "unrelated English titles",
      rains,
      "Silver Spring Man Nabs Title At Soggy Marine Corps Marathon",
      0.161,
    ],
    [
      "Chinese against its English translation",
      "日本暴雨",
      "Heavy rains in Japan",
      0,
    ],
    ["the same punctuation only", "!!!", "！！！", 1],
    ["different punctuation only", "!!!", "???", 0],
  ])("scores %s", (_case, a, b, expected) => {
    expect(round(titleSimilarity(a, b))).toBe(expected);
  });

  it("is symmetric", () => {
    const a = "汶川地震十年了，回顾那些定格的瞬间";
    const b = "汶川地震十周年，我们依然难掩伤痛";
    expect(titleSimilarity(a, b)).toBe(titleSimilarity(b, a));
  });

  it("scores unrelated real headlines low", () => {
    const titles = [
      ...toutiaoTitles().slice(0, 200),
      ...mindTitles().slice(0, 200),
    ];
    let highest = 0;
    for (let i = 0; i + 1 < titles.length; i += 2) {
      const score = titleSimilarity(titles[i] ?? "", titles[i + 1] ?? "");
      highest = Math.max(highest, score);
    }
    expect(round(highest)).toBe(0.283);
  });
});

describe("titleCoverage", () => {
  it.each([
    ["a shortening", "周杰伦昆凌秀恩爱", jay, 0.714],
    ["a changed story", "周杰伦与昆凌离婚，女儿海瑟薇归谁？", jay, 0.692],
    ["an English shortening", "Heavy rains flood Japan", rains, 1],
    ["the full title", jay, jay, 1],
    ["an unrelated title", "首个糖尿病人工智能医生来了", jay, 0],
  ])("scores %s", (_case, pushed, source, expected) => {
    expect(round(titleCoverage(pushed, source))).toBe(expected);
  });
});

describe("titleDistortion", () => {
  it("reports a sensational term the pushed title adds", () => {
    const result = titleDistortion(`震惊！${jay}`, jay, sensational);
    expect(result.addedSensational).toEqual(["震惊"]);
    expect(round(result.similarity)).toBe(0.98);
  });

  it("does not report a sensational term the source already has", () => {
    const source = "赛门铁克接受审计调查震惊华尔街 公司股价暴跌33.1%";
    const pushed = "赛门铁克接受审计调查震惊华尔街";
    expect(titleDistortion(pushed, source, sensational)).toEqual({
      similarity: titleSimilarity(pushed, source),
      coverage: 1,
      addedSensational: [],
    });
  });

  it("reports English additions across quote styles", () => {
    const pushed = `You Won’t Believe It: ${rains}`;
    const result = titleDistortion(pushed, rains, sensational);
    expect(result.addedSensational).toEqual(["you won't believe"]);
  });

  it("reports every added term once, in order", () => {
    const pushed = "速看！紧急扩散！速看！河南限行城市又有新变化";
    const source = "河南限行城市及限行区域又有新变化";
    const result = titleDistortion(pushed, source, sensational);
    expect(result.addedSensational).toEqual(["速看", "紧急扩散"]);
  });
});

describe("titleDistortion of an unchanged title", () => {
  it("measures no distortion even when the source is sensational", () => {
    const title = "速看：2018年农村拆迁新规，补偿范围更广、金额更大";
    expect(titleDistortion(` ${title}`, title, sensational)).toEqual({
      similarity: 1,
      coverage: 1,
      addedSensational: [],
    });
  });
});

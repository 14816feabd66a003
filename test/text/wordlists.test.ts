import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeText } from "../../src/text/normalize.js";
import {
  compileWordList,
  parseWordList,
  type WordList,
} from "../../src/text/wordlist.js";
import { repoRoot } from "./shared-data.js";

const dir = path.join(repoRoot, "policies/data/wordlists");

function readList(name: string): string {
  return readFileSync(path.join(dir, `${name}.txt`), "utf8");
}

const lists = new Map<string, WordList>(
  readdirSync(dir).map((file) => {
    const name = path.basename(file, ".txt");
    return [name, compileWordList(parseWordList(readList(name), file))];
  }),
);

function firstMatch(list: string, title: string): string | undefined {
  const compiled = lists.get(list);
  if (compiled === undefined) throw new Error(`no list ${list}`);
  return compiled.firstMatch(normalizeText(title));
}

describe("the shipped word lists", () => {
  it("are the lists the policy names", () => {
    expect([...lists.keys()].sort()).toEqual([
      "consumption_prompt",
      "disaster",
      "gossip",
      "privacy_scandal",
      "sensational",
      "sensitive_event",
      "streak_fomo_bait",
      "ugliness_hype",
      "vicious_case",
      "vulgar",
      "wealth_flaunting",
    ]);
  });

  it.each([...lists.keys()])("%s states its source", (name) => {
    const text = readList(name);
    expect(text).toMatch(/^# Sources?:/mu);
    expect(text).toMatch(/written for pushguard|derived from CrisisLex/u);
  });

  it("credits CrisisLex where its terms are used", () => {
    expect(readList("disaster")).toContain("CrisisLexRec.txt");
  });
});

describe("the shipped word lists on real headlines", () => {
  it.each([
    [
      "gossip",
      "马伊琍携手全家探班文章，出轨事件是“炒作”老夫老妻尽显恩爱",
      "出轨",
    ],
    ["gossip", "石原里美最新恋情曝光！2人在高级度假酒店连住两晚……", "新恋情"],
    ["gossip", "张檬承认插足刘雨欣家庭：想当面说抱歉没机会", "插足"],
    [
      "privacy_scandal",
      "明星给好友发祝福！周冬雨很皮，baby揭陈赫短处，而他发队友床照",
      "床照",
    ],
    [
      "wealth_flaunting",
      "巅峰时期解约周星驰嫁豪门，如今复出参加综艺炫富引热议",
      "炫富",
    ],
    ["ugliness_hype", "贾玲告诉你什么叫明明可以靠脸吃饭，却偏偏要扮丑", "扮丑"],
    [
      "vulgar",
      "全美炸锅！米切尔赛后两个FUCK撒气，怒喷哈登：去你M的MVP!",
      "fuck*",
    ],
    [
      "streak_fomo_bait",
      "钓鱼&亲子！闹市旁的冷门湿地公园，广东人别错过",
      "别错过",
    ],
    [
      "consumption_prompt",
      "第五人格：漂亮新娘监管者即将到来，光这造型就值得氪金",
      "氪金",
    ],
    [
      "sensational",
      "速看！临沂住房公积金政策又有新变化，关系所有企业和职工",
      "速看",
    ],
    ["disaster", "印尼爪哇岛默拉皮火山喷发 机场停运居民已疏散", "火山喷发"],
    ["disaster", "Home swept away as flooding hits upstate New York", "flood*"],
    [
      "disaster",
      "Two earthquakes registered near the Arizona-Mexico border",
      "earthquake*",
    ],
    ["vicious_case", "一家人买车遭狱警设套 父母被枪杀女儿沉湖淹死", "枪杀"],
    [
      "vicious_case",
      "Argument on Pilsen street sparks fatal shooting, 1 in custody",
      "fatal shooting",
    ],
    [
      "vicious_case",
      "Dozens mourn murdered CAU student Alexis Crawford",
      "murder*",
    ],
    ["sensitive_event", "伊朗民众示威抗议美国退出伊核协议", "示威"],
    [
      "sensitive_event",
      "First death reported in Lebanon's protests",
      "protests",
    ],
  ])("%s finds in %s: %s", (list, title, term) => {
    expect(firstMatch(list, title)).toBe(term);
  });

  it.each([
    [
      "gossip",
      "UCLA vs. Utah will be a family affair for Elisha and Javelin Guidry",
    ],
    ["gossip", "York County's long love affair with baseball: Part II"],
    ["gossip", "中国股市的潜规则：散户，这些你必须懂！"],
    [
      "disaster",
      "暴雪为了星际争霸2，逼死了星际1的韩国职业联赛，是不是衰落的开始？",
    ],
    [
      "disaster",
      "Hurricanes top Islanders, 5-2, for franchise-record 5-0-0 start",
    ],
    [
      "disaster",
      "Avalanche F Mikko Rantanen goes down with leg or ankle injury",
    ],
    ["vicious_case", "Police: Family feud leads to Northeast Side shooting"],
    ["vicious_case", "Rapeseed prices rise on strong demand"],
    [
      "streak_fomo_bait",
      "Phil Mickelson holds a nearly 26-year-old streak that could end this week",
    ],
    ["streak_fomo_bait", "无限量流量办理后，你会不会取消有线宽带？"],
    [
      "consumption_prompt",
      "普京神秘座驾亮相，将出口中国！比宾利豪华，气场秒杀特朗普座驾",
    ],
    ["sensational", "4AM是国内顶尖战力？新生黑马OMG力斩4AM勇夺澳洲赛季军！"],
    ["vulgar", "我靠自己的努力买了房"],
  ])("%s passes the near miss %s", (list, title) => {
    expect(firstMatch(list, title)).toBeUndefined();
  });
});

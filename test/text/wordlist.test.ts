import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  normalizeText,
  type NormalizedText,
} from "../../src/text/normalize.js";
import {
  compileWordList,
  compileWordListSet,
  parseWordList,
  WordListError,
  type WordListSet,
} from "../../src/text/wordlist.js";
import { mindTitles, readSharedData, toutiaoTitles } from "./shared-data.js";

const gossip = compileWordList([
  "出轨",
  "恋情曝光",
  "绯闻",
  "cheating scandal",
]);
const english = compileWordList(["ad", "shooting", "flood*", "affair"]);

function first(list: typeof gossip, title: string): string | undefined {
  return list.firstMatch(normalizeText(title));
}

describe("compileWordList on Chinese headlines", () => {
  it.each([
    ["LOL著名选手“笑笑”老婆出轨，现已离婚", "出轨"],
    ["石原里美最新恋情曝光！2人在高级度假酒店连住两晚……", "恋情曝光"],
    ["杨紫恋情要“凉凉”？张雪迎与秦俊杰深情对视，网友：还有张一山", undefined],
    ["汶川地震十年了，回顾那些定格的瞬间，很多人难忘", undefined],
  ])("finds in %s: %s", (title, expected) => {
    expect(first(gossip, title)).toBe(expected);
  });

  it("matches a term written in full width inside a half-width title", () => {
    const list = compileWordList(["ＣＳ"]);
    expect(first(list, "为什么现在没有人玩CS了？")).toBe("ＣＳ");
  });

  it("matches a term split by a zero-width space", () => {
    expect(first(gossip, "某男星出\u200b轨")).toBe("出轨");
  });
});

describe("compileWordList on English headlines", () => {
  it.each([
    ["Police: Family feud leads to Northeast Side shooting", "shooting"],
    ["Shooting under investigation outside Stafford hotel", "shooting"],
    ["Home swept away as flooding hits upstate New York", "flood*"],
    ["Heavy rains flood areas of Japan recovering from typhoons", "flood*"],
    [
      "UCLA vs. Utah will be a family affair for Elisha and Javelin Guidry",
      "affair",
    ],
  ])("finds in %s: %s", (title, expected) => {
    expect(first(english, title)).toBe(expected);
  });

  it.each([
    ["ad inside a word", "Bigger than bin Laden? 3 striking things"],
    [
      "ad at a word start",
      "Substance Abuse Awareness Event Brings Faces Of Drug Addiction",
    ],
    ["ad at a word end", "NC troopers looking for driver who collided head-on"],
    ["shooting as a prefix", "Sharpshootings are rare"],
    ["affair as a prefix", "Affairs of state"],
  ])("does not match %s", (_case, title) => {
    expect(first(english, title)).toBeUndefined();
  });

  it.each([
    ["before punctuation", "Buy now: ad!", "ad"],
    ["after a possessive", "Nike's ad in Times Square", "ad"],
    ["beside Chinese characters", "广告ad推送", "ad"],
    ["at the start of the text", "Ad blockers rise", "ad"],
  ])("matches an English term %s", (_case, title, expected) => {
    expect(first(english, title)).toBe(expected);
  });

  it("matches a multi-word term across any white space", () => {
    expect(first(gossip, "Star's  Cheating\tScandal explained")).toBe(
      "cheating scandal",
    );
  });
});

describe("WordList.matches", () => {
  it("returns every distinct term by end position, longest first", () => {
    const list = compileWordList(["地震", "救援", "汶川地震"]);
    expect(
      list.matches(normalizeText("汶川地震救援老兵追忆过往：地震")),
    ).toEqual(["汶川地震", "地震", "救援"]);
  });

  it("finds overlapping terms that share a suffix", () => {
    const list = compileWordList(["he", "she", "hers"]);
    expect(list.matches(normalizeText("ushers"))).toEqual([]);
    const chinese = compileWordList(["恋情", "情曝光", "曝光"]);
    expect(chinese.matches(normalizeText("最新恋情曝光"))).toEqual([
      "恋情",
      "情曝光",
      "曝光",
    ]);
  });

  it("keeps a boundary miss from hiding a later hit", () => {
    expect(english.matches(normalizeText("bad ad"))).toEqual(["ad"]);
  });

  it("drops duplicates after normalisation and counts distinct terms", () => {
    const list = compileWordList(["AD", "ad", "ａｄ", " ", "出轨"]);
    expect(list.size).toBe(2);
    expect(list.matches(normalizeText("AD 出轨"))).toEqual(["AD", "出轨"]);
  });

  it("matches nothing with an empty list", () => {
    const list = compileWordList([]);
    expect(list.firstMatch(normalizeText("地震"))).toBeUndefined();
  });

  it("matches a term outside the basic multilingual plane", () => {
    const list = compileWordList(["𠮷野家"]);
    expect(list.firstMatch(normalizeText("去𠮷野家吃饭"))).toBe("𠮷野家");
  });
});

/** The set's hits as list name to term, for tables of expected hits. */
function firstMatches(set: WordListSet, text: NormalizedText) {
  return new Map(set.firstHits(text).map((hit) => [hit.list, hit.term]));
}

describe("compileWordListSet", () => {
  const set = compileWordListSet(
    new Map([
      ["gossip", ["出轨", "恋情曝光", "cheating scandal"]],
      ["disaster", ["地震", "flood*"]],
      ["weather", ["flood", "暴雨"]],
    ]),
  );

  it("finds the first term of each list in one scan", () => {
    const text = normalizeText("汶川地震十年，某男星出轨，暴雨致flood");
    expect(firstMatches(set, text)).toEqual(
      new Map([
        ["disaster", "地震"],
        ["gossip", "出轨"],
        ["weather", "暴雨"],
      ]),
    );
  });

  it("keeps each list's boundaries for a key two lists share", () => {
    const text = normalizeText("Home swept away as flooding hits New York");
    expect(firstMatches(set, text)).toEqual(new Map([["disaster", "flood*"]]));
  });

  it("finds nothing in a title no list matches", () => {
    const text = normalizeText("为什么现在没有人玩CS了？");
    expect(firstMatches(set, text).size).toBe(0);
    expect(set.names).toEqual(["gossip", "disaster", "weather"]);
  });
});

describe("compileWordList with one key written twice", () => {
  it("keeps both boundaries of a term and its wildcard form", () => {
    const list = compileWordList(["flood", "flood*"]);
    expect(list.size).toBe(2);
    expect(list.matches(normalizeText("floods"))).toEqual(["flood*"]);
    expect(list.matches(normalizeText("a flood"))).toEqual(["flood", "flood*"]);
  });
});

describe("compileWordList against a scan over every term", () => {
  const crisis = parseWordList(
    readSharedData("lexicons/crisislex-en.txt"),
    "crisislex-en.txt",
  );

  /** The obvious, slow definition: one regular expression per term. */
  function naiveMatcher(terms: string[]): (text: string) => string[] {
    const patterns = terms.map((term) => {
      const key = normalizeText(term).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const edge = "[\\p{L}\\p{N}_]";
      return { term, re: new RegExp(`(?<!${edge})${key}(?!${edge})`, "u") };
    });
    return (text) =>
      patterns.filter(({ re }) => re.test(text)).map(({ term }) => term);
  }

  it("agrees on all 2,000 MIND headlines with the CrisisLex terms", () => {
    const list = compileWordList(crisis);
    const naive = naiveMatcher(crisis);
    let hits = 0;
    for (const title of mindTitles()) {
      const text = normalizeText(title);
      const got = list.matches(text).sort();
      expect(got, title).toEqual(naive(text).sort());
      if (got.length > 0) hits++;
    }
    expect(hits).toBe(174);
  });

  it("agrees on all 10,000 Toutiao headlines with Chinese terms", () => {
    const terms = ["地震", "洪水", "台风", "遇难", "出轨", "炫富", "速看"];
    const list = compileWordList(terms);
    for (const title of toutiaoTitles()) {
      const text = normalizeText(title);
      const got = list.matches(text).sort();
      const want = terms.filter((term) => text.includes(term)).sort();
      expect(got, title).toEqual(want);
    }
  });
});

describe("parseWordList", () => {
  it("skips comments and blank lines and keeps terms as written", () => {
    const text = "# gossip\n\n出轨\r\n  Cheating Scandal  \n# end\n";
    expect(parseWordList(text, "gossip.txt")).toEqual([
      "出轨",
      "Cheating Scandal",
    ]);
  });

  it("rejects a term that is only a wildcard with file and line", () => {
    expect(() => parseWordList("出轨\n*\n", "gossip.txt")).toThrow(
      new WordListError('gossip.txt:2: empty term "*"'),
    );
  });

  it("rejects a term of format characters only", () => {
    expect(() => parseWordList("\u200b\n", "x.txt")).toThrow(
      'x.txt:1: empty term "\u200b"',
    );
  });
});

describe("compileWordList properties", () => {
  /** Few characters, so that random terms and texts overlap often. */
  const char = fc.constantFrom("a", "b", "地", "震", " ", "-", "𠮷");
  const word = fc.string({ unit: char, minLength: 1, maxLength: 4 });

  /** In this alphabet only a and b are letters of a spaced script. */
  const spaced = (c: string | undefined): boolean =>
    c !== undefined && /[ab]/u.test(c);

  /** A term occurs where it sits in the text with its boundaries held. */
  function occurs(term: string, text: string): boolean {
    const key = normalizeText(term);
    for (let at = text.indexOf(key); at !== -1;) {
      const leftOk = !spaced(key[0]) || !spaced(text[at - 1]);
      const rightOk = !spaced(key.at(-1)) || !spaced(text[at + key.length]);
      if (leftOk && rightOk) return true;
      at = text.indexOf(key, at + 1);
    }
    return false;
  }

  it("finds exactly the terms that occur on their boundaries", () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 6 }),
        fc.string({ unit: char, maxLength: 12 }),
        (terms, raw) => {
          const text = normalizeText(raw);
          const list = compileWordList(terms);
          const expected = new Set(
            terms
              .filter((t) => normalizeText(t) !== "" && occurs(t, text))
              .map((t) => normalizeText(t)),
          );
          const found = list.matches(text).map((t) => normalizeText(t));
          expect(new Set(found)).toEqual(expected);
          expect(list.firstMatch(text) === undefined).toBe(expected.size === 0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("finds in a set what each list finds alone", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(word, { maxLength: 4 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.string({ unit: char, maxLength: 12 }),
        (lists, raw) => {
          const text = normalizeText(raw);
          const named = new Map(lists.map((terms, i) => [`l${i}`, terms]));
          const found = firstMatches(compileWordListSet(named), text);
          for (const [name, terms] of named) {
            const alone = compileWordList(terms).firstMatch(text);
            expect(found.get(name)).toBe(alone);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("WordListSet.firstHits", () => {
  const set = compileWordListSet(
    new Map([
      ["gossip", ["出轨", "cheating scandal"]],
      ["disaster", ["地震", "flood*"]],
    ]),
  );

  it("gives each list's first term as written, in scan order", () => {
    const text = normalizeText("汶川地震十年，某男星出轨，又地震");
    expect(set.firstHits(text)).toEqual([
      { list: "disaster", term: "地震" },
      { list: "gossip", term: "出轨" },
    ]);
  });

  it("gives every text without a hit the same empty array", () => {
    const none = set.firstHits(normalizeText("为什么现在没有人玩CS了？"));
    expect(none).toEqual([]);
    expect(set.firstHits(normalizeText("a flood-free year"))).toEqual([
      { list: "disaster", term: "flood*" },
    ]);
    expect(set.firstHits(normalizeText("cheating"))).toBe(none);
  });
});

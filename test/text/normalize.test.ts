import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeText } from "../../src/text/normalize.js";
import { mindTitles, toutiaoTitles } from "./shared-data.js";

describe("normalizeText", () => {
  it.each([
    ["full-width letters and digits", "ＩＰＨＯＮＥ１５发布", "iphone15发布"],
    ["full-width punctuation", "速看！临沂公积金", "速看!临沂公积金"],
    ["upper case", "You Won't Believe", "you won't believe"],
    ["typographic apostrophe", "You Won’t Believe", "you won't believe"],
    [
      "ideographic space",
      "软件窥隐私\u3000新规划红线",
      "软件窥隐私 新规划红线",
    ],
    [
      "runs of white space",
      "  Shooting \t under\n investigation ",
      "shooting under investigation",
    ],
    ["zero-width space inside a word", "震\u200b惊", "震惊"],
    ["ligature", "ﬁnal", "final"],
    ["circled digit", "①号", "1号"],
  ])("folds %s", (_case, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it("leaves Chinese punctuation that has no half-width form", () => {
    expect(normalizeText("小记——她的恋情。")).toBe("小记——她的恋情。");
  });

  it("is idempotent on real headlines", () => {
    const title = "廖英强被证监会处罚1.2亿，你怎么看？";
    const once = normalizeText(title);
    expect(normalizeText(once)).toBe(once);
  });
});

describe("normalizeText properties", () => {
  it("is idempotent on any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const once = normalizeText(text);
        expect(normalizeText(once)).toBe(once);
      }),
    );
  });

  it("never leaves leading, trailing or doubled white space", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(normalizeText(text)).not.toMatch(/^\s|\s$|\s\s/u);
      }),
    );
  });
});

/** normalizeText as the full chain of passes, none of them skipped. */
function everyPass(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\p{Cf}/gu, "")
    .replace(/[‘’‚‛′]|[“”„‟″]/gu, (q) => ("‘’‚‛′".includes(q) ? "'" : '"'))
    .replace(/\s+/gu, " ")
    .trim();
}

describe("normalizeText skipping the passes a text does not need", () => {
  it("gives every pass's result for each code unit, alone and in words", () => {
    const differing: string[] = [];
    for (let unit = 0; unit <= 0xffff; unit++) {
      const char = String.fromCharCode(unit);
      for (const text of [char, `a${char}b`, `中${char} `, ` A${char}`]) {
        if (normalizeText(text) !== everyPass(text)) differing.push(text);
      }
    }
    expect(differing).toEqual([]);
  });

  it("gives every pass's result on every Toutiao and MIND headline", () => {
    const titles = [...toutiaoTitles(), ...mindTitles()];
    const differing = titles.filter((t) => normalizeText(t) !== everyPass(t));
    expect(differing).toEqual([]);
  });

  it("gives every pass's result on text mixing plain and folded units", () => {
    const unit = fc.constantFrom(
      ...["a", "Z", "中", "，", "Ａ", "—", "…", " ", "\u3000", "\t", "\n"],
      ...["\u200b", "\u00ad", "“", "’", "𠮷", "\ud842", "ﬁ", "İ", "Σ", "①"],
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (text) => {
        expect(normalizeText(text)).toBe(everyPass(text));
      }),
      { numRuns: 5000 },
    );
  });
});

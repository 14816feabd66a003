import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Automaton } from "../../src/text/aho-corasick.js";
import { normalizeText } from "../../src/text/normalize.js";
import { parseWordList } from "../../src/text/wordlist.js";
import { mindTitles, repoRoot, toutiaoTitles } from "./shared-data.js";

/** Every key ending in `text` as [key index, end], in scan order. */
function hits(automaton: Automaton, text: string): [number, number][] {
  const found: [number, number][] = [];
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    state = automaton.step(state, text.charCodeAt(i));
    for (let m = automaton.match(state); m >= 0; m = automaton.shorter(m)) {
      found.push([automaton.key(m), i + 1]);
    }
  }
  return found;
}

/** Both layouts of one automaton: the DFA table and the sparse fallback. */
function layouts(keys: readonly string[]) {
  return { dense: new Automaton(keys), sparse: new Automaton(keys, 0) };
}

/** The keys of every shipped word list, as the word lists compile them. */
function shippedKeys(): string[] {
  const dir = path.join(repoRoot, "policies/data/wordlists");
  const terms = readdirSync(dir).flatMap((file) =>
    parseWordList(readFileSync(path.join(dir, file), "utf8"), file),
  );
  const keys = terms.map((t) => normalizeText(t.replace(/^\*|\*$/gu, "")));
  return [...new Set(keys)];
}

describe("Automaton layouts", () => {
  const { dense, sparse } = layouts(shippedKeys());

  it("keeps the shipped lists in a DFA table and falls back past the bound", () => {
    expect(dense.isDense).toBe(true);
    expect(sparse.isDense).toBe(false);
  });

  it("finds the same keys at the same ends on every real headline", () => {
    const titles = [...toutiaoTitles(), ...mindTitles()];
    let total = 0;
    for (const title of titles) {
      const text = normalizeText(title);
      const found = hits(dense, text);
      expect(found, title).toEqual(hits(sparse, text));
      total += found.length;
    }
    expect(total).toBe(487);
  });
});

describe("Automaton on adversarial text", () => {
  const keys = ["出轨", "flood", "𠮷野家", "he", "she", "hers", "倒计时"];
  const { dense, sparse } = layouts(keys);

  it.each([
    ["a full-width form, not yet normalised", "ＦＬＯＯＤ", []],
    ["a zero-width space inside a key", "出\u200b轨", []],
    ["a key outside the basic multilingual plane", "去𠮷野家", [[2, 5]]],
    ["a lone high surrogate before a key's tail", "\ud842野家", []],
    [
      "keys ending together, longest first",
      "ushers",
      [
        [4, 4],
        [3, 4],
        [5, 6],
      ],
    ],
    ["an exception phrase around a key", "高考倒计时", [[6, 5]]],
    ["units no key contains", "\u0000\uffff\u3000", []],
  ])("reads %s the same in both layouts", (_case, text, expected) => {
    expect(hits(dense, text)).toEqual(expected);
    expect(hits(sparse, text)).toEqual(expected);
  });
});

describe("Automaton properties", () => {
  /** Few code units, a surrogate pair among them, so that keys overlap. */
  const unit = fc.constantFrom("a", "b", "地", "震", "\ud842", "\udfb7");
  const key = fc.string({ unit, minLength: 1, maxLength: 4 });

  /** The obvious definition: every occurrence of every key, by end. */
  function naive(keys: readonly string[], text: string): [number, number][] {
    const found: [number, number][] = [];
    keys.forEach((k, index) => {
      for (let at = text.indexOf(k); at !== -1; at = text.indexOf(k, at + 1)) {
        found.push([index, at + k.length]);
      }
    });
    const length = (index: number) => (keys[index] as string).length;
    return found.sort((x, y) => x[1] - y[1] || length(y[0]) - length(x[0]));
  }

  it("finds every occurrence of every key in both layouts", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(key, { maxLength: 8 }),
        fc.string({ unit, maxLength: 16 }),
        (keys, text) => {
          const { dense, sparse } = layouts(keys);
          const expected = naive(keys, text);
          expect(hits(dense, text)).toEqual(expected);
          expect(hits(sparse, text)).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

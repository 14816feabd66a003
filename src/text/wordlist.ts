import { normalizeText, type NormalizedText } from "./normalize.js";

/*
 * One Aho-Corasick automaton per word list, written here rather than taken
 * from npm. Measured on the 12,000 Toutiao and MIND headlines with the 380
 * CrisisLex terms plus a few Chinese ones (node 20, this project's machine):
 *
 * - modern-ahocorasick 3.3 (typed, maintained, MIT): about 11 us a title,
 *   26 us with its ASCII word boundaries, because it segments every text into
 *   grapheme clusters with Intl.Segmenter before scanning. A Screen runs 100
 *   titles through ten lists, so that alone would cost several milliseconds.
 * - @monyone/aho-corasick 1.1 (typed, one maintainer): 1.2 us a title, but
 *   its `hasKeywordInText` walks code points while the trie is built from
 *   code units, so a term with a character outside the BMP never matches.
 * - this file (a map trie over UTF-16 code units with failure and dictionary
 *   suffix links): 0.7 us a title, and about 80 lines.
 *
 * Boundaries are checked after a hit, not inside the automaton: Chinese has
 * no word boundaries, so only the edge of a term that is a letter or digit
 * of a spaced script needs one.
 */

/** A compiled word list: one automaton over normalised text. */
export interface WordList {
  /** How many distinct terms (after normalisation) the list holds. */
  readonly size: number;
  /**
   * The first term found in scan order (the hit that ends earliest), as
   * written in the list, or undefined. Stops scanning at the first hit.
   */
  firstMatch(text: NormalizedText): string | undefined;
  /** Every distinct term found, as written in the list, in scan order. */
  matches(text: NormalizedText): string[];
}

/** A term after normalisation, with the boundary it needs on each side. */
interface Term {
  readonly written: string;
  readonly key: string;
  readonly leftBoundary: boolean;
  readonly rightBoundary: boolean;
}

/**
 * A letter or digit of a script written with spaces between words. Han,
 * kana and Thai run words together, so a term never needs a boundary
 * against them ("ad" is a word in "广告ad").
 */
const SPACED_WORD_CHAR =
  /^(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}])[\p{L}\p{N}_]$/u;

function isSpacedWordChar(char: string | undefined): boolean {
  return char !== undefined && SPACED_WORD_CHAR.test(char);
}

/**
 * Reads a term as written in a list. A leading or trailing `*` lifts the
 * boundary on that side, for English inflections: `flood*` matches "floods"
 * and "flooding", `flood` does not.
 */
function toTerm(written: string): Term | undefined {
  const openLeft = written.startsWith("*");
  const openRight = written.length > 1 && written.endsWith("*");
  const core = written.slice(openLeft ? 1 : 0, openRight ? -1 : undefined);
  const key = normalizeText(core);
  if (key === "") return undefined;
  return {
    written,
    key,
    leftBoundary: !openLeft && isSpacedWordChar(key[0]),
    rightBoundary: !openRight && isSpacedWordChar(key.at(-1)),
  };
}

/** Aho-Corasick automaton; states are indices into the parallel arrays. */
class Automaton {
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** Index of the term that ends at a state, or -1. */
  private readonly output: number[] = [-1];
  /** Nearest state on the failure chain that has an output, or -1. */
  private readonly dictLink: number[] = [-1];

  constructor(keys: readonly string[]) {
    keys.forEach((key, index) => this.insert(key, index));
    this.link();
  }

  private insert(key: string, index: number): void {
    let state = 0;
    for (let i = 0; i < key.length; i++) state = this.child(state, key, i);
    this.output[state] = index;
  }

  private child(state: number, key: string, i: number): number {
    const code = key.charCodeAt(i);
    const edges = this.next[state] as Map<number, number>;
    const known = edges.get(code);
    if (known !== undefined) return known;
    const created = this.next.push(new Map()) - 1;
    this.fail.push(0);
    this.output.push(-1);
    this.dictLink.push(-1);
    edges.set(code, created);
    return created;
  }

  /** Breadth-first: failure and dictionary links of each state. */
  private link(): void {
    const queue = [...(this.next[0] as Map<number, number>).values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      for (const [code, child] of this.next[state] as Map<number, number>) {
        const target = this.step(this.fail[state] as number, code);
        this.fail[child] = target;
        this.dictLink[child] =
          (this.output[target] as number) >= 0
            ? target
            : (this.dictLink[target] as number);
        queue.push(child);
      }
    }
  }

  /** The state after reading one code unit. */
  step(state: number, code: number): number {
    let current = state;
    for (;;) {
      const target = this.next[current]?.get(code);
      if (target !== undefined) return target;
      if (current === 0) return 0;
      current = this.fail[current] as number;
    }
  }

  /**
   * Calls `visit(termIndex, end)` for every term ending at each position,
   * in scan order; stops when `visit` returns true.
   */
  scan(text: string, visit: (term: number, end: number) => boolean): void {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = this.step(state, text.charCodeAt(i));
      let hit = (this.output[state] as number) >= 0 ? state : -1;
      if (hit < 0) hit = this.dictLink[state] as number;
      for (; hit >= 0; hit = this.dictLink[hit] as number) {
        if (visit(this.output[hit] as number, i + 1)) return;
      }
    }
  }
}

function distinctTerms(written: readonly string[]): Term[] {
  const byKey = new Map<string, Term>();
  for (const entry of written) {
    const term = toTerm(entry.trim());
    if (term !== undefined && !byKey.has(term.key)) byKey.set(term.key, term);
  }
  return [...byKey.values()];
}

function boundaryHolds(term: Term, text: string, end: number): boolean {
  const start = end - term.key.length;
  if (term.leftBoundary && isSpacedWordChar(text[start - 1])) return false;
  return !(term.rightBoundary && isSpacedWordChar(text[end]));
}

/**
 * Compiles terms into one automaton. Terms are normalised with
 * {@link normalizeText}; duplicates after normalisation and empty terms are
 * dropped. A term whose first or last character is a letter or digit of a
 * spaced script (Latin, Cyrillic, ...) only matches on a word boundary at
 * that edge, so "ad" does not match "bad"; Chinese terms match anywhere.
 */
export function compileWordList(terms: readonly string[]): WordList {
  const compiled = distinctTerms(terms);
  const automaton = new Automaton(compiled.map((term) => term.key));
  const termAt = (index: number): Term => compiled[index] as Term;
  return {
    size: compiled.length,
    firstMatch(text) {
      let found: string | undefined;
      automaton.scan(text, (index, end) => {
        const term = termAt(index);
        if (boundaryHolds(term, text, end)) found = term.written;
        return found !== undefined;
      });
      return found;
    },
    matches(text) {
      const found = new Set<string>();
      automaton.scan(text, (index, end) => {
        const term = termAt(index);
        if (boundaryHolds(term, text, end)) found.add(term.written);
        return false;
      });
      return [...found];
    },
  };
}

/** A word list file that cannot be read, with the file and line. */
export class WordListError extends Error {
  override readonly name = "WordListError";
}

/**
 * Reads a word list file: one term a line, `#` starts a comment line, blank
 * lines are skipped. A term that is only `*` or normalises to nothing is an
 * error naming the file and line, so a typo never silently empties a list.
 */
export function parseWordList(text: string, file: string): string[] {
  const terms: string[] = [];
  text.split(/\r?\n/u).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (toTerm(line) === undefined) {
      throw new WordListError(`${file}:${index + 1}: empty term "${line}"`);
    }
    terms.push(line);
  });
  return terms;
}

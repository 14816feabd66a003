import { Automaton } from "./aho-corasick.js";
import { normalizeText, type NormalizedText } from "./normalize.js";

/*
 * Word lists matched with one Aho-Corasick automaton (./aho-corasick.ts)
 * over normalised text, never a loop over terms. Boundaries are checked
 * after a hit, not inside the automaton: Chinese has no word boundaries, so
 * only the edge of a term that is a letter or digit of a spaced script
 * needs one ("ad" must not match "bad", 广告 matches anywhere).
 */

/** A compiled word list: one automaton over normalised text. */
export interface WordList {
  /** How many distinct terms (after normalisation) the list holds. */
  readonly size: number;
  /**
   * The first term found in scan order (the hit that ends earliest; at one
   * end, the longest), as written in the list, or undefined. Stops
   * scanning at the first hit.
   */
  firstMatch(text: NormalizedText): string | undefined;
  /** Every distinct term found, as written in the list, in scan order. */
  matches(text: NormalizedText): string[];
}

/** A hit of one list of a {@link WordListSet}. */
export interface ListHit {
  /** The list's name. */
  readonly list: string;
  /** The term found, as written in the list. */
  readonly term: string;
}

/**
 * Several named lists compiled into one automaton, so that a title is read
 * once for all of them. On the eleven shipped lists this is about four
 * times faster than eleven {@link WordList} scans (bench/rules/wordlists.ts:
 * 1.1 against 5.2 us a title, normalising included).
 */
export interface WordListSet {
  /** The list names, in the order given. */
  readonly names: readonly string[];
  /**
   * For each list with a hit, its first term as {@link WordList} finds it,
   * in scan order. Every text without a hit gets the same empty array:
   * most titles hit nothing, and then nothing is allocated.
   */
  firstHits(text: NormalizedText): readonly ListHit[];
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

/**
 * A term of one list and the hit it gives; one key may carry several
 * (`flood`, `flood*`), and one term several lists.
 */
interface Entry {
  readonly hit: ListHit;
  readonly keyLength: number;
  readonly leftBoundary: boolean;
  readonly rightBoundary: boolean;
}

function boundaryHolds(entry: Entry, text: string, end: number): boolean {
  const start = end - entry.keyLength;
  if (entry.leftBoundary && isSpacedWordChar(text[start - 1])) return false;
  return !(entry.rightBoundary && isSpacedWordChar(text[end]));
}

/** Whether a scan keeps a hit it found, given those kept before. */
type Keep = (kept: readonly ListHit[], hit: ListHit) => boolean;

const firstOfItsList: Keep = (kept, hit) =>
  kept.every((other) => other.list !== hit.list);

const notKeptBefore: Keep = (kept, hit) => !kept.includes(hit);

const NO_HITS: readonly ListHit[] = Object.freeze([]);

/**
 * Terms of several lists over one automaton. Within a list, terms that
 * normalise to the same key with the same boundaries are kept once, so
 * that each hit object stands for one term of one list.
 */
class Dictionary {
  readonly names: readonly string[];
  readonly sizes: number[];
  private readonly automaton: Automaton;
  private readonly keyIndex = new Map<string, number>();
  private readonly entries: Entry[][] = [];
  private readonly seen = new Set<string>();

  constructor(lists: ReadonlyMap<string, readonly string[]>) {
    this.names = [...lists.keys()];
    this.sizes = this.names.map(() => 0);
    [...lists.values()].forEach((terms, index) => {
      for (const written of terms) {
        const term = toTerm(written.trim());
        if (term !== undefined) this.add(index, term);
      }
    });
    this.automaton = new Automaton([...this.keyIndex.keys()]);
  }

  /** The first hit of each list, in scan order. */
  firstOfEachList(text: string): readonly ListHit[] {
    return this.scan(text, firstOfItsList, this.names.length);
  }

  /** Every hit, once, in scan order. */
  everyHit(text: string): readonly ListHit[] {
    return this.scan(text, notKeptBefore, Infinity);
  }

  private add(index: number, term: Term): void {
    const edges = `${+term.leftBoundary}${+term.rightBoundary}`;
    const id = `${index} ${edges} ${term.key}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.sizes[index] = (this.sizes[index] ?? 0) + 1;
    const key = this.keyIndex.get(term.key) ?? this.keyIndex.size;
    this.keyIndex.set(term.key, key);
    (this.entries[key] ??= []).push({
      hit: { list: this.names[index] as string, term: term.written },
      keyLength: term.key.length,
      leftBoundary: term.leftBoundary,
      rightBoundary: term.rightBoundary,
    });
  }

  /**
   * The hits occurring in `text` with their boundaries that `keep`
   * accepts, in scan order; stops once `enough` are kept. The loop is
   * written out here, without a callback per hit or an array per text.
   */
  private scan(text: string, keep: Keep, enough: number): readonly ListHit[] {
    const { automaton } = this;
    let kept: ListHit[] | undefined;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = automaton.step(state, text.charCodeAt(i));
      for (let m = automaton.match(state); m >= 0; m = automaton.shorter(m)) {
        for (const entry of this.entries[automaton.key(m)] as Entry[]) {
          if (!boundaryHolds(entry, text, i + 1)) continue;
          if (kept === undefined) kept = [entry.hit];
          else if (keep(kept, entry.hit)) kept.push(entry.hit);
          if (kept.length === enough) return kept;
        }
      }
    }
    return kept ?? NO_HITS;
  }
}

/**
 * Compiles terms into one automaton. Terms are normalised with
 * {@link normalizeText}; empty terms and duplicates after normalisation are
 * dropped. A term whose first or last character is a letter or digit of a
 * spaced script (Latin, Cyrillic, ...) only matches on a word boundary at
 * that edge, unless a `*` on that side lifts it.
 */
export function compileWordList(terms: readonly string[]): WordList {
  const dictionary = new Dictionary(new Map([["", terms]]));
  return {
    size: dictionary.sizes[0] ?? 0,
    firstMatch: (text) => dictionary.firstOfEachList(text)[0]?.term,
    matches: (text) => dictionary.everyHit(text).map((hit) => hit.term),
  };
}

/** Compiles named lists into one automaton (see {@link WordListSet}). */
export function compileWordListSet(
  lists: ReadonlyMap<string, readonly string[]>,
): WordListSet {
  const dictionary = new Dictionary(lists);
  return {
    names: dictionary.names,
    firstHits: (text) => dictionary.firstOfEachList(text),
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

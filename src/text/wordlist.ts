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

/**
 * Several named lists compiled into one automaton, so that a title is read
 * once for all of them. On the eleven shipped lists this is about four
 * times faster than eleven {@link WordList} scans (bench/rules/wordlists.ts:
 * 2.2 against 8.4 us a title).
 */
export interface WordListSet {
  /** The list names, in the order given. */
  readonly names: readonly string[];
  /** For each list with a hit, its first term as {@link WordList} finds it. */
  firstMatches(text: NormalizedText): Map<string, string>;
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

function boundaryHolds(term: Term, text: string, end: number): boolean {
  const start = end - term.key.length;
  if (term.leftBoundary && isSpacedWordChar(text[start - 1])) return false;
  return !(term.rightBoundary && isSpacedWordChar(text[end]));
}

/** A term of one list; one key may carry several (`flood`, `flood*`). */
interface Entry {
  readonly list: number;
  readonly term: Term;
}

/**
 * Terms of several lists over one automaton. Within a list, terms that
 * normalise to the same key with the same boundaries are kept once.
 */
class Dictionary {
  private readonly automaton: Automaton;
  private readonly keyIndex = new Map<string, number>();
  private readonly entries: Entry[][] = [];
  private readonly seen = new Set<string>();
  readonly sizes: number[];

  constructor(lists: readonly (readonly string[])[]) {
    this.sizes = lists.map(() => 0);
    lists.forEach((terms, list) => {
      for (const written of terms) {
        const term = toTerm(written.trim());
        if (term !== undefined) this.add(list, term);
      }
    });
    this.automaton = new Automaton([...this.keyIndex.keys()]);
  }

  private add(list: number, term: Term): void {
    const edges = `${+term.leftBoundary}${+term.rightBoundary}`;
    const id = `${list} ${edges} ${term.key}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.sizes[list] = (this.sizes[list] ?? 0) + 1;
    const index = this.keyIndex.get(term.key) ?? this.keyIndex.size;
    this.keyIndex.set(term.key, index);
    (this.entries[index] ??= []).push({ list, term });
  }

  /**
   * Calls `visit` for every entry whose term occurs in `text` with its
   * boundaries; stops when `visit` returns true.
   */
  scan(text: string, visit: (entry: Entry) => boolean): void {
    this.automaton.scan(text, (key, end) => {
      for (const entry of this.entries[key] ?? []) {
        if (boundaryHolds(entry.term, text, end) && visit(entry)) return true;
      }
      return false;
    });
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
  const dictionary = new Dictionary([terms]);
  return {
    size: dictionary.sizes[0] ?? 0,
    firstMatch(text) {
      let found: string | undefined;
      dictionary.scan(text, ({ term }) => {
        found = term.written;
        return true;
      });
      return found;
    },
    matches(text) {
      const found = new Set<string>();
      dictionary.scan(text, ({ term }) => {
        found.add(term.written);
        return false;
      });
      return [...found];
    },
  };
}

/** Compiles named lists into one automaton (see {@link WordListSet}). */
export function compileWordListSet(
  lists: ReadonlyMap<string, readonly string[]>,
): WordListSet {
  const names = [...lists.keys()];
  const dictionary = new Dictionary([...lists.values()]);
  return {
    names,
    firstMatches(text) {
      const found = new Map<string, string>();
      dictionary.scan(text, ({ list, term }) => {
        const name = names[list] as string;
        if (!found.has(name)) found.set(name, term.written);
        return found.size === names.length;
      });
      return found;
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

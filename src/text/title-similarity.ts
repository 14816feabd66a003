import { normalizeText, type NormalizedText } from "./normalize.js";
import type { WordList } from "./wordlist.js";

/*
 * How far a pushed title strays from its source title (Art. 5(3): do not
 * distort or tamper with the original meaning of the title). Three signals:
 *
 * - similarity, 0..1: Dice coefficient over features of the normalised
 *   titles. Chinese, Japanese and Thai run words together, so their
 *   features are character bigrams within each run of Han, kana or Thai (a
 *   lone character counts as itself). Latin and other spaced scripts are
 *   compared on words and on character bigrams inside words (" flood "
 *   gives " f", "fl", ..., "d "), averaged, so that "flood" and "floods"
 *   still overlap. The two halves are weighted by how many characters of
 *   each kind the titles hold, so a Chinese title with one English brand
 *   name is judged mostly as Chinese. Punctuation is ignored: "速看！" and
 *   "速看:" are the same.
 * - coverage, 0..1: the same features, as the share of the pushed title's
 *   found in the source. Push titles are often shortened; a faithful
 *   shortening has a low Dice similarity but a high coverage.
 * - sensational additions: terms of a sensational word list found in the
 *   pushed title and not in the source title ("震惊！" put in front of a
 *   faithful copy keeps the similarity near 1 but adds a term).
 *
 * None of them reads meaning: a title that reuses the source's words to say
 * something else ("秀恩爱" becoming "离婚") keeps a coverage near 0.7. Word
 * lists of the labels catch some of that; the rest needs review.
 */

/** What {@link titleDistortion} measured. */
export interface TitleDistortion {
  /** Dice similarity of the two titles, 1 for the same wording. */
  readonly similarity: number;
  /** Share of the pushed title found in the source title. */
  readonly coverage: number;
  /** Sensational terms the pushed title adds, as written in the list. */
  readonly addedSensational: string[];
}

/**
 * A multiset of features as a sorted array: titles have a few dozen
 * features, and merging two sorted arrays is cheaper than hashing them.
 */
type Bag<K> = readonly K[];

/** How many features two sorted bags share, counting repeats. */
function shared<K>(a: Bag<K>, b: Bag<K>): number {
  let count = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const x = a[i] as K;
    const y = b[j] as K;
    if (x === y) count++;
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return count;
}

/** Features of one title, and how many characters each kind covers. */
interface Features {
  /** Bigrams (and lone characters) of Han and kana runs, as numbers. */
  readonly unspaced: number[];
  readonly words: string[];
  /** Bigrams of words padded with a space, as numbers. */
  readonly wordBigrams: number[];
  unspacedChars: number;
  spacedChars: number;
}

const CODE_POINTS = 0x110000;

/** Two code points as one number, exact below 2^53. */
function pair(first: number, second: number): number {
  return first * CODE_POINTS + second;
}

const OTHER = 0;
const UNSPACED = 1;
const SPACED = 2;
type Kind = typeof OTHER | typeof UNSPACED | typeof SPACED;

const UNSPACED_CHAR =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}ー]$/u;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

/**
 * Han, kana and Thai run words together; letters, digits and marks of other
 * scripts make words; the rest separates. The common ranges are tested
 * first, so most characters of a title never reach a regular expression.
 */
function kindOf(cp: number): Kind {
  if (cp < 0x80) {
    const alnum = (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39);
    return alnum || (cp >= 0x41 && cp <= 0x5a) ? SPACED : OTHER;
  }
  if (cp >= 0x4e00 && cp <= 0x9fff) return UNSPACED;
  const char = String.fromCodePoint(cp);
  if (UNSPACED_CHAR.test(char)) return UNSPACED;
  return WORD_CHAR.test(char) ? SPACED : OTHER;
}

function addUnspacedRun(f: Features, run: readonly number[]): void {
  if (run.length === 1) f.unspaced.push(run[0] as number);
  for (let i = 0; i + 1 < run.length; i++) {
    f.unspaced.push(pair(run[i] as number, run[i + 1] as number));
  }
  f.unspacedChars += run.length;
}

function addWord(f: Features, run: readonly number[]): void {
  f.words.push(String.fromCodePoint(...run));
  let previous = 0x20;
  for (const cp of run) {
    f.wordBigrams.push(pair(previous, cp));
    previous = cp;
  }
  f.wordBigrams.push(pair(previous, 0x20));
  f.spacedChars += run.length;
}

function features(text: NormalizedText): Features {
  const f: Features = {
    unspaced: [],
    words: [],
    wordBigrams: [],
    unspacedChars: 0,
    spacedChars: 0,
  };
  let run: number[] = [];
  let runKind: Kind = OTHER;
  const flush = () => {
    if (runKind === UNSPACED) addUnspacedRun(f, run);
    if (runKind === SPACED) addWord(f, run);
    run = [];
  };
  for (const char of text) {
    const cp = char.codePointAt(0) as number;
    const kind = kindOf(cp);
    if (kind !== runKind) flush();
    runKind = kind;
    if (kind !== OTHER) run.push(cp);
  }
  flush();
  f.unspaced.sort((x, y) => x - y);
  f.words.sort();
  f.wordBigrams.sort((x, y) => x - y);
  return f;
}

/** Dice coefficient of two bags; two empty bags are alike. */
function dice<K>(a: Bag<K>, b: Bag<K>): number {
  const total = a.length + b.length;
  return total === 0 ? 1 : (2 * shared(a, b)) / total;
}

/** Share of `a`'s features found in `b`; an empty `a` is covered. */
function containment<K>(a: Bag<K>, b: Bag<K>): number {
  return a.length === 0 ? 1 : shared(a, b) / a.length;
}

type Overlap = <K>(a: Bag<K>, b: Bag<K>) => number;

/**
 * One overlap measure over both kinds of script, weighted by the characters
 * of each kind in `weighOn` (both titles, or the pushed one); undefined when
 * those hold no letters or digits at all.
 */
function combined(
  a: Features,
  b: Features,
  overlap: Overlap,
  weighOn: readonly Features[],
): number | undefined {
  let unspacedWeight = 0;
  let spacedWeight = 0;
  for (const f of weighOn) {
    unspacedWeight += f.unspacedChars;
    spacedWeight += f.spacedChars;
  }
  if (unspacedWeight + spacedWeight === 0) return undefined;
  const unspaced = overlap(a.unspaced, b.unspaced);
  const spaced =
    (overlap(a.words, b.words) + overlap(a.wordBigrams, b.wordBigrams)) / 2;
  const weighted = unspacedWeight * unspaced + spacedWeight * spaced;
  return weighted / (unspacedWeight + spacedWeight);
}

/** Both titles normalised once, with their features. */
interface Pair {
  readonly a: NormalizedText;
  readonly b: NormalizedText;
  readonly fa: Features;
  readonly fb: Features;
}

function pairOf(a: string, b: string): Pair {
  return normalizedPair(normalizeText(a), normalizeText(b));
}

function normalizedPair(a: NormalizedText, b: NormalizedText): Pair {
  return { a, b, fa: features(a), fb: features(b) };
}

/** What an unchanged title measures; most pushes copy their source. */
const UNCHANGED: TitleDistortion = {
  similarity: 1,
  coverage: 1,
  addedSensational: [],
};

function similarityOf({ a, b, fa, fb }: Pair): number {
  return combined(fa, fb, dice, [fa, fb]) ?? (a === b ? 1 : 0);
}

function coverageOf({ a, b, fa, fb }: Pair): number {
  return combined(fa, fb, containment, [fa]) ?? (a === b ? 1 : 0);
}

/**
 * Dice similarity of two titles in 0..1 (see the file comment): symmetric,
 * and lowered by anything either title has that the other lacks, including
 * length. Titles with no letters or digits compare on their normalised text.
 */
export function titleSimilarity(a: string, b: string): number {
  return similarityOf(pairOf(a, b));
}

/**
 * Share of the pushed title's features found in the source title, in 0..1:
 * a faithful shortening scores high (Dice does not), words the source never
 * said score low.
 */
export function titleCoverage(pushed: string, source: string): number {
  return coverageOf(pairOf(pushed, source));
}

/**
 * Compares a pushed title with its source title: how similar they are, how
 * much of the pushed title the source backs, and which sensational terms
 * the pushed title adds. A rule drops the item when a measure falls below
 * the policy's threshold or anything sensational is added.
 */
export function titleDistortion(
  pushed: string,
  source: string,
  sensational: WordList,
): TitleDistortion {
  const a = normalizeText(pushed);
  const b = normalizeText(source);
  if (a === b) return { ...UNCHANGED, addedSensational: [] };
  const titles = normalizedPair(a, b);
  const inSource = new Set(sensational.matches(titles.b));
  const addedSensational = sensational
    .matches(titles.a)
    .filter((term) => !inSource.has(term));
  return {
    similarity: similarityOf(titles),
    coverage: coverageOf(titles),
    addedSensational,
  };
}

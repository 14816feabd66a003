import { normalizeText } from "./normalize.js";
import type { WordList } from "./wordlist.js";

/*
 * How far a pushed title strays from its source title (Art. 5(3): do not
 * distort or tamper with the original meaning of the title). Two signals:
 *
 * - similarity, 0..1: Dice coefficient over features of the normalised
 *   titles. Chinese and Japanese run words together, so their features are
 *   character bigrams within each run of Han or kana (a lone character
 *   counts as itself). Latin and other spaced scripts are compared on words
 *   and on character bigrams inside words (" flood " gives " f", "fl", ...,
 *   "d "), averaged, so that "flood" and "floods" still overlap. The two
 *   halves are weighted by how many characters of each kind the titles
 *   hold, so a Chinese title with one English brand name is judged mostly
 *   as Chinese. Punctuation is ignored: "速看！" and "速看:" are the same.
 * - coverage, 0..1: the same features, as the share of the pushed title's
 *   found in the source. Push titles are often shortened; a faithful
 *   shortening has a low Dice similarity but a high coverage.
 * - sensational additions: terms of a sensational word list found in the
 *   pushed title and not in the source title ("震惊！" put in front of a
 *   faithful copy keeps the similarity near 1 but adds a term).
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

/** A run of Han or kana: no spaces between words. */
const UNSPACED_RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+/gu;

/** A word of a spaced script: letters, digits and marks, not Han or kana. */
const SPACED_WORD =
  /(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}\p{M}])+/gu;

/** A multiset of features. */
type Bag = Map<string, number>;

function add(bag: Bag, feature: string): void {
  bag.set(feature, (bag.get(feature) ?? 0) + 1);
}

function size(bag: Bag): number {
  let total = 0;
  for (const count of bag.values()) total += count;
  return total;
}

/** Features of one title, and how many characters each kind covers. */
interface Features {
  readonly unspaced: Bag;
  readonly words: Bag;
  readonly wordBigrams: Bag;
  readonly unspacedChars: number;
  readonly spacedChars: number;
}

/** Bigrams of a string, or the string itself when it is one character. */
function addBigrams(bag: Bag, text: string): void {
  const chars = [...text];
  if (chars.length === 1) add(bag, text);
  for (let i = 0; i + 1 < chars.length; i++) {
    add(bag, `${chars[i] as string}${chars[i + 1] as string}`);
  }
}

function features(title: string): Features {
  const text = normalizeText(title);
  const unspaced: Bag = new Map();
  const words: Bag = new Map();
  const wordBigrams: Bag = new Map();
  let unspacedChars = 0;
  let spacedChars = 0;
  for (const [run] of text.matchAll(UNSPACED_RUN)) {
    addBigrams(unspaced, run);
    unspacedChars += [...run].length;
  }
  for (const [word] of text.matchAll(SPACED_WORD)) {
    add(words, word);
    addBigrams(wordBigrams, ` ${word} `);
    spacedChars += [...word].length;
  }
  return { unspaced, words, wordBigrams, unspacedChars, spacedChars };
}

/** How many features two multisets share, counting repeats. */
function shared(a: Bag, b: Bag): number {
  let count = 0;
  for (const [feature, n] of a) count += Math.min(n, b.get(feature) ?? 0);
  return count;
}

/** Dice coefficient of two multisets; two empty sets are alike. */
function dice(a: Bag, b: Bag): number {
  const total = size(a) + size(b);
  return total === 0 ? 1 : (2 * shared(a, b)) / total;
}

/** Share of `a`'s features found in `b`; an empty `a` is covered. */
function containment(a: Bag, b: Bag): number {
  const total = size(a);
  return total === 0 ? 1 : shared(a, b) / total;
}

type Overlap = (a: Bag, b: Bag) => number;

/**
 * Combines one overlap measure over both kinds of script, weighted by the
 * characters of each kind in `weighOn` (both titles, or the pushed one).
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

function sameText(a: string, b: string): number {
  return normalizeText(a) === normalizeText(b) ? 1 : 0;
}

/**
 * Dice similarity of two titles in 0..1 (see the file comment): symmetric,
 * and lowered by anything either title has that the other lacks, including
 * length. Titles with no letters or digits compare on their normalised text.
 */
export function titleSimilarity(a: string, b: string): number {
  const fa = features(a);
  const fb = features(b);
  return combined(fa, fb, dice, [fa, fb]) ?? sameText(a, b);
}

/**
 * Share of the pushed title's features found in the source title, in 0..1:
 * a faithful shortening scores high (Dice does not), words the source never
 * said score low.
 */
export function titleCoverage(pushed: string, source: string): number {
  const fp = features(pushed);
  const fs = features(source);
  return combined(fp, fs, containment, [fp]) ?? sameText(pushed, source);
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
  const inSource = new Set(sensational.matches(normalizeText(source)));
  const addedSensational = sensational
    .matches(normalizeText(pushed))
    .filter((term) => !inSource.has(term));
  return {
    similarity: titleSimilarity(pushed, source),
    coverage: titleCoverage(pushed, source),
    addedSensational,
  };
}

import { normalizeText, type NormalizedText } from "../text/normalize.js";
import {
  compileWordList,
  compileWordListSet,
  parseWordList,
  type ListHit,
} from "../text/wordlist.js";
import { readDataFile } from "./data-file.js";

/**
 * Named word lists matched on titles in one scan, with exception phrases
 * masked first. Some listed terms hide inside innocent phrases: 小三
 * (mistress) inside 小三峡 (the Lesser Three Gorges), 倒计时 (countdown
 * bait) inside 高考倒计时 (the exam countdown every paper prints). A list
 * cannot drop such a term without losing the real hits, so the policy
 * names the phrases instead, and they are masked wherever they occur
 * (inside a longer word too) before the lists are read.
 */
export interface TitleWords {
  /**
   * For each list with a hit, its first term as written in the list, in
   * scan order; one shared empty array for the many titles without a hit.
   */
  firstHits(text: NormalizedText): readonly ListHit[];
}

/** Name of the exceptions inside the set; no policy label has a NUL. */
const EXCEPTIONS = "\u0000exceptions";

/** Stands in for a masked phrase: neither a letter nor in any term. */
const MASK = "\u0000";

/**
 * Compiles the lists and exception phrases into one automaton. A title
 * without an exception phrase is scanned once; one with a phrase is
 * scanned again after the phrase is masked.
 */
export function compileTitleWords(
  lists: ReadonlyMap<string, readonly string[]>,
  exceptions: readonly string[] = [],
): TitleWords {
  const set = compileWordListSet(
    exceptions.length === 0
      ? lists
      : new Map([...lists, [EXCEPTIONS, exceptions]]),
  );
  const mask = exceptionMask(exceptions);
  return {
    firstHits(text) {
      const found = set.firstHits(text);
      if (!found.some(isException)) return found;
      return set.firstHits(mask(text)).filter((hit) => !isException(hit));
    },
  };
}

function isException(hit: ListHit): boolean {
  return hit.list === EXCEPTIONS;
}

/** Replaces every exception phrase found in a text by {@link MASK}. */
function exceptionMask(exceptions: readonly string[]) {
  const list = compileWordList(exceptions);
  const keys = new Map(
    exceptions.map((written) => [written, maskKey(written)]),
  );
  return (text: NormalizedText): NormalizedText => {
    let masked: string = text;
    for (const written of list.matches(text)) {
      masked = masked.replaceAll(keys.get(written) ?? written, MASK);
    }
    return masked as NormalizedText;
  };
}

/** The text an exception masks: normalised, `*` ends lifted. */
function maskKey(written: string): string {
  return normalizeText(written.trim().replace(/^\*|\*$/gu, ""));
}

/**
 * Reads word list files by name, each relative to `policyDir`: one term a
 * line (see `parseWordList`). Throws naming the file (and line, for a bad
 * term); called at policy load only.
 */
export function readWordLists(
  policyDir: string,
  files: Readonly<Record<string, string>>,
): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const [name, written] of Object.entries(files)) {
    const text = readDataFile(policyDir, written);
    lists.set(name, parseWordList(text, written));
  }
  return lists;
}

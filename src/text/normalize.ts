/**
 * Text as every matcher in pushguard compares it. A brand, so that a matcher
 * that expects normalised text cannot be handed a raw title by mistake: the
 * only way to get one is {@link normalizeText}.
 */
export type NormalizedText = string & { readonly __normalized: unique symbol };

/**
 * Format characters (zero-width space, joiners, soft hyphen, BOM, bidi
 * marks). They are invisible, so inserting one between two characters of a
 * banned word is a cheap way around a word list; removing them closes that.
 */
const FORMAT_CHARS = /\p{Cf}/gu;

/** Runs of any Unicode white space, including U+3000 ideographic space. */
const WHITE_SPACE = /\s+/gu;

/**
 * Typographic quotes that NFKC keeps. Headlines write "won’t" and "won't"
 * alike; word lists are written with the ASCII forms.
 */
const QUOTES = /[‘’‚‛′]|[“”„‟″]/gu;

function asciiQuote(quote: string): string {
  return "‘’‚‛′".includes(quote) ? "'" : '"';
}

/** What a code unit leaves to do after NFKC: nothing, */
const PLAIN = 0;
/** lower casing, */
const LOWER = 1;
/** the replaces and the trim (a format character, quote or white space), */
const CLEAN = 2;
/** or, for a space, the replaces unless it is a single inner space. */
const SPACE = 4;

/**
 * Printable ASCII, the dashes, bullets and ellipses of general
 * punctuation, CJK punctuation, kana, CJK ideographs and Hangul syllables:
 * no case, format character, quote or white space, as
 * test/text/normalize.test.ts checks for every code unit.
 */
const PLAIN_RANGES = [
  [0x21, 0x7e],
  [0x2010, 0x2017],
  [0x2020, 0x2027],
  [0x3001, 0x30ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
] as const;

/** The work of each UTF-16 code unit; 64 KiB, one read per unit. */
const UNIT_WORK = unitWorkTable();

function unitWorkTable(): Uint8Array {
  const table = new Uint8Array(0x10000).fill(LOWER | CLEAN);
  for (const [from, to] of PLAIN_RANGES) table.fill(PLAIN, from, to + 1);
  table.fill(LOWER, 0x41, 0x5b);
  table[0x20] = SPACE;
  return table;
}

/**
 * Normalises text for matching: NFKC (full-width letters, digits and
 * punctuation become half-width, compatibility forms such as ligatures
 * decompose), then lower case, typographic quotes to ASCII, format
 * characters removed and white space collapsed to one space and trimmed.
 *
 * Every word list, title comparison and source name goes through this one
 * function, so a term written in a list and the same term in a title always
 * compare equal whatever width, case or spacing either was written in.
 */
export function normalizeText(text: string): NormalizedText {
  const composed = text.normalize("NFKC");
  const work = workAfterNfkc(composed);
  const folded = work & LOWER ? composed.toLowerCase() : composed;
  if ((work & CLEAN) === 0) return folded as NormalizedText;
  return folded
    .replace(FORMAT_CHARS, "")
    .replace(QUOTES, asciiQuote)
    .replace(WHITE_SPACE, " ")
    .trim() as NormalizedText;
}

/**
 * What is left to do after NFKC, read off the code units so that most
 * titles skip the passes they do not need: the three replaces and the lower
 * casing were four fifths of this function's time on real headlines (1.0
 * us a title, NFKC 0.2 us); now 0.47 us (bench/results/wordlists.md).
 * A unit outside {@link PLAIN_RANGES} asks for every pass.
 */
function workAfterNfkc(text: string): number {
  let work = PLAIN;
  let afterSpace = true;
  for (let i = 0; i < text.length; i++) {
    const unit = UNIT_WORK[text.charCodeAt(i)] as number;
    if (unit === SPACE) {
      if (afterSpace) work |= CLEAN;
      afterSpace = true;
    } else {
      work |= unit;
      afterSpace = false;
    }
  }
  return afterSpace && text.length > 0 ? work | CLEAN : work;
}

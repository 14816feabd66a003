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
  const folded = text.normalize("NFKC").toLowerCase();
  return folded
    .replace(FORMAT_CHARS, "")
    .replace(QUOTES, asciiQuote)
    .replace(WHITE_SPACE, " ")
    .trim() as NormalizedText;
}

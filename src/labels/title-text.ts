import type { Item } from "../pipeline/item.js";
import { normalizeText, type NormalizedText } from "../text/normalize.js";

/*
 * The normalised titles of an item, computed once per item: the label
 * deriver and the bait rule both match on them, and normalising (NFKC and
 * the rest) costs about as much as one word list scan. Kept on the item
 * (see `Item.titleText`), which lives exactly as long as its request.
 */

/** The pushed title, normalised (see {@link normalizeText}). */
export function titleText(item: Item): NormalizedText {
  return (item.titleText ??= normalizeText(item.candidate.title));
}

/**
 * The source title, normalised; the pushed title's text when the ranker
 * sent the same string, so that the common case costs nothing more.
 */
export function sourceTitleText(item: Item): NormalizedText {
  const { title, sourceTitle } = item.candidate;
  if (sourceTitle === title) return titleText(item);
  return (item.sourceTitleText ??= normalizeText(sourceTitle));
}

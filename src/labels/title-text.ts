import type { Candidate } from "../gen/pushguard/v1/pushguard_pb.js";
import { normalizeText, type NormalizedText } from "../text/normalize.js";

/*
 * The normalised titles of a candidate, computed once per candidate: the
 * label deriver, the bait rule and the title rule all match on them, and
 * normalising (NFKC and the rest) costs about as much as one word list
 * scan. Keyed weakly on the candidate object, so an entry lives exactly as
 * long as the request that holds the candidate.
 */

const titles = new WeakMap<Candidate, NormalizedText>();
const sourceTitles = new WeakMap<Candidate, NormalizedText>();

/** The pushed title, normalised (see {@link normalizeText}). */
export function titleText(candidate: Candidate): NormalizedText {
  let text = titles.get(candidate);
  if (text === undefined) {
    text = normalizeText(candidate.title);
    titles.set(candidate, text);
  }
  return text;
}

/**
 * The source title, normalised; the pushed title's text when the ranker
 * sent the same string, so that the common case costs nothing more.
 */
export function sourceTitleText(candidate: Candidate): NormalizedText {
  if (candidate.sourceTitle === candidate.title) return titleText(candidate);
  let text = sourceTitles.get(candidate);
  if (text === undefined) {
    text = normalizeText(candidate.sourceTitle);
    sourceTitles.set(candidate, text);
  }
  return text;
}

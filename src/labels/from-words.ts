import path from "node:path";
import type { Item } from "../pipeline/item.js";
import type { PolicyProblem } from "../policy/errors.js";
import { problemAt, type ParsedSource } from "../policy/yaml-source.js";
import type { NormalizedText } from "../text/normalize.js";
import type { LabelDeriver } from "./derive.js";
import { sourceTitleText, titleText } from "./title-text.js";
import {
  compileTitleWords,
  readWordLists,
  type TitleWords,
} from "./title-words.js";

/**
 * Labels from word lists (`labels.fromWords`): each list is a label, and a
 * title holding one of its terms gets the label. All lists run in one
 * automaton, built once per policy load, over the normalised pushed title
 * and, when it says something else, the source title: a gossip story
 * pushed under a bland title is still gossip.
 */
export function wordLabelDeriver(words: TitleWords): LabelDeriver {
  return {
    derive(item) {
      const title = titleText(item);
      label(item, words, title, "title word");
      const source = sourceTitleText(item);
      if (source !== "" && source !== title) {
        label(item, words, source, "source title word");
      }
    },
  };
}

function label(
  item: Item,
  words: TitleWords,
  text: NormalizedText,
  origin: string,
): void {
  for (const { list, term } of words.firstHits(text)) {
    if (!item.labels.has(list)) item.labels.set(list, `${origin} ${term}`);
  }
}

/** What `labels.fromWords` compiled to, and what was wrong with it. */
export interface WordLabels {
  /** Derives nothing, and reads no title, when the policy has no lists. */
  readonly deriver: LabelDeriver;
  readonly problems: PolicyProblem[];
}

const NO_LABELS: LabelDeriver = { derive: () => undefined };

const AT = ["labels", "fromWords"];

/**
 * Reads and compiles the policy's `labels.fromWords`. A path is relative to
 * the file of the `extends` chain that wrote the entry (the loaded file
 * first, as its entries win), so a parent's lists keep working from a
 * child in another folder. A file that cannot be read is a problem at its
 * entry; the other lists still compile.
 */
export function compileWordLabels(
  files: readonly ParsedSource[],
  fromWords: Readonly<Record<string, string>>,
  exceptions: readonly string[],
): WordLabels {
  const lists = new Map<string, string[]>();
  const problems: PolicyProblem[] = [];
  for (const [name, written] of Object.entries(fromWords)) {
    const parsed = files.find((file) => file.doc.hasIn([...AT, name]));
    if (parsed === undefined) throw new Error(`no file declares ${name}`);
    try {
      const dir = path.dirname(parsed.file);
      const read = readWordLists(dir, { [name]: written });
      lists.set(name, read.get(name) ?? []);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push(problemAt(parsed, [...AT, name], message));
    }
  }
  if (lists.size === 0) return { deriver: NO_LABELS, problems };
  const words = compileTitleWords(lists, exceptions);
  return { deriver: wordLabelDeriver(words), problems };
}

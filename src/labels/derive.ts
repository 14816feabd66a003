import type { Item } from "../pipeline/item.js";

/**
 * Derives content labels the ranker did not send. Upstream labels are often
 * missing or wrong, so the policy maps topics to regulation classes; a topic
 * rule applies to the topic and every path below it (`entertainment` covers
 * `entertainment/celebrity`).
 */
export interface LabelDeriver {
  derive(item: Item): void;
}

/** A label a topic prefix gives, with the origin it is recorded under. */
interface TopicLabel {
  readonly label: string;
  readonly origin: string;
}

/** Builds a deriver from the policy's `labels.fromTopics` mapping. */
export function topicLabelDeriver(
  fromTopics: Readonly<Record<string, readonly string[]>>,
): LabelDeriver {
  const mapping = new Map(
    Object.entries(fromTopics).map(([prefix, labels]) => [
      prefix,
      labels.map((label) => ({ label, origin: `topic ${prefix}` })),
    ]),
  );
  const starts = firstUnits(mapping.keys());
  return {
    derive(item) {
      for (const topic of item.candidate.topics) {
        if (starts[topic.charCodeAt(0)] === 0) continue;
        labelTopic(item, topic, mapping);
      }
    },
  };
}

const SLASH = "/".charCodeAt(0);

/**
 * The code units some prefix in the mapping starts with, 1 in a table of
 * all units: every prefix of a topic starts as the topic does, so a topic
 * starting otherwise has no label, and most topics are skipped without a
 * slice or a lookup. The empty prefix is the one before a leading `/`; an
 * empty topic reads as undefined and is never skipped.
 */
function firstUnits(prefixes: Iterable<string>): Uint8Array {
  const units = new Uint8Array(0x10000);
  for (const prefix of prefixes) {
    units[prefix === "" ? SLASH : prefix.charCodeAt(0)] = 1;
  }
  return units;
}

/**
 * Labels of `a/b/c`'s prefixes `a`, `a/b`, `a/b/c`, in that order. Slices
 * at each `/` rather than splitting and joining: a Screen of 100
 * candidates has ~500 topics, and the arrays were a quarter of its CPU
 * time. The origins are built with the mapping, not per item.
 */
function labelTopic(
  item: Item,
  topic: string,
  mapping: ReadonlyMap<string, readonly TopicLabel[]>,
): void {
  let end = topic.indexOf("/");
  while (end >= 0) {
    addLabels(item, mapping.get(topic.slice(0, end)));
    end = topic.indexOf("/", end + 1);
  }
  addLabels(item, mapping.get(topic));
}

function addLabels(item: Item, labels: readonly TopicLabel[] | undefined) {
  if (labels === undefined) return;
  for (const { label, origin } of labels) {
    if (!item.labels.has(label)) item.labels.set(label, origin);
  }
}

/** Runs several derivers in order. */
export function combineDerivers(derivers: LabelDeriver[]): LabelDeriver {
  return {
    derive(item) {
      for (const deriver of derivers) deriver.derive(item);
    },
  };
}

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

/** Builds a deriver from the policy's `labels.fromTopics` mapping. */
export function topicLabelDeriver(
  fromTopics: Readonly<Record<string, readonly string[]>>,
): LabelDeriver {
  const mapping = new Map(Object.entries(fromTopics));
  return {
    derive(item) {
      for (const topic of item.candidate.topics) {
        forEachPrefix(topic, (prefix) => {
          for (const label of mapping.get(prefix) ?? []) {
            if (!item.labels.has(label)) {
              item.labels.set(label, `topic ${prefix}`);
            }
          }
        });
      }
    },
  };
}

/**
 * `a/b/c` gives `a`, `a/b`, `a/b/c`. Slices at each `/` rather than
 * splitting and joining: a Screen of 100 candidates has ~500 topics, and
 * the arrays were a quarter of its CPU time.
 */
function forEachPrefix(topic: string, visit: (prefix: string) => void) {
  let end = topic.indexOf("/");
  while (end >= 0) {
    visit(topic.slice(0, end));
    end = topic.indexOf("/", end + 1);
  }
  visit(topic);
}

/** Runs several derivers in order. */
export function combineDerivers(derivers: LabelDeriver[]): LabelDeriver {
  return {
    derive(item) {
      for (const deriver of derivers) deriver.derive(item);
    },
  };
}

import { z } from "zod";
import type { Item } from "../../pipeline/item.js";
import {
  reasonOf,
  type Removal,
  type Rule,
  type RuleOutcome,
} from "../../pipeline/rule.js";
import type { DeliveryRecord } from "../../store/store.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";

/** Pushes in a row that carried each topic, up to the latest push. */
type Runs = Map<string, number>;

/**
 * Art. 5(7): no topic pushed again and again. A push sequence is the
 * user's recorded deliveries (oldest first) followed by this list in push
 * order; an item is removed when one of its topics already ran
 * `maxInARow` pushes in a row. Removed items are not pushed, so they do
 * not extend a run; an item without that topic ends it. Topics compare
 * exactly (`news/newscrime` is not `news`).
 *
 * The list part also stops one list from holding `maxInARow + 1`
 * consecutive items of a topic. It counts the earlier items of the list as
 * pushed, so a policy places it after every rule that removes items from
 * the middle of a list; rules that only cut the tail (slots, caps) may
 * follow. Minors' records keep no topics (Art. 5(7)), so for them only
 * the list part applies.
 */
export const topicStreak = defineRuleType({
  type: "topic-streak",
  summary: "no topic pushed more than maxInARow times in a row",
  params: z.strictObject({
    maxInARow: z.int().min(1).max(50),
  }),
  create(identity, params): Rule {
    const max = params.maxInARow;
    return {
      id: identity.id,
      article: identity.article,
      apply: (items, ctx) =>
        breakStreaks(identity, max, items, historyRuns(ctx.state, max)),
      needsState: true,
    };
  },
});

/** Runs at the end of the history; only the last `max` pushes matter. */
function historyRuns(
  state: { readonly deliveries: readonly DeliveryRecord[] },
  max: number,
): Runs {
  let runs: Runs = new Map();
  for (const delivery of state.deliveries.slice(-max)) {
    runs = extended(runs, delivery.topics);
  }
  return runs;
}

function breakStreaks(
  identity: RuleIdentity,
  max: number,
  items: readonly Item[],
  history: Runs,
): RuleOutcome {
  let runs = history;
  const kept: Item[] = [];
  const removed: Removal[] = [];
  for (const item of items) {
    const { topics } = item.candidate;
    const topic = topics.find((name) => (runs.get(name) ?? 0) >= max);
    if (topic === undefined) {
      kept.push(item);
      runs = extended(runs, topics);
    } else {
      removed.push({ item, reason: streakReason(identity, topic, max) });
    }
  }
  return { kept, removed };
}

/** The runs after one more push with these topics. */
function extended(runs: Runs, topics: readonly string[]): Runs {
  const next: Runs = new Map();
  for (const topic of new Set(topics)) {
    next.set(topic, (runs.get(topic) ?? 0) + 1);
  }
  return next;
}

function streakReason(identity: RuleIdentity, topic: string, max: number) {
  return reasonOf(
    identity,
    "streak.topic",
    `topic ${topic} would be pushed ${max + 1} times in a row (limit ${max})`,
  );
}

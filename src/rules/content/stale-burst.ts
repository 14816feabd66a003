import { timestampMs } from "@bufbuild/protobuf/wkt";
import { z } from "zod";
import type { Item } from "../../pipeline/item.js";
import {
  decideEach,
  reasonOf,
  type DecisionContext,
  type Rule,
} from "../../pipeline/rule.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";
import { kindFilter, kindsSchema, ALL_KINDS } from "./kinds.js";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const paramsSchema = z.strictObject({
  /** An item published longer ago than this is old news. */
  staleAfterDays: z.int().min(1).max(3650),
  /**
   * Old items a topic may carry: in one list, counted in push order; on a
   * topic the user was pushed within `recentHours`, that push counts as
   * the first. Defaults to 1.
   */
  allowance: z.int().min(0).max(100).default(1),
  /** How far back the user's pushes make a topic hot. Defaults to 72. */
  recentHours: z
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
  /**
   * Topics with fewer path segments are channels, not topics (a feed's
   * `stock` channel carries old and new alike); 2 counts only finer
   * topics. Defaults to 1: every topic.
   */
  minTopicDepth: z.int().min(1).max(10).default(1),
  kinds: kindsSchema(ALL_KINDS),
});

type Params = z.output<typeof paramsSchema>;

/**
 * Art. 5(1): no malicious speculation that ties old news to a topic and
 * pushes it in a burst. An item is old when its `publishedAt` lies more
 * than `staleAfterDays` before the decision. Old items are counted per
 * topic, in push order, over this list and the user's recent pushes: on
 * a topic the user was just pushed, the topic is hot and that push opens
 * the burst. Items beyond the allowance are dropped; removed items are
 * not pushed and do not count. Items without `publishedAt` or topics are
 * never old news on a topic. A minor's record keeps no topics, so for
 * minors only the list counts; without the store only the list counts.
 */
export const staleBurst = defineRuleType({
  type: "stale-burst",
  summary: "drops old items bunched on one topic in a list or a hot topic",
  params: paramsSchema,
  create(identity, params): Rule {
    return {
      id: identity.id,
      article: identity.article,
      apply: (items, ctx) => dropBursts(identity, params, items, ctx),
    };
  },
});

/** What one decision knows about bursts: hot topics and counts so far. */
interface Burst {
  readonly identity: RuleIdentity;
  readonly params: Params;
  /**
   * Topics of the user's recent pushes, read at the first old item: most
   * lists hold none, and the user's history holds hundreds of topics.
   */
  readonly hot: () => ReadonlySet<string>;
  /** Old items kept so far per topic, hot topics starting at 1. */
  readonly counts: Map<string, number>;
}

function dropBursts(
  identity: RuleIdentity,
  params: Params,
  items: readonly Item[],
  ctx: DecisionContext,
) {
  const applies = kindFilter(params.kinds);
  let hot: Set<string> | undefined;
  const burst: Burst = {
    identity,
    params,
    hot: () => (hot ??= hotTopics(ctx, params)),
    counts: new Map<string, number>(),
  };
  return decideEach(items, (item) => {
    const age = applies(item.candidate.kind) ? ageDays(item, ctx) : undefined;
    if (age === undefined || age <= params.staleAfterDays) return undefined;
    return countOldItem(burst, item, age);
  });
}

/** Topics of the user's pushes within `recentHours`. */
function hotTopics(ctx: DecisionContext, params: Params): Set<string> {
  const since = ctx.nowMs - params.recentHours * HOUR_MS;
  const hot = new Set<string>();
  for (const delivery of ctx.state.deliveries) {
    if (delivery.atMs < since) continue;
    for (const topic of delivery.topics) hot.add(topic);
  }
  return hot;
}

/** Whole days since publication; undefined when not given. */
function ageDays(item: Item, ctx: DecisionContext): number | undefined {
  const published = item.candidate.publishedAt;
  if (published === undefined) return undefined;
  return Math.floor((ctx.nowMs - timestampMs(published)) / DAY_MS);
}

/**
 * Counts an old item on its topics, or returns why it would exceed the
 * allowance on one of them (then it counts nowhere). Depths are counted,
 * not split, and no topic list is built: about one item in ten of a real
 * list is old, and the arrays were most of this rule's allocations.
 */
function countOldItem(burst: Burst, item: Item, age: number) {
  const { topics } = item.candidate;
  const full = fullestTopic(burst, topics);
  if (full !== undefined) {
    return burstReason(burst, full, age, oldBefore(burst, full));
  }
  const counted = new Set<string>();
  for (const topic of topics) {
    if (!deepEnough(burst, topic) || counted.has(topic)) continue;
    counted.add(topic);
    burst.counts.set(topic, oldBefore(burst, topic) + 1);
  }
  return undefined;
}

/** Old items a topic holds before this one; a hot topic starts at 1. */
function oldBefore(burst: Burst, topic: string): number {
  return burst.counts.get(topic) ?? (burst.hot().has(topic) ? 1 : 0);
}

function deepEnough(burst: Burst, topic: string): boolean {
  return topicDepth(topic) >= burst.params.minTopicDepth;
}

/**
 * Of the topics deep enough whose allowance is used up, the one with the
 * most path segments; the first of equals.
 */
function fullestTopic(
  burst: Burst,
  topics: readonly string[],
): string | undefined {
  let best: string | undefined;
  let bestDepth = 0;
  for (const topic of topics) {
    const depth = topicDepth(topic);
    if (depth < burst.params.minTopicDepth || depth <= bestDepth) continue;
    if (oldBefore(burst, topic) < burst.params.allowance) continue;
    best = topic;
    bestDepth = depth;
  }
  return best;
}

/** Path segments of a topic: `a/b` has 2, as `split("/")` would give. */
function topicDepth(topic: string): number {
  let depth = 1;
  for (let at = topic.indexOf("/"); at >= 0; at = topic.indexOf("/", at + 1)) {
    depth++;
  }
  return depth;
}

function burstReason(burst: Burst, topic: string, age: number, old: number) {
  const { identity, params } = burst;
  const hot = burst.hot().has(topic);
  const inList = old - (hot ? 1 : 0);
  const context = [
    ...(hot
      ? [`pushed to the user in the last ${params.recentHours} hours`]
      : []),
    ...(inList > 0 ? [`after ${oldItems(inList)} in this list`] : []),
  ];
  return reasonOf(
    identity,
    "news.stale_burst",
    [`item published ${age} days ago is old news on topic ${topic}`]
      .concat(context)
      .join(", ") + ` (allowance ${params.allowance})`,
  );
}

function oldItems(count: number): string {
  return count === 1 ? "1 old item" : `${count} old items`;
}

import type { Item } from "../../pipeline/item.js";
import type { DeliveryRecord } from "../../store/store.js";
import type { DiversityParams } from "./diversity-params.js";
import { kindName, topLevelTopics } from "./list-items.js";

const HOUR_MS = 3_600_000;

/** An admitted item as the audit counts it. */
export interface AuditedItem {
  readonly topics: readonly string[];
  /** `news`, `vertical`, ... */
  readonly kind: string;
  readonly classes: ReadonlySet<string>;
}

/** An item of the pipeline as the audit counts it, labels as classes. */
export function auditedItem(item: Item): AuditedItem {
  return {
    topics: item.candidate.topics,
    kind: kindName(item.candidate.kind),
    classes: new Set(item.labels.keys()),
  };
}

/** The decision an admitted list came out of. */
export interface AuditContext {
  readonly slots: number;
  readonly nowMs: number;
  /** The user's pushes before this list, with their classes. */
  readonly history: readonly Pick<DeliveryRecord, "atMs" | "classes">[];
}

/**
 * Every Art. 5(4) maximum that an admitted list breaks, in words; empty
 * when it keeps them all: its length against the slots, the list cap of
 * each class, the room its window cap left after the user's history, the
 * topic share and each kind's maximum share. Minimum shares depend on
 * what the candidates offered, so they are not audited here.
 *
 * Plain counting, written apart from the re-ranker's constraint code, so
 * that tests and replays check the rule's output instead of repeating its
 * arithmetic. Shares count against the slots, with the rule's rounding.
 */
export function auditList(
  admitted: readonly AuditedItem[],
  params: DiversityParams,
  ctx: AuditContext,
): string[] {
  return [
    ...(admitted.length > ctx.slots
      ? [`${admitted.length} items in ${ctx.slots} slots`]
      : []),
    ...auditListCaps(admitted, params),
    ...auditWindows(admitted, params, ctx),
    ...auditTopics(admitted, params, ctx.slots),
    ...auditKinds(admitted, params, ctx.slots),
  ];
}

function auditListCaps(items: readonly AuditedItem[], p: DiversityParams) {
  return Object.entries(p.listCaps ?? {}).flatMap(([cls, cap]) => {
    const n = items.filter((item) => item.classes.has(cls)).length;
    return n > cap ? [`${n} ${cls} items, list cap ${cap}`] : [];
  });
}

function auditWindows(
  items: readonly AuditedItem[],
  p: DiversityParams,
  ctx: AuditContext,
) {
  return Object.entries(p.windowCaps ?? {}).flatMap(([cls, window]) => {
    const sinceMs = ctx.nowMs - window.hours * HOUR_MS;
    const before = ctx.history.filter(
      (d) => d.atMs > sinceMs && d.classes.includes(cls),
    ).length;
    const room = Math.max(0, window.limit - before);
    const n = items.filter((item) => item.classes.has(cls)).length;
    const cap = `${window.limit} per ${window.hours}h, ${before} pushed`;
    return n > room ? [`${n} ${cls} items, window cap ${cap}`] : [];
  });
}

function auditTopics(
  items: readonly AuditedItem[],
  p: DiversityParams,
  slots: number,
) {
  if (p.maxTopicShare === undefined) return [];
  const limit = Math.max(1, countOf(p.maxTopicShare, slots));
  const counts = new Map<string, number>();
  for (const item of items) {
    for (const topic of topLevelTopics(item.topics)) {
      counts.set(topic, (counts.get(topic) ?? 0) + 1);
    }
  }
  return [...counts]
    .filter(([, n]) => n > limit)
    .map(([topic, n]) => `${n} items of topic ${topic}, limit ${limit}`);
}

function auditKinds(
  items: readonly AuditedItem[],
  p: DiversityParams,
  slots: number,
) {
  return Object.entries(p.kindShare ?? {}).flatMap(([kind, bounds]) => {
    if (bounds?.max === undefined) return [];
    const limit = countOf(bounds.max, slots);
    const n = items.filter((item) => item.kind === kind).length;
    return n > limit ? [`${n} ${kind} items, limit ${limit}`] : [];
  });
}

/** share * slots rounded down, forgiving binary fractions (0.29 * 100). */
function countOf(share: number, slots: number) {
  return Math.floor(share * slots + 1e-9);
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CandidateKind } from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import type { Item } from "../../../src/pipeline/item.js";
import type { DecisionContext } from "../../../src/pipeline/rule.js";
import {
  auditedItem,
  auditList,
} from "../../../src/rules/list/diversity-audit.js";
import {
  diversityParamsSchema,
  type DiversityParams,
} from "../../../src/rules/list/diversity-params.js";
import { kindName } from "../../../src/rules/list/list-items.js";
import type { DeliveryRecord } from "../../../src/store/store.js";
import { candidate } from "../../helpers/requests.js";
import { buildRule, decisionContext, items } from "../user/context.js";

const HOUR = 3_600_000;
const CLASSES = ["disaster", "vicious_case", "sensitive_event"];
const TOPICS = ["sports", "sports/nba", "tech", "tech/ai", "finance", "world"];
const KINDS = [
  CandidateKind.NEWS,
  CandidateKind.VERTICAL,
  CandidateKind.AD,
  CandidateKind.PROMOTION,
  CandidateKind.SERVICE,
];

/** Random lists: kinds, topic paths, classes, scores, maybe embeddings. */
const listArb = fc.boolean().chain((embedded) =>
  fc.array(
    fc.record({
      kind: fc.constantFrom(...KINDS),
      topics: fc.subarray(TOPICS, { maxLength: 2 }),
      labels: fc.subarray([...CLASSES, "gossip"]),
      score: fc.double({ min: 0, max: 1, noNaN: true }),
      embedding: embedded
        ? fc.array(fc.double({ min: -1, max: 1, noNaN: true }), {
            minLength: 3,
            maxLength: 3,
          })
        : fc.constant<number[]>([]),
    }),
    { maxLength: 25 },
  ),
);

const shareArb = fc.double({ min: 0, max: 1, noNaN: true });

/** A min and max with min <= max, each maybe absent; mins kept <= 0.5. */
const boundsArb = fc
  .tuple(fc.double({ min: 0, max: 0.5, noNaN: true }), shareArb)
  .chain(([a, b]) =>
    fc.record(
      { min: fc.constant(Math.min(a, b)), max: fc.constant(Math.max(a, b)) },
      { requiredKeys: [] },
    ),
  );

const methodArb = fc.oneof(
  fc.record({ kind: fc.constant("mmr"), lambda: shareArb }),
  fc.record(
    {
      kind: fc.constant("dpp"),
      alpha: fc.double({ min: 0, max: 5, noNaN: true }),
      window: fc.integer({ min: 1, max: 5 }),
    },
    { requiredKeys: ["kind", "alpha"] },
  ),
);

const paramsArb = fc.record(
  {
    method: methodArb,
    maxTopicShare: shareArb,
    kindShare: fc.record(
      { news: boundsArb, vertical: boundsArb },
      { requiredKeys: [] },
    ),
    listCaps: fc.dictionary(
      fc.constantFrom(...CLASSES),
      fc.integer({ min: 0, max: 3 }),
    ),
    windowCaps: fc.dictionary(
      fc.constantFrom(...CLASSES),
      fc.record({
        hours: fc.integer({ min: 1, max: 48 }),
        limit: fc.integer({ min: 0, max: 3 }),
      }),
    ),
  },
  { requiredKeys: ["method"] },
);

/** Up to 6 pushes in the last 72 hours, with classes. */
const historyArb = fc.array(
  fc.record({
    agoMs: fc.integer({ min: 1, max: 72 * HOUR }),
    classes: fc.subarray(CLASSES),
  }),
  { maxLength: 6 },
);

const caseArb = fc.record({
  list: listArb,
  params: paramsArb,
  slots: fc.integer({ min: 1, max: 10 }),
  minor: fc.boolean(),
  history: historyArb,
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function setUp(c: Case) {
  const params = diversityParamsSchema.parse(c.params);
  const rule = buildRule(
    "diversity-rerank",
    c.params,
    "diversity",
    "Art. 5(4)",
  );
  const list = items(...c.list.map((fields, i) => candidate(`c${i}`, fields)));
  const base = decisionContext({ minor: c.minor });
  const deliveries: DeliveryRecord[] = c.history
    .map(({ agoMs, classes }, i) => ({
      itemId: `old${i}`,
      atMs: base.nowMs - agoMs,
      topics: [],
      // The store keeps no classes for minors (Art. 5(7)).
      classes: c.minor ? [] : classes,
      consumption: false,
    }))
    .sort((a, b) => a.atMs - b.atMs);
  const ctx: DecisionContext = {
    ...base,
    slots: c.slots,
    state: { ...base.state, deliveries },
  };
  return { params, rule, list, ctx };
}

const ids = (list: readonly Item[]) => list.map((i) => i.candidate.id);

describe("diversity-rerank on random lists (fast-check)", () => {
  it("admits no list that breaks a cap or a maximum share", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { params, rule, list, ctx } = setUp(c);
        const { kept } = rule.apply(list, ctx);
        const history = ctx.state.deliveries;
        const audit = { slots: ctx.slots, nowMs: ctx.nowMs, history };
        expect(auditList(kept.map(auditedItem), params, audit)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it("never leaves a kind below its minimum while its items wait for slots", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { params, rule, list, ctx } = setUp(c);
        const { kept, removed } = rule.apply(list, ctx);
        for (const kind of unmetMinimums(params, ctx.slots, kept)) {
          const waiting = removed.filter(
            (r) =>
              kindName(r.item.candidate.kind) === kind &&
              r.reason.code === "list.slots",
          );
          expect(waiting).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keeps or removes each candidate once, citing Art. 5(4)", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { rule, list, ctx } = setUp(c);
        const { kept, removed } = rule.apply(list, ctx);
        const seen = [...ids(kept), ...ids(removed.map((r) => r.item))];
        expect(seen.sort()).toEqual(ids(list).sort());
        for (const { reason } of removed) {
          expect(reason.article).toBe("Art. 5(4)");
          expect(reason.code).toMatch(
            /^(cap\.[a-z_]+_(list|window)|diversity\.([a-z]+_share|redundant)|list\.slots)$/,
          );
        }
      }),
    );
  });

  it("gives the same outcome for the same request", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { rule, list, ctx } = setUp(c);
        const first = rule.apply(list, ctx);
        const again = rule.apply(list, ctx);
        expect(ids(again.kept)).toEqual(ids(first.kept));
        expect(again.removed.map((r) => r.reason)).toEqual(
          first.removed.map((r) => r.reason),
        );
      }),
    );
  });
});

/**
 * Kinds whose minimum share the kept items miss, when the reservations
 * fit the slots (when rounding makes them exceed the slots, some cannot
 * all be met, by definition).
 */
function unmetMinimums(
  params: DiversityParams,
  slots: number,
  kept: readonly Item[],
): string[] {
  const reserved = Object.entries(params.kindShare ?? {}).map(([kind, b]) => {
    const max = Math.floor((b?.max ?? 1) * slots + 1e-9);
    return [kind, Math.min(Math.ceil((b?.min ?? 0) * slots - 1e-9), max)];
  }) as [string, number][];
  if (reserved.reduce((sum, [, n]) => sum + n, 0) > slots) return [];
  return reserved
    .filter(
      ([kind, n]) =>
        kept.filter((i) => kindName(i.candidate.kind) === kind).length < n,
    )
    .map(([kind]) => kind);
}

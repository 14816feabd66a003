import { describe, expect, it } from "vitest";
import { toItems } from "../../src/pipeline/item.js";
import {
  itemRule,
  reasonOf,
  type DecisionContext,
} from "../../src/pipeline/rule.js";
import { candidate } from "../helpers/requests.js";

const rule = { id: "no-odd", article: "Art. 5(1)" };
const odd = reasonOf(rule, "test.odd", "odd position");
/** Removes the items whose id ends in an odd digit. */
const noOdd = itemRule(rule.id, rule.article, (item) =>
  Number(item.candidate.id.at(-1)) % 2 === 1 ? odd : undefined,
);
const ctx = {} as DecisionContext;

describe("an item rule", () => {
  it("keeps a list it removes nothing from as the same array", () => {
    const items = toItems(["c0", "c2", "c4"].map((id) => candidate(id)));
    const outcome = noOdd.apply(items, ctx);
    expect(outcome.kept).toBe(items);
    expect(outcome.removed).toEqual([]);
  });

  it("keeps the others in order and removes from the first hit on", () => {
    const ids = ["c0", "c1", "c2", "c3", "c4"];
    const items = toItems(ids.map((id) => candidate(id)));
    const outcome = noOdd.apply(items, ctx);
    expect(outcome.kept.map((i) => i.candidate.id)).toEqual(["c0", "c2", "c4"]);
    expect(outcome.removed.map((r) => [r.item.candidate.id, r.reason])).toEqual(
      [
        ["c1", odd],
        ["c3", odd],
      ],
    );
    expect(items.map((i) => i.candidate.id)).toEqual(ids);
  });

  it("removes a whole list whose first item already fails", () => {
    const items = toItems(["c1", "c3"].map((id) => candidate(id)));
    const outcome = noOdd.apply(items, ctx);
    expect(outcome.kept).toEqual([]);
    expect(outcome.removed).toHaveLength(2);
  });
});

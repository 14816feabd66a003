import { describe, expect, it } from "vitest";
import { toItems } from "../../../src/pipeline/item.js";
import { candidate } from "../../helpers/requests.js";
import { buildRule, decide, decisionContext } from "./context.js";

const rule = buildRule("complaint-threshold", { threshold: 5 }, "Art. 6");
const list = ["a", "b", "c"].map((id) => candidate(id));

describe("complaint-threshold", () => {
  it("keeps the whole list in order when no item is suppressed", () => {
    const ctx = decisionContext({ complaints: new Map() });
    expect(decide(rule, list, ctx)).toEqual({
      kept: ["a", "b", "c"],
      removed: [],
    });
  });

  it("hands the list on as it came when nothing is suppressed", () => {
    const items = toItems(list);
    const ctx = decisionContext({ complaints: new Map() });
    expect(rule.apply(items, ctx).kept).toBe(items);
  });

  it("suppresses an item at the threshold and keeps the rest in order", () => {
    const complaints = new Map([
      ["b", 5],
      ["c", 4],
    ]);
    expect(decide(rule, list, decisionContext({ complaints }))).toEqual({
      kept: ["a", "c"],
      removed: [
        [
          "b",
          "complaint.threshold",
          "5 public complaints reached the threshold of 5",
        ],
      ],
    });
  });
});

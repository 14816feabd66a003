import { describe, expect, it } from "vitest";
import type { DeliveryRecord } from "../../../src/store/store.js";
import { candidate } from "../../helpers/requests.js";
import {
  buildRule,
  decide,
  decisionContext,
  delivery,
  items,
} from "./context.js";

const rule = buildRule(
  "repeat-item",
  { windowHours: 72 },
  "repeat-item",
  "Art. 5(7)",
);

describe("repeat-item within the policy's window", () => {
  it.each<[string, DeliveryRecord[], string[], string[][]]>([
    [
      "drops an item pushed 5 hours ago",
      [delivery("a", "2026-12-01T05:00:00Z")],
      ["b"],
      [
        [
          "a",
          "repeat.item",
          "item was pushed 5.0h ago, within the 72h repeat window",
        ],
      ],
    ],
    [
      "names the latest of several pushes of the item",
      [
        delivery("a", "2026-11-29T10:00:00Z"),
        delivery("a", "2026-12-01T09:30:00Z"),
      ],
      ["b"],
      [
        [
          "a",
          "repeat.item",
          "item was pushed 0.5h ago, within the 72h repeat window",
        ],
      ],
    ],
    [
      "keeps an item pushed exactly 72 hours ago",
      [delivery("a", "2026-11-28T10:00:00Z")],
      ["a", "b"],
      [],
    ],
    [
      "keeps items never pushed",
      [delivery("c", "2026-12-01T09:00:00Z")],
      ["a", "b"],
      [],
    ],
  ])("%s", (_name, deliveries, kept, removed) => {
    const ctx = decisionContext({ state: { deliveries } });
    const list = items(candidate("a"), candidate("b"));
    expect(decide(rule, list, ctx)).toEqual({
      kept,
      removed,
      holdUntil: undefined,
    });
  });

  it("reads the user's state", () => {
    expect(rule.needsState).toBe(true);
  });
});

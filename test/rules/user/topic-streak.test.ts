import { describe, expect, it } from "vitest";
import type { DeliveryRecord } from "../../../src/store/store.js";
import { candidate } from "../../helpers/requests.js";
import {
  buildRule,
  decide,
  decisionContext,
  delivery,
  items,
  topicItems,
} from "./context.js";

const rule = buildRule(
  "topic-streak",
  { maxInARow: 2 },
  "topic-streak",
  "Art. 5(7)",
);
const streak = (topic: string) => [
  "streak.topic",
  `topic ${topic} would be pushed 3 times in a row (limit 2)`,
];

/** Recorded pushes, oldest first, one topic list each. */
function history(...topics: string[][]): DeliveryRecord[] {
  return topics.map((list, i) =>
    delivery(`h${i}`, `2026-12-01T0${i}:00:00Z`, { topics: list }),
  );
}

describe("topic-streak over the history and the list", () => {
  it.each<[string, DeliveryRecord[], string[], string[], string[]]>([
    [
      "a run in the history stops the next item of its topic",
      history(["sports"], ["sports"]),
      ["sports", "tech", "sports"],
      ["t1", "t2"],
      ["t0"],
    ],
    [
      "a removed item does not extend or end the run",
      history(["sports"]),
      ["sports", "sports", "sports"],
      ["t0"],
      ["t1", "t2"],
    ],
    [
      "one list never holds three in a row on its own",
      [],
      ["sports", "sports", "sports", "tech", "sports"],
      ["t0", "t1", "t3", "t4"],
      ["t2"],
    ],
    [
      "a push of another topic ends the run",
      history(["sports"], ["sports"], ["tech"]),
      ["sports", "sports"],
      ["t0", "t1"],
      [],
    ],
    [
      // Minors' records keep no topics, so only the list counts for them.
      "a history without topics leaves only the list",
      history([], []),
      ["sports", "sports", "sports"],
      ["t0", "t1"],
      ["t2"],
    ],
  ])("%s", (_name, deliveries, topics, kept, removedIds) => {
    const ctx = decisionContext({ state: { deliveries } });
    const outcome = decide(rule, topicItems(...topics), ctx);
    expect(outcome.kept).toEqual(kept);
    expect(outcome.removed).toEqual(
      removedIds.map((id) => [id, ...streak("sports")]),
    );
  });

  it("follows each topic of an item with several", () => {
    const ctx = decisionContext({
      state: { deliveries: history(["sports", "nba"], ["nba"]) },
    });
    const list = items(
      candidate("a", { topics: ["sports", "nba"] }),
      candidate("b", { topics: ["sports"] }),
    );
    expect(decide(rule, list, ctx)).toEqual({
      kept: ["b"],
      removed: [["a", ...streak("nba")]],
      holdUntil: undefined,
    });
  });

  it("lets an item without topics through and ends every run", () => {
    const ctx = decisionContext({
      state: { deliveries: history(["sports"], ["sports"]) },
    });
    const list = items(candidate("a", { topics: [] }), candidate("b"));
    expect(decide(rule, list, ctx).kept).toEqual(["a", "b"]);
  });
});

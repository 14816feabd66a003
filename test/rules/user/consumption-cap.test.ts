import { describe, expect, it } from "vitest";
import { CandidateKind } from "../../../src/gen/pushguard/v1/pushguard_pb.js";
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
  "consumption-cap",
  { windows: [{ name: "prompts_day", calendar: "day", limit: 2 }] },
  "consumption-cap",
  "Art. 5(7)",
);
const prompt = (id: string, at: string) =>
  delivery(id, at, { consumption: true });

/** An ad, a news item, a promotion and another ad, in that order. */
const list = items(
  candidate("ad1", { kind: CandidateKind.AD }),
  candidate("n", { kind: CandidateKind.NEWS }),
  candidate("promo", { kind: CandidateKind.PROMOTION }),
  candidate("ad2", { kind: CandidateKind.AD }),
);
const sh = "calendar day in Asia/Shanghai";

describe("consumption-cap on ads and promotions", () => {
  it.each<[string, DeliveryRecord[], string[], string]>([
    [
      "counts the prompts of the list after those pushed today",
      [
        prompt("p", "2026-12-01T01:00:00Z"),
        delivery("x", "2026-12-01T02:00:00Z"),
      ],
      ["ad1", "n"],
      `consumption prompt cap 2 per ${sh} reached (1 pushed, 1 earlier in this list)`,
    ],
    [
      "removes every prompt once the day is full, other items pass",
      [
        prompt("p", "2026-12-01T01:00:00Z"),
        prompt("q", "2026-12-01T02:00:00Z"),
      ],
      ["n"],
      `consumption prompt cap 2 per ${sh} reached (2 pushed)`,
    ],
    [
      // 15:00Z on 30 November was 23:00 the day before in Shanghai.
      "does not count prompts of the previous local day",
      [
        prompt("p", "2026-11-30T15:00:00Z"),
        prompt("q", "2026-11-30T15:30:00Z"),
      ],
      ["ad1", "n", "promo"],
      `consumption prompt cap 2 per ${sh} reached (0 pushed, 2 earlier in this list)`,
    ],
  ])("%s", (_name, deliveries, kept, message) => {
    const ctx = decisionContext({ state: { deliveries } });
    const outcome = decide(rule, list, ctx);
    expect(outcome.kept).toEqual(kept);
    expect(outcome.removed).toEqual(
      ["ad1", "promo", "ad2"]
        .filter((id) => !kept.includes(id))
        .map((id) => [id, "consumption.prompts_day", message]),
    );
  });

  it("counts prompts over a rolling window too", () => {
    const rolling = buildRule("consumption-cap", {
      windows: [{ name: "prompts_24h", hours: 24, limit: 1 }],
    });
    const ctx = decisionContext({
      state: { deliveries: [prompt("p", "2026-11-30T15:00:00Z")] },
    });
    expect(
      decide(rolling, list, ctx).removed.map(([id, code]) => [id, code]),
    ).toEqual([
      ["ad1", "consumption.prompts_24h"],
      ["promo", "consumption.prompts_24h"],
      ["ad2", "consumption.prompts_24h"],
    ]);
  });
});

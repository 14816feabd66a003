import { describe, expect, it } from "vitest";
import { CandidateKind } from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { fatigueBackoff } from "../../../src/rules/user/fatigue-backoff.js";
import { candidate } from "../../helpers/requests.js";
import { buildRule, decide, decisionContext, items, ms } from "./context.js";

const rule = buildRule(
  "fatigue-backoff",
  { afterDismissals: 3, baseMinutes: 30, factor: 2, maxMinutes: 240 },
  "fatigue",
  "Art. 5(7)",
);

/** The decision at 10:00Z for a streak whose last dismissal was at `last`. */
function afterStreak(streak: number, last: string | undefined) {
  const lastDismissalMs = last === undefined ? undefined : ms(last);
  const ctx = decisionContext({
    state: { dismissalStreak: streak, lastDismissalMs },
  });
  return decide(rule, items(candidate("a")), ctx);
}

const paused = (streak: number, minutes: number) => [
  [
    "a",
    "fatigue.backoff",
    `${streak} dismissals in a row; pushes paused ${minutes} minutes after the last one`,
  ],
];

describe("fatigue-backoff grows with each dismissal up to its cap", () => {
  it.each<[number, number, string]>([
    [3, 30, "2026-12-01T10:20:00.000Z"],
    [4, 60, "2026-12-01T10:50:00.000Z"],
    [5, 120, "2026-12-01T11:50:00.000Z"],
    [6, 240, "2026-12-01T13:50:00.000Z"],
    [7, 240, "2026-12-01T13:50:00.000Z"],
    [1000, 240, "2026-12-01T13:50:00.000Z"],
  ])("%i dismissals hold %i minutes", (streak, minutes, holdUntil) => {
    expect(afterStreak(streak, "2026-12-01T09:50:00Z")).toEqual({
      kept: [],
      removed: paused(streak, minutes),
      holdUntil,
    });
  });
});

describe("fatigue-backoff lets pushes through", () => {
  const open = { kept: ["a"], removed: [], holdUntil: undefined };
  it.each<[string, number, string | undefined]>([
    ["below the streak that starts it", 2, "2026-12-01T09:50:00Z"],
    ["once the back-off has passed", 3, "2026-12-01T09:30:00Z"],
    ["when no dismissal time was recorded", 4, undefined],
  ])("%s", (_name, streak, last) => {
    expect(afterStreak(streak, last)).toEqual(open);
  });

  it("for service messages during a back-off", () => {
    const ctx = decisionContext({
      state: {
        dismissalStreak: 5,
        lastDismissalMs: ms("2026-12-01T09:50:00Z"),
      },
    });
    const list = items(candidate("s", { kind: CandidateKind.SERVICE }));
    expect(decide(rule, list, ctx).kept).toEqual(["s"]);
  });
});

describe("fatigue-backoff parameters", () => {
  it("rejects a cap below the first back-off", () => {
    const parsed = fatigueBackoff.params.safeParse({
      afterDismissals: 3,
      baseMinutes: 60,
      factor: 2,
      maxMinutes: 30,
    });
    expect(
      parsed.error?.issues.map((i) => [i.path.join("."), i.message]),
    ).toEqual([["maxMinutes", "maxMinutes must be >= baseMinutes"]]);
  });

  it("reads the user's state", () => {
    expect(rule.needsState).toBe(true);
  });
});

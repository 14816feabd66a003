import { describe, expect, it } from "vitest";
import { frequencyCap } from "../../../src/rules/user/frequency-cap.js";
import { candidate } from "../../helpers/requests.js";
import {
  buildRule,
  decide,
  decisionContext,
  delivery,
  items,
  ms,
  type ContextInit,
} from "./context.js";

const list = (n: number) =>
  items(...Array.from({ length: n }, (_, i) => candidate(`c${i}`)));

const rolling = buildRule("frequency-cap", {
  windows: [
    { name: "hour", hours: 1, limit: 2 },
    { name: "day", hours: 24, limit: 8 },
  ],
});

describe("frequency-cap with rolling windows", () => {
  const everyTwoHours = Array.from({ length: 8 }, (_, i) =>
    delivery(
      `d${i}`,
      new Date(ms("2026-11-30T12:00:00Z") + i * 7_200_000).toISOString(),
    ),
  );
  it.each([
    ["room for the whole list", [], 2, ["c0", "c1"], [], undefined],
    [
      "the list itself fills the hour",
      [],
      3,
      ["c0", "c1"],
      [
        [
          "c2",
          "cap.hour",
          "hour cap 2 per 1h reached (0 pushed, 2 earlier in this list)",
        ],
      ],
      undefined,
    ],
    [
      "a full hour holds until its oldest push is an hour old",
      [
        delivery("x", "2026-12-01T09:20:00Z"),
        delivery("y", "2026-12-01T09:40:00Z"),
      ],
      1,
      [],
      [["c0", "cap.hour", "hour cap 2 per 1h reached (2 pushed)"]],
      "2026-12-01T10:20:00.000Z",
    ],
    [
      "a push older than the hour no longer counts",
      [
        delivery("x", "2026-12-01T08:59:00Z"),
        delivery("y", "2026-12-01T09:40:00Z"),
      ],
      2,
      ["c0"],
      [
        [
          "c1",
          "cap.hour",
          "hour cap 2 per 1h reached (1 pushed, 1 earlier in this list)",
        ],
      ],
      undefined,
    ],
    [
      "a full day holds although the hour is free",
      everyTwoHours,
      1,
      [],
      [["c0", "cap.day", "day cap 8 per 24h reached (8 pushed)"]],
      "2026-12-01T12:00:00.000Z",
    ],
  ])("%s", (_name, deliveries, n, kept, removed, holdUntil) => {
    const ctx = decisionContext({ state: { deliveries } });
    expect(decide(rolling, list(n), ctx)).toEqual({ kept, removed, holdUntil });
  });

  it("holds the whole list within the minimum gap after the last push", () => {
    const rule = buildRule("frequency-cap", {
      windows: [{ name: "day", hours: 24, limit: 8 }],
      minGapMinutes: 30,
    });
    const ctx = decisionContext({
      state: { deliveries: [delivery("x", "2026-12-01T09:45:00Z")] },
    });
    expect(decide(rule, list(2), ctx)).toEqual({
      kept: [],
      removed: [
        ["c0", "cap.min_gap", "last push was less than 30 minutes ago"],
        ["c1", "cap.min_gap", "last push was less than 30 minutes ago"],
      ],
      holdUntil: "2026-12-01T10:15:00.000Z",
    });
  });
});

const calendarDay = buildRule("frequency-cap", {
  windows: [{ name: "day", calendar: "day", limit: 3 }],
});

/** Three pushes in the early UTC hours of 1 December. */
const early = [
  delivery("x", "2026-12-01T03:00:00Z"),
  delivery("y", "2026-12-01T04:30:00Z"),
  delivery("z", "2026-12-01T06:00:00Z"),
];

describe("frequency-cap with a calendar day in the user's time zone", () => {
  it.each<
    [string, ContextInit, number, string[], unknown[], string | undefined]
  >([
    [
      // 10:00Z is 18:00 in Shanghai: all three pushes were today there.
      "Shanghai counts the pushes since its midnight (16:00Z)",
      { timeZone: "Asia/Shanghai", state: { deliveries: early } },
      1,
      [],
      [
        [
          "c0",
          "cap.day",
          "day cap 3 per calendar day in Asia/Shanghai reached (3 pushed)",
        ],
      ],
      "2026-12-01T16:00:00.000Z",
    ],
    [
      // 10:00Z is 05:00 in New York: only the 06:00Z push was today there.
      "New York counts only the pushes since its midnight (05:00Z)",
      { timeZone: "America/New_York", state: { deliveries: early } },
      3,
      ["c0", "c1"],
      [
        [
          "c2",
          "cap.day",
          "day cap 3 per calendar day in America/New_York reached (1 pushed, 2 earlier in this list)",
        ],
      ],
      undefined,
    ],
    [
      // 23:30 EDT on 8 March, the day clocks sprang forward: the day
      // began at 05:00Z (EST), not 04:00Z as today's offset would say.
      "the New York spring-forward day starts at its real midnight",
      {
        timeZone: "America/New_York",
        now: "2026-03-09T03:30:00Z",
        state: {
          deliveries: [
            delivery("x", "2026-03-08T04:30:00Z"),
            delivery("y", "2026-03-08T05:30:00Z"),
            delivery("z", "2026-03-09T03:00:00Z"),
          ],
        },
      },
      2,
      ["c0"],
      [
        [
          "c1",
          "cap.day",
          "day cap 3 per calendar day in America/New_York reached (2 pushed, 1 earlier in this list)",
        ],
      ],
      undefined,
    ],
    [
      "a full spring-forward day resets at the next midnight, 23h later",
      {
        timeZone: "America/New_York",
        now: "2026-03-09T03:30:00Z",
        state: {
          deliveries: [
            delivery("x", "2026-03-08T05:00:00Z"),
            delivery("y", "2026-03-08T05:30:00Z"),
            delivery("z", "2026-03-09T03:00:00Z"),
          ],
        },
      },
      1,
      [],
      [
        [
          "c0",
          "cap.day",
          "day cap 3 per calendar day in America/New_York reached (3 pushed)",
        ],
      ],
      "2026-03-09T04:00:00.000Z",
    ],
    [
      // 23:30 EST on 1 November, the 25-hour day: its 00:30 EDT push is
      // 24h and a half ago and still counts, unlike in a rolling 24h.
      "the New York fall-back day is 25 hours long",
      {
        timeZone: "America/New_York",
        now: "2026-11-02T04:30:00Z",
        state: {
          deliveries: [
            delivery("w", "2026-11-01T03:30:00Z"),
            delivery("x", "2026-11-01T04:00:00Z"),
            delivery("y", "2026-11-01T04:30:00Z"),
            delivery("z", "2026-11-02T04:00:00Z"),
          ],
        },
      },
      1,
      [],
      [
        [
          "c0",
          "cap.day",
          "day cap 3 per calendar day in America/New_York reached (3 pushed)",
        ],
      ],
      "2026-11-02T05:00:00.000Z",
    ],
  ])("%s", (_name, init, n, kept, removed, holdUntil) => {
    const ctx = decisionContext(init);
    expect(decide(calendarDay, list(n), ctx)).toEqual({
      kept,
      removed,
      holdUntil,
    });
  });

  it("hands the commit the window since local midnight, to the millisecond", () => {
    const ctx = decisionContext({ timeZone: "Asia/Shanghai" });
    expect(calendarDay.commitLimits?.(ctx)).toEqual({
      caps: [
        {
          name: "day",
          limit: 3,
          windowMs: 18 * 3_600_000 + 1,
          resetAtMs: ms("2026-12-01T16:00:00Z"),
          span: "calendar day in Asia/Shanghai",
        },
      ],
      minGapMs: 0,
    });
  });
});

describe("frequency-cap for members and ordinary users", () => {
  const tiered = buildRule("frequency-cap", {
    windows: [{ name: "day", hours: 24, limit: 2 }],
    tiers: {
      member: {
        windows: [{ name: "day", hours: 24, limit: 4 }],
        reason: "members asked for live match alerts in their contract",
      },
    },
  });
  const pushedTwice = {
    deliveries: [
      delivery("x", "2026-12-01T06:00:00Z"),
      delivery("y", "2026-12-01T07:00:00Z"),
    ],
  };

  it.each([
    ["an ordinary user gets the base caps", false, [], 2],
    ["a member gets the member caps the policy explained", true, ["c0"], 4],
  ])("%s", (_name, member, kept, limit) => {
    const ctx = decisionContext({ member, state: pushedTwice });
    expect(decide(tiered, list(1), ctx).kept).toEqual(kept);
    expect(tiered.commitLimits?.(ctx).caps.map((cap) => cap.limit)).toEqual([
      limit,
    ]);
  });

  it("gives members the base caps when the policy sets no member caps", () => {
    const ctx = decisionContext({ member: true, state: pushedTwice });
    const rule = buildRule("frequency-cap", {
      windows: [{ name: "day", hours: 24, limit: 2 }],
    });
    expect(decide(rule, list(1), ctx).removed).toEqual([
      ["c0", "cap.day", "day cap 2 per 24h reached (2 pushed)"],
    ]);
  });
});

describe("frequency-cap parameters", () => {
  const base = { windows: [{ name: "day", hours: 24, limit: 2 }] };
  const memberCaps = { windows: [{ name: "day", hours: 24, limit: 4 }] };
  const unexplained =
    "member caps differ from ordinary users' caps; state why in a non-empty reason";
  it.each<[string, Record<string, unknown>, [string, string][]]>([
    [
      "a member override without a reason",
      { ...base, tiers: { member: memberCaps } },
      [["tiers.member.reason", unexplained]],
    ],
    [
      "a member override with a blank reason",
      { ...base, tiers: { member: { ...memberCaps, reason: "  " } } },
      [["tiers.member.reason", unexplained]],
    ],
    [
      "a window with neither hours nor calendar",
      { windows: [{ name: "day", limit: 2 }] },
      [["windows.0.hours", "a window needs hours (rolling) or calendar: day"]],
    ],
    [
      "a window with both hours and calendar",
      { windows: [{ name: "day", hours: 24, calendar: "day", limit: 2 }] },
      [
        [
          "windows.0.calendar",
          "a window is rolling (hours) or calendar: day, not both",
        ],
      ],
    ],
  ])("rejects %s", (_name, params, issues) => {
    const parsed = frequencyCap.params.safeParse(params);
    expect(
      parsed.error?.issues.map((issue) => [
        issue.path.join("."),
        issue.message,
      ]),
    ).toEqual(issues);
  });
});

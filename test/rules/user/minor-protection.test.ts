import { describe, expect, it } from "vitest";
import {
  CandidateKind,
  Targeting,
} from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate } from "../../helpers/requests.js";
import {
  buildRule,
  decide,
  decisionContext,
  delivery,
  items,
  type ContextInit,
} from "./context.js";

const protection = buildRule(
  "minor-protection",
  {
    nightHours: { start: "22:00", end: "08:00", action: "hold" },
    unsuitableLabels: ["minor_unsuitable"],
  },
  "minor-protection",
  "Art. 5(7)",
);

const list = () => {
  const derived = items(
    candidate("plain"),
    candidate("profiled", { targeting: Targeting.PROFILE }),
    candidate("labelled", { labels: ["minor_unsuitable"] }),
    candidate("derived", { targeting: Targeting.EDITORIAL }),
  );
  derived[3]?.labels.set("minor_unsuitable", "topic games/lootbox");
  return derived;
};

describe("minor-protection on content", () => {
  it("drops profile-targeted and unsuitable items for a minor", () => {
    const ctx = decisionContext({ minor: true });
    expect(decide(protection, list(), ctx)).toEqual({
      kept: ["plain"],
      removed: [
        [
          "profiled",
          "minor.profile_targeting",
          "item was chosen from a personal profile; minors are not profiled",
        ],
        [
          "labelled",
          "minor.unsuitable",
          "item is labelled minor_unsuitable (upstream); not pushed to minors",
        ],
        [
          "derived",
          "minor.unsuitable",
          "item is labelled minor_unsuitable (topic games/lootbox); not pushed to minors",
        ],
      ],
      holdUntil: undefined,
    });
  });

  it("leaves adults' lists untouched", () => {
    const ctx = decisionContext({ minor: false });
    expect(decide(protection, list(), ctx).kept).toEqual([
      "plain",
      "profiled",
      "labelled",
      "derived",
    ]);
  });

  it("keeps working when the store is down", () => {
    const ctx = decisionContext({ minor: true, stateAvailable: false });
    expect(protection.needsState).toBeFalsy();
    expect(decide(protection, list(), ctx).kept).toEqual(["plain"]);
  });
});

describe("minor-protection at night", () => {
  const held = "quiet hours 22:00-08:00 in Asia/Shanghai; held until 08:00";
  it.each<[string, ContextInit, string[], string | undefined]>([
    [
      "holds a minor's push at 07:30 until 08:00",
      { minor: true, now: "2026-12-01T23:30:00Z" },
      [],
      "2026-12-02T00:00:00.000Z",
    ],
    [
      "lets a minor's push through at 08:00",
      { minor: true, now: "2026-12-02T00:00:00Z" },
      ["plain"],
      undefined,
    ],
    [
      "lets an adult's push through at 23:00",
      { minor: false, now: "2026-12-01T15:00:00Z" },
      ["plain"],
      undefined,
    ],
  ])("%s", (_name, init, kept, holdUntil) => {
    const outcome = decide(
      protection,
      items(candidate("plain")),
      decisionContext(init),
    );
    expect(outcome).toEqual({
      kept,
      removed: holdUntil ? [["plain", "minor.night.hold", held]] : [],
      holdUntil,
    });
  });

  it("reports content reasons before the night hold", () => {
    const ctx = decisionContext({ minor: true, now: "2026-12-01T15:00:00Z" });
    const list = items(
      candidate("profiled", { targeting: Targeting.PROFILE }),
      candidate("plain"),
      candidate("s", { kind: CandidateKind.SERVICE }),
    );
    expect(decide(protection, list, ctx)).toMatchObject({
      kept: ["s"],
      removed: [
        ["profiled", "minor.profile_targeting", expect.any(String)],
        ["plain", "minor.night.hold", expect.any(String)],
      ],
    });
  });
});

const caps = buildRule(
  "minor-caps",
  {
    windows: [
      { name: "minor_hour", hours: 1, limit: 1 },
      { name: "minor_day", calendar: "day", limit: 2 },
    ],
  },
  "minor-caps",
  "Art. 5(7)",
);
const twoToday = {
  deliveries: [
    delivery("x", "2026-12-01T02:00:00Z", { topics: [] }),
    delivery("y", "2026-12-01T03:00:00Z", { topics: [] }),
  ],
};

describe("minor-caps", () => {
  it("holds a minor whose local day is full until local midnight", () => {
    const ctx = decisionContext({ minor: true, state: twoToday });
    expect(decide(caps, items(candidate("a")), ctx)).toEqual({
      kept: [],
      removed: [
        [
          "a",
          "minor.cap.minor_day",
          "minor_day cap 2 per calendar day in Asia/Shanghai reached (2 pushed)",
        ],
      ],
      holdUntil: "2026-12-01T16:00:00.000Z",
    });
  });

  it("keeps one push an hour for a minor", () => {
    const ctx = decisionContext({ minor: true });
    expect(
      decide(caps, items(candidate("a"), candidate("b")), ctx).removed,
    ).toEqual([
      [
        "b",
        "minor.cap.minor_hour",
        "minor_hour cap 1 per 1h reached (0 pushed, 1 earlier in this list)",
      ],
    ]);
  });

  it("gives a commit the minor's caps and nothing for an adult", () => {
    const minor = caps.commitLimits?.(decisionContext({ minor: true }));
    const adult = caps.commitLimits?.(decisionContext({ minor: false }));
    expect(minor?.caps.map((cap) => [cap.name, cap.limit])).toEqual([
      ["minor_hour", 1],
      ["minor_day", 2],
    ]);
    expect(adult).toEqual({ caps: [], minGapMs: 0 });
  });

  it.each<[string, boolean, string[]]>([
    ["fails closed for a minor when the store is down", true, []],
    ["leaves an adult to the other rules when the store is down", false, ["a"]],
  ])("%s", (_name, minor, kept) => {
    const ctx = decisionContext({
      minor,
      state: twoToday,
      stateAvailable: false,
    });
    const outcome = decide(caps, items(candidate("a")), ctx);
    expect(outcome.kept).toEqual(kept);
    expect(outcome.removed).toEqual(
      minor
        ? [
            [
              "a",
              "state.unavailable",
              "user state could not be read; minors' caps fail closed",
            ],
          ]
        : [],
    );
  });
});

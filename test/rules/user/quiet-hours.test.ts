import { describe, expect, it } from "vitest";
import { CandidateKind } from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { quietHours } from "../../../src/rules/user/quiet-hours.js";
import { candidate } from "../../helpers/requests.js";
import { buildRule, decide, decisionContext, items } from "./context.js";

const night = { start: "22:00", end: "07:00" };
const hold = buildRule("quiet-hours", { ...night, action: "hold" });
const drop = buildRule("quiet-hours", { ...night, action: "drop" });
const heldSh = "quiet hours 22:00-07:00 in Asia/Shanghai; held until 07:00";
const heldNy = "quiet hours 22:00-07:00 in America/New_York; held until 07:00";

describe("quiet-hours crossing midnight, held until they end", () => {
  it.each<[string, string, string, string | undefined, string | undefined]>([
    [
      "21:59 in Shanghai is before them",
      "2026-12-01T13:59:00Z",
      "Asia/Shanghai",
      undefined,
      undefined,
    ],
    [
      "22:00 in Shanghai starts them",
      "2026-12-01T14:00:00Z",
      "Asia/Shanghai",
      heldSh,
      "2026-12-01T23:00:00.000Z",
    ],
    [
      "04:00 in Shanghai, after midnight, is inside",
      "2026-12-01T20:00:00Z",
      "Asia/Shanghai",
      heldSh,
      "2026-12-01T23:00:00.000Z",
    ],
    [
      "07:00 in Shanghai ends them",
      "2026-12-01T23:00:00Z",
      "Asia/Shanghai",
      undefined,
      undefined,
    ],
    [
      "the same instant is 09:30 in New York",
      "2026-12-01T14:30:00Z",
      "America/New_York",
      undefined,
      undefined,
    ],
    [
      "22:30 in New York holds until 07:00 EST",
      "2026-12-02T03:30:00Z",
      "America/New_York",
      heldNy,
      "2026-12-02T12:00:00.000Z",
    ],
    // 23:00 EST on 7 March; clocks spring forward at 02:00, so 07:00 EDT
    // comes 7 hours later, not 8.
    [
      "the spring-forward night is an hour shorter",
      "2026-03-08T04:00:00Z",
      "America/New_York",
      heldNy,
      "2026-03-08T11:00:00.000Z",
    ],
  ])("%s", (_name, now, timeZone, message, holdUntil) => {
    const ctx = decisionContext({ now, timeZone });
    const removed = message ? [["a", "quiet_hours.hold", message]] : [];
    expect(decide(hold, items(candidate("a")), ctx)).toEqual({
      kept: message ? [] : ["a"],
      removed,
      holdUntil,
    });
  });
});

describe("quiet-hours actions and exceptions", () => {
  const late = decisionContext({ now: "2026-12-01T15:00:00Z" });
  const service = candidate("s", { kind: CandidateKind.SERVICE });

  it("drops without a time to come back when the policy says drop", () => {
    expect(decide(drop, items(candidate("a")), late)).toEqual({
      kept: [],
      removed: [
        [
          "a",
          "quiet_hours.drop",
          "quiet hours 22:00-07:00 in Asia/Shanghai; dropped",
        ],
      ],
      holdUntil: undefined,
    });
  });

  it("lets service messages through unless the policy says otherwise", () => {
    const strict = buildRule("quiet-hours", {
      ...night,
      action: "hold",
      passServiceMessages: false,
    });
    const list = items(candidate("a"), service);
    expect(decide(hold, list, late).kept).toEqual(["s"]);
    expect(decide(strict, list, late).kept).toEqual([]);
  });

  it("does not ask for a hold when only service messages were listed", () => {
    expect(decide(hold, items(service), late)).toEqual({
      kept: ["s"],
      removed: [],
      holdUntil: undefined,
    });
  });

  it("keeps a span within one day, such as a midday rest", () => {
    const rest = buildRule("quiet-hours", {
      start: "12:00",
      end: "14:00",
      action: "hold",
    });
    const noon = decisionContext({ now: "2026-12-01T05:00:00Z" });
    expect(decide(rest, items(candidate("a")), noon).holdUntil).toBe(
      "2026-12-01T06:00:00.000Z",
    );
    expect(decide(rest, items(candidate("a")), late).kept).toEqual(["a"]);
  });

  it("runs without the user's state", () => {
    expect(hold.needsState).toBeFalsy();
  });
});

describe("quiet-hours parameters", () => {
  it.each<[string, Record<string, unknown>, [string, string][]]>([
    [
      "a time that is not a time of day",
      { start: "24:00", end: "07:00", action: "hold" },
      [["start", "time of day must look like 22:00"]],
    ],
    [
      "quiet hours that end when they start",
      { start: "22:00", end: "22:00", action: "drop" },
      [["end", "quiet hours must end at another time than they start"]],
    ],
  ])("rejects %s", (_name, params, issues) => {
    const parsed = quietHours.params.safeParse(params);
    expect(
      parsed.error?.issues.map((issue) => [
        issue.path.join("."),
        issue.message,
      ]),
    ).toEqual(issues);
  });
});

import { timestampDate } from "@bufbuild/protobuf/wkt";
import type * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPushguard } from "../../../src/app.js";
import {
  AgeBand,
  CandidateKind,
  FeedbackEvent,
  Targeting,
  type Candidate,
  type ScreenResponse,
} from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { MemoryStore } from "../../../src/store/memory.js";
import { candidate, screenRequest } from "../../helpers/requests.js";
import {
  call,
  pushguardClient,
  startTestServer,
} from "../../helpers/server.js";
import { ms } from "./context.js";

/**
 * Each per-user rule of policies/default.yaml, through gRPC and the real
 * store: history is built by committed Screens and RecordFeedback, never
 * preloaded behind the service's back.
 */

let running: RunningPushguard;
let client: grpc.Client;
const store = new MemoryStore();

beforeAll(async () => {
  running = await startTestServer({}, { store });
  client = pushguardClient(running.grpcPort);
});

afterAll(async () => {
  client.close();
  await running.stop();
});

const stamp = (iso: string) => ({ seconds: BigInt(ms(iso) / 1000) });

interface Ask {
  readonly user: string;
  readonly at: string;
  readonly candidates: Candidate[];
  readonly commit?: boolean;
  readonly minor?: boolean;
  readonly timeZone?: string;
}

function screen(ask: Ask): Promise<ScreenResponse> {
  const request = screenRequest({
    user: {
      id: ask.user,
      timeZone: ask.timeZone ?? "Asia/Shanghai",
      ageBand: ask.minor ? AgeBand.MINOR : AgeBand.ADULT,
    },
    now: stamp(ask.at),
    commit: ask.commit ?? false,
    candidates: ask.candidates,
  });
  return call<ScreenResponse>(client, "screen", request);
}

const admitted = (res: ScreenResponse) =>
  res.admitted.map((a) => a.candidateId);
const firstReason = (res: ScreenResponse) => res.dropped[0]?.reasons[0];
const nextAllowed = (res: ScreenResponse) =>
  res.budget?.nextAllowedAt &&
  timestampDate(res.budget.nextAllowedAt).toISOString();

describe("quiet-hours", () => {
  it("holds a push at 23:00 in Shanghai until 07:00 there", async () => {
    const res = await screen({
      user: "u-quiet",
      at: "2026-12-01T15:00:00Z",
      candidates: [candidate("a")],
    });
    expect(firstReason(res)).toMatchObject({
      ruleId: "quiet-hours",
      code: "quiet_hours.hold",
      article: "Art. 5(6)",
      message: "quiet hours 22:00-07:00 in Asia/Shanghai; held until 07:00",
    });
    expect(nextAllowed(res)).toBe("2026-12-01T23:00:00.000Z");
  });

  it("pushes at the same instant to a user in New York (10:00 there)", async () => {
    const res = await screen({
      user: "u-quiet-ny",
      at: "2026-12-01T15:00:00Z",
      timeZone: "America/New_York",
      candidates: [candidate("a")],
    });
    expect(admitted(res)).toEqual(["a"]);
  });
});

describe("fatigue-backoff", () => {
  it("pauses an hour after three dismissals reported by the sender", async () => {
    for (const [i, at] of ["09:30", "09:40", "09:50"].entries()) {
      await call(client, "recordFeedback", {
        feedbackId: `f-${i}`,
        userId: "u-fatigue",
        candidateId: `old-${i}`,
        event: FeedbackEvent.DISMISSED,
        at: stamp(`2026-12-01T${at}:00Z`),
      });
    }
    const res = await screen({
      user: "u-fatigue",
      at: "2026-12-01T10:00:00Z",
      candidates: [candidate("a")],
    });
    expect(firstReason(res)).toMatchObject({
      ruleId: "fatigue-backoff",
      code: "fatigue.backoff",
      article: "Art. 5(7)",
      message:
        "3 dismissals in a row; pushes paused 60 minutes after the last one",
    });
    expect(nextAllowed(res)).toBe("2026-12-01T10:50:00.000Z");
  });
});

describe("repeat-item", () => {
  it("does not push a committed item again two hours later", async () => {
    const first = await screen({
      user: "u-repeat",
      at: "2026-12-01T08:00:00Z",
      commit: true,
      candidates: [candidate("a")],
    });
    expect(admitted(first)).toEqual(["a"]);
    const again = await screen({
      user: "u-repeat",
      at: "2026-12-01T10:00:00Z",
      candidates: [candidate("a"), candidate("b")],
    });
    expect(admitted(again)).toEqual(["b"]);
    expect(firstReason(again)).toMatchObject({
      ruleId: "repeat-item",
      code: "repeat.item",
      message: "item was pushed 2.0h ago, within the 72h repeat window",
    });
  });
});

describe("topic-streak", () => {
  it("stops a fourth tech push in a row and pushes sports instead", async () => {
    for (const [i, at] of ["06:00", "07:30", "09:00"].entries()) {
      await screen({
        user: "u-streak",
        at: `2026-12-01T${at}:00Z`,
        commit: true,
        candidates: [candidate(`old-${i}`, { topics: ["tech"] })],
      });
    }
    const res = await screen({
      user: "u-streak",
      at: "2026-12-01T10:00:00Z",
      candidates: [
        candidate("t", { topics: ["tech"] }),
        candidate("s", { topics: ["sports"] }),
      ],
    });
    expect(admitted(res)).toEqual(["s"]);
    expect(firstReason(res)).toMatchObject({
      ruleId: "topic-streak",
      code: "streak.topic",
      message: "topic tech would be pushed 4 times in a row (limit 3)",
    });
  });
});

describe("consumption-cap", () => {
  const promotion = (id: string) =>
    candidate(id, {
      kind: CandidateKind.PROMOTION,
      ad: { label: "广告", oneClickClose: true },
    });

  // Every item here has the topic sports: the news item is the third
  // sports push in a row only because the promotion before it is removed,
  // which is why topic-streak runs after consumption-cap.
  it("removes a third promotion in the user's local day", async () => {
    for (const [i, at] of ["02:00", "05:00"].entries()) {
      await screen({
        user: "u-prompts",
        at: `2026-12-01T${at}:00Z`,
        commit: true,
        candidates: [promotion(`p-${i}`)],
      });
    }
    const res = await screen({
      user: "u-prompts",
      at: "2026-12-01T10:00:00Z",
      candidates: [promotion("p-2"), candidate("n")],
    });
    expect(admitted(res)).toEqual(["n"]);
    expect(firstReason(res)).toMatchObject({
      ruleId: "consumption-cap",
      code: "consumption.prompts_day",
      message:
        "consumption prompt cap 2 per calendar day in Asia/Shanghai reached (2 pushed)",
    });
  });
});

describe("daily-cap", () => {
  it("holds a user whose hour is full until the oldest push is an hour old", async () => {
    await screen({
      user: "u-cap",
      at: "2026-12-01T09:20:00Z",
      commit: true,
      candidates: [candidate("a", { topics: ["tech"] }), candidate("b")],
    });
    const res = await screen({
      user: "u-cap",
      at: "2026-12-01T10:00:00Z",
      candidates: [candidate("c")],
    });
    expect(firstReason(res)).toMatchObject({
      ruleId: "daily-cap",
      code: "cap.hour",
      message: "hour cap 2 per 1h reached (2 pushed)",
    });
    expect(nextAllowed(res)).toBe("2026-12-01T10:20:00.000Z");
  });
});

describe("minor-protection", () => {
  it("drops a profile-targeted item for a minor and keeps it for an adult", async () => {
    const profiled = candidate("p", { targeting: Targeting.PROFILE });
    const ask = { at: "2026-12-01T10:00:00Z", candidates: [profiled] };
    const minor = await screen({ ...ask, user: "u-minor-p", minor: true });
    const adult = await screen({ ...ask, user: "u-adult-p" });
    expect(firstReason(minor)).toMatchObject({
      ruleId: "minor-protection",
      code: "minor.profile_targeting",
      article: "Art. 5(7)",
      message:
        "item was chosen from a personal profile; minors are not profiled",
    });
    expect(admitted(adult)).toEqual(["p"]);
  });

  it("holds a minor's push at 07:30 until 08:00", async () => {
    const res = await screen({
      user: "u-minor-night",
      at: "2026-12-01T23:30:00Z",
      minor: true,
      candidates: [candidate("a")],
    });
    expect(firstReason(res)).toMatchObject({
      code: "minor.night.hold",
      message: "quiet hours 22:00-08:00 in Asia/Shanghai; held until 08:00",
    });
    expect(nextAllowed(res)).toBe("2026-12-02T00:00:00.000Z");
  });
});

describe("minor-caps", () => {
  it("lets one push an hour through for a minor and reports the budget", async () => {
    const ask = { user: "u-minor-cap", minor: true, commit: true };
    const first = await screen({
      ...ask,
      at: "2026-12-01T09:30:00Z",
      candidates: [candidate("a"), candidate("b", { topics: ["tech"] })],
    });
    expect(admitted(first)).toEqual(["a"]);
    expect(first.dropped[0]?.reasons[0]).toMatchObject({
      ruleId: "minor-caps",
      code: "minor.cap.minor_hour",
      message:
        "minor_hour cap 1 per 1h reached (0 pushed, 1 earlier in this list)",
    });
    const later = await screen({
      ...ask,
      at: "2026-12-01T10:00:00Z",
      candidates: [candidate("c")],
    });
    expect(
      later.budget?.windows.map((w) => [w.window, w.limit, w.remaining]),
    ).toEqual([
      ["hour", 2, 1],
      ["day", 8, 7],
      ["minor_hour", 1, 0],
      ["minor_day", 3, 2],
      ["prompts_day", 2, 2],
    ]);
    expect(nextAllowed(later)).toBe("2026-12-01T10:30:00.000Z");
  });
});

describe("what the store keeps about a minor (Art. 5(7))", () => {
  const crime = () =>
    candidate("crime", { topics: ["news/newscrime", "city"] });

  it.each([
    ["a minor's record holds the time, never topics or classes", true, [], []],
    [
      "an adult's record holds topics and classes",
      false,
      ["news/newscrime", "city"],
      ["vicious_case"],
    ],
  ])("%s", async (_name, minor, topics, classes) => {
    const user = minor ? "u-minor-record" : "u-adult-record";
    const res = await screen({
      user,
      minor,
      at: "2026-12-01T10:00:00Z",
      commit: true,
      candidates: [crime()],
    });
    expect([admitted(res), res.committed]).toEqual([["crime"], true]);
    const state = await store.readUser(user, ms("2026-12-01T10:00:00Z"));
    expect(state.deliveries).toEqual([
      {
        itemId: "crime",
        atMs: ms("2026-12-01T10:00:00Z"),
        topics,
        classes,
        consumption: false,
      },
    ]);
  });
});

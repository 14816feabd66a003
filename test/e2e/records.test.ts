import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPushguard } from "../../src/app.js";
import {
  FeedbackEvent,
  RuleMode,
  type GetPolicyResponse,
  type RecordDeliveryResponse,
  type RecordFeedbackResponse,
  type ReportComplaintResponse,
  type ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import { call, pushguardClient, startTestServer } from "../helpers/server.js";

let running: RunningPushguard;
let client: grpc.Client;

beforeAll(async () => {
  running = await startTestServer();
  client = pushguardClient(running.grpcPort);
});

afterAll(async () => {
  client.close();
  await running.stop();
});

function complain(itemId: string, reporter: string) {
  return call<ReportComplaintResponse>(client, "reportComplaint", {
    itemId,
    providerId: "p-1",
    reporter,
    reason: "gossip",
    details: "",
  });
}

describe("ReportComplaint (Art. 6)", () => {
  it("counts one complaint per reporter and item", async () => {
    const first = await complain("item-r", "reporter-1");
    const again = await complain("item-r", "reporter-1");
    expect([first.recorded, first.complaints]).toEqual([true, 1]);
    expect([again.recorded, again.complaints, again.complaintId]).toEqual([
      false,
      1,
      first.complaintId,
    ]);
  });

  it("suppresses an item once five people complained", async () => {
    let last: ReportComplaintResponse | undefined;
    for (let i = 0; i < 5; i++) last = await complain("item-s", `rep-${i}`);
    expect([last?.complaints, last?.suppressed]).toEqual([5, true]);
    const res = await call<ScreenResponse>(
      client,
      "screen",
      screenRequest({
        candidates: [candidate("item-s"), candidate("item-ok")],
      }),
    );
    expect(res.admitted.map((a) => a.candidateId)).toEqual(["item-ok"]);
    expect(res.dropped[0]?.reasons[0]).toMatchObject({
      ruleId: "public-complaints",
      code: "complaint.threshold",
      article: "Art. 6",
      message: "5 public complaints reached the threshold of 5",
    });
  });

  it("does not suppress another provider's item with the same id", async () => {
    for (let i = 0; i < 5; i++) {
      await call(client, "reportComplaint", {
        itemId: "shared-id",
        providerId: "p-other",
        reporter: `r-${i}`,
        reason: "",
        details: "",
      });
    }
    const res = await call<ScreenResponse>(
      client,
      "screen",
      screenRequest({
        candidates: [candidate("shared-id")],
      }),
    );
    expect(res.admitted.map((a) => a.candidateId)).toEqual(["shared-id"]);
  });

  it("rejects a complaint without a reporter", async () => {
    const error = await call(client, "reportComplaint", {
      itemId: "x",
      providerId: "p",
      reporter: "",
      reason: "",
      details: "",
    }).catch((e: grpc.ServiceError) => e);
    expect(error).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "reporter: required",
    });
  });
});

describe("RecordDelivery and RecordFeedback", () => {
  it("are idempotent by their ids", async () => {
    const delivery = {
      deliveryId: "d-1",
      userId: "u-rec",
      candidate: candidate("a"),
    };
    const first = await call<RecordDeliveryResponse>(
      client,
      "recordDelivery",
      delivery,
    );
    const retry = await call<RecordDeliveryResponse>(
      client,
      "recordDelivery",
      delivery,
    );
    expect([first.recorded, retry.recorded]).toEqual([true, false]);
    const feedback = {
      feedbackId: "f-1",
      userId: "u-rec",
      candidateId: "a",
      event: FeedbackEvent.DISMISSED,
    };
    const f1 = await call<RecordFeedbackResponse>(
      client,
      "recordFeedback",
      feedback,
    );
    const f2 = await call<RecordFeedbackResponse>(
      client,
      "recordFeedback",
      feedback,
    );
    expect([f1.recorded, f2.recorded]).toEqual([true, false]);
  });

  it("counts a recorded delivery against the user's budget", async () => {
    await call(client, "recordDelivery", {
      deliveryId: "d-budget",
      userId: "u-budget-2",
      candidate: candidate("a"),
      deliveredAt: {
        seconds: BigInt(Date.parse("2026-12-01T09:30:00Z") / 1000),
      },
    });
    const res = await call<ScreenResponse>(
      client,
      "screen",
      screenRequest({
        user: { id: "u-budget-2" },
        candidates: [candidate("b")],
      }),
    );
    expect(res.budget?.windows.map((w) => [w.window, w.used])).toEqual([
      ["hour", 1],
      ["day", 1],
      ["prompts_day", 0],
    ]);
  });

  it("rejects a delivery dated in the future", async () => {
    const error = await call(client, "recordDelivery", {
      deliveryId: "d-future",
      userId: "u-future",
      candidate: candidate("a"),
      deliveredAt: { seconds: BigInt(Date.parse("2100-01-01") / 1000) },
    }).catch((e: grpc.ServiceError) => e);
    expect(error).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "deliveredAt: 2100-01-01T00:00:00.000Z is in the future",
    });
  });

  it("rejects an unknown feedback event by its number", async () => {
    const error = await call(client, "recordFeedback", {
      feedbackId: "f-99",
      userId: "u",
      candidateId: "a",
      event: 99,
    }).catch((e: grpc.ServiceError) => e);
    expect(error).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "event: unknown value 99",
    });
  });

  it("rejects feedback without an event", async () => {
    const error = await call(client, "recordFeedback", {
      feedbackId: "f-x",
      userId: "u",
      candidateId: "a",
      event: 0,
    }).catch((e: grpc.ServiceError) => e);
    expect(error).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "event: required",
    });
  });
});

describe("GetPolicy", () => {
  it("describes the active version and every rule with its article", async () => {
    const res = await call<GetPolicyResponse>(client, "getPolicy", {});
    expect(res.policyVersion).toBe(running.policies.current().version);
    expect(res.rules.find((r) => r.id === "blocked-labels")).toMatchObject({
      article: "Art. 5(1)",
      mode: RuleMode.ENFORCE,
    });
  });
});

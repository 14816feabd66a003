import { create } from "@bufbuild/protobuf";
import { createHmac } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgeBand,
  FeedbackEvent,
  RecordDeliveryRequestSchema,
  RecordFeedbackRequestSchema,
  ReportComplaintRequestSchema,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import { call, pushguardClient, startTestServer } from "../helpers/server.js";
import { capturedLog } from "./capture-log.js";

const ADULT = "user-adult-5d1f7c";
const MINOR = "user-minor-93b2e0";
const KEY = "privacy-test-key-3f9a1c7e5b";
const hmac = (id: string) => createHmac("sha256", KEY).update(id).digest("hex");

let dir: string;
let decisionLog: string;
const captured = capturedLog("debug");

/** Every kind of call, with the ids in every field that takes one. */
async function exerciseEveryCall(grpcPort: number) {
  const client = pushguardClient(grpcPort);
  const calls: [string, unknown][] = [
    [
      "screen",
      screenRequest({
        user: { id: ADULT },
        commit: true,
        candidates: [
          candidate("a"),
          candidate("g", { topics: ["entertainment"] }),
        ],
      }),
    ],
    [
      "screen",
      screenRequest({
        user: { id: MINOR, ageBand: AgeBand.MINOR },
        candidates: [candidate("b")],
      }),
    ],
    [
      "screen",
      screenRequest({ user: { id: ADULT, timeZone: "Mars/Olympus" } }),
    ],
    [
      "recordDelivery",
      create(RecordDeliveryRequestSchema, {
        deliveryId: "d-1",
        userId: ADULT,
        candidate: candidate("c"),
      }),
    ],
    [
      "recordFeedback",
      create(RecordFeedbackRequestSchema, {
        feedbackId: "f-1",
        userId: ADULT,
        candidateId: "c",
        event: FeedbackEvent.DISMISSED,
      }),
    ],
    [
      "reportComplaint",
      create(ReportComplaintRequestSchema, {
        itemId: "c",
        providerId: "p-1",
        reporter: ADULT,
        reason: "gossip",
      }),
    ],
  ];
  for (const [method, request] of calls) {
    await call(client, method, request).catch(() => undefined);
  }
  client.close();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pushguard-privacy-"));
  decisionLog = path.join(dir, "decisions.jsonl");
  const running = await startTestServer(
    {
      PUSHGUARD_DECISION_LOG: decisionLog,
      PUSHGUARD_DECISION_LOG_KEY: KEY,
      PUSHGUARD_LOG_LEVEL: "debug",
    },
    { log: captured.log },
  );
  await exerciseEveryCall(running.grpcPort);
  await running.stop();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("user ids stay out of the logs", () => {
  it("the decision log holds keyed hashes, never a raw user id", async () => {
    const text = await readFile(decisionLog, "utf8");
    const users = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).user);
    expect(users).toEqual([hmac(ADULT), hmac(MINOR)]);
    expect(text).not.toContain(ADULT);
    expect(text).not.toContain(MINOR);
  });

  it("the process log at debug level holds no user id", () => {
    const messages = captured.lines.map((line) => line.msg);
    expect(messages).toContain("screen decided");
    const finished = captured.lines.filter((l) => l.msg === "call finished");
    expect(finished.map((l) => l.code)).toEqual([
      "OK",
      "OK",
      "INVALID_ARGUMENT",
      "OK",
      "OK",
      "OK",
    ]);
    expect(captured.text()).not.toContain(ADULT);
    expect(captured.text()).not.toContain(MINOR);
  });
});

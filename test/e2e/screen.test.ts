import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPushguard } from "../../src/app.js";
import type {
  AgeBand,
  CandidateKind,
  ReviewStatus,
  ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import {
  call,
  pushguardClient,
  repoRoot,
  startTestServer,
} from "../helpers/server.js";

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

describe("Screen over gRPC with protobuf-es types", () => {
  it("admits clean items in order with the provider label", async () => {
    const request = screenRequest({
      candidates: [candidate("a"), candidate("b")],
    });
    const res = await call<ScreenResponse>(client, "screen", request);
    expect(res.requestId).toBe("req-1");
    expect(res.policyVersion).toMatch(/^default@[0-9a-f]{12}$/);
    expect(
      res.admitted.map((a) => [a.candidateId, a.rank, a.providerLabel]),
    ).toEqual([
      ["a", 1, "今日快讯"],
      ["b", 2, "今日快讯"],
    ]);
  });

  it("drops a gossip-topic item citing Art. 5(1)", async () => {
    const request = screenRequest({
      candidates: [candidate("g", { topics: ["entertainment"] })],
    });
    const res = await call<ScreenResponse>(client, "screen", request);
    expect(res.admitted).toEqual([]);
    expect(res.dropped[0]?.reasons[0]).toMatchObject({
      ruleId: "blocked-labels",
      code: "label.gossip",
      article: "Art. 5(1)",
      message: "item is labelled gossip (topic entertainment)",
    });
  });

  it("reports the day and hour budget", async () => {
    const request = screenRequest({
      user: { id: "u-budget" },
      candidates: [candidate("a")],
    });
    const res = await call<ScreenResponse>(client, "screen", request);
    expect(
      res.budget?.windows.map((w) => [w.window, w.limit, w.remaining]),
    ).toEqual([
      ["hour", 2, 2],
      ["day", 8, 8],
      ["prompts_day", 2, 2],
    ]);
  });
});

describe("Screen rejects bad input and keeps serving", () => {
  const cases: [
    string,
    Parameters<typeof screenRequest>[0],
    grpc.status,
    string,
  ][] = [
    [
      "missing user id",
      { user: { id: "" } },
      grpc.status.INVALID_ARGUMENT,
      "user.id: required",
    ],
    [
      "empty candidate id",
      { candidates: [candidate("")] },
      grpc.status.INVALID_ARGUMENT,
      "candidates[0].id: required",
    ],
    [
      "duplicate candidate id",
      { candidates: [candidate("a"), candidate("b"), candidate("a")] },
      grpc.status.INVALID_ARGUMENT,
      "candidates[2].id: duplicate of candidates[0]",
    ],
    [
      "unknown time zone",
      { user: { id: "u", timeZone: "Mars/Olympus" } },
      grpc.status.INVALID_ARGUMENT,
      "user.timeZone: unknown time zone Mars/Olympus",
    ],
    [
      "NaN score",
      { candidates: [candidate("a", { score: Number.NaN })] },
      grpc.status.INVALID_ARGUMENT,
      "candidates[0].score: must be a finite number, got NaN",
    ],
    [
      "more candidates than the policy allows",
      {
        candidates: Array.from({ length: 1001 }, (_, i) => candidate(`c${i}`)),
      },
      grpc.status.RESOURCE_EXHAUSTED,
      "candidates: 1001 exceeds the policy limit of 1000",
    ],
    // Proto3 lets any number through an enum; the rules switch on kinds,
    // so an unknown one would skip the news, ad and bait rules.
    [
      "an unknown candidate kind",
      { candidates: [candidate("a", { kind: 99 as CandidateKind })] },
      grpc.status.INVALID_ARGUMENT,
      "candidates[0].kind: unknown value 99",
    ],
    [
      "an unknown age band",
      { user: { id: "u", ageBand: 7 as AgeBand } },
      grpc.status.INVALID_ARGUMENT,
      "user.ageBand: unknown value 7",
    ],
    [
      "an unknown review status",
      {
        candidates: [
          candidate("a", { review: { status: 42 as ReviewStatus } }),
        ],
      },
      grpc.status.INVALID_ARGUMENT,
      "candidates[0].review.status: unknown value 42",
    ],
    [
      "a decision time past year 9999",
      { now: { seconds: 999_999_999_999_999n } },
      grpc.status.INVALID_ARGUMENT,
      "now: 999999999999999s 0ns is outside 1970-01-01..9999-12-31",
    ],
    [
      "a title longer than any push",
      { candidates: [candidate("a", { title: "长".repeat(2001) })] },
      grpc.status.INVALID_ARGUMENT,
      "candidates[0].title: length 2001 exceeds 2000",
    ],
    [
      "a topic longer than any topic path",
      { candidates: [candidate("a", { topics: ["sports", "s".repeat(257)] })] },
      grpc.status.INVALID_ARGUMENT,
      "candidates[0].topics[1]: length 257 exceeds 256",
    ],
    [
      "more topics than a list may hold",
      {
        candidates: [
          candidate("a"),
          candidate("b", { topics: Array.from({ length: 65 }, () => "t") }),
        ],
      },
      grpc.status.INVALID_ARGUMENT,
      "candidates[1].topics: 65 entries exceed 64",
    ],
  ];

  it.each(cases)("%s", async (_name, init, code, details) => {
    const error = await call(client, "screen", screenRequest(init)).catch(
      (e: grpc.ServiceError) => e,
    );
    expect(error).toMatchObject({ code, details });
    const ok = await call<ScreenResponse>(
      client,
      "screen",
      screenRequest({ candidates: [candidate("x")] }),
    );
    expect(ok.admitted).toHaveLength(1);
  });
});

describe("Screen through a client that loads only the .proto files", () => {
  it("admits and drops with camelCase fields", async () => {
    const definition = loadSync("pushguard/v1/pushguard.proto", {
      includeDirs: [path.join(repoRoot, "proto")],
      enums: String,
      longs: String,
      defaults: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      pushguard: { v1: { PushGuard: grpc.ServiceClientConstructor } };
    };
    const Client = loaded.pushguard.v1.PushGuard;
    const plain = new Client(
      `127.0.0.1:${running.grpcPort}`,
      grpc.credentials.createInsecure(),
    );
    const reviewed = { status: "REVIEW_STATUS_APPROVED", reviewer: "ed-1" };
    const res = await call<{
      admitted: { candidateId: string; providerLabel: string }[];
      dropped: { candidateId: string; reasons: { code: string }[] }[];
    }>(plain, "Screen", {
      requestId: "pl-1",
      provider: { id: "p", displayName: "Daily Wire Push" },
      user: { id: "u-proto-loader" },
      // 18:00 in Shanghai: a fixed daytime, so quiet hours never apply.
      now: { seconds: "1796119200" },
      candidates: [
        {
          id: "ok",
          kind: "CANDIDATE_KIND_VERTICAL",
          review: reviewed,
          topics: ["sports"],
        },
        {
          id: "pending",
          kind: "CANDIDATE_KIND_VERTICAL",
          review: { status: "REVIEW_STATUS_PENDING" },
        },
      ],
    });
    plain.close();
    expect(res.admitted.map((a) => [a.candidateId, a.providerLabel])).toEqual([
      ["ok", "Daily Wire Push"],
    ]);
    expect(res.dropped.map((d) => [d.candidateId, d.reasons[0]?.code])).toEqual(
      [["pending", "review.pending"]],
    );
  });
});

describe("Screen with bytes that do not decode", () => {
  it("answers INVALID_ARGUMENT for bad UTF-8 and keeps serving", async () => {
    const raw = new grpc.Client(
      `127.0.0.1:${running.grpcPort}`,
      grpc.credentials.createInsecure(),
    );
    // Field 1 (requestId), 3 bytes: a UTF-16 surrogate encoded as UTF-8,
    // which no valid UTF-8 string holds.
    const bytes = Buffer.from([0x0a, 3, 0xed, 0xa0, 0x80]);
    const error = await new Promise<grpc.ServiceError>((resolve) => {
      raw.makeUnaryRequest(
        "/pushguard.v1.PushGuard/Screen",
        (b: Buffer) => b,
        (b: Buffer) => b,
        bytes,
        (e) => resolve(e as grpc.ServiceError),
      );
    });
    raw.close();
    expect(error).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "request: cannot decode: requestId: invalid UTF-8",
    });
    const ok = await call<ScreenResponse>(
      client,
      "screen",
      screenRequest({ candidates: [candidate("x")] }),
    );
    expect(ok.admitted).toHaveLength(1);
  });
});

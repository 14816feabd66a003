import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import {
  PushGuard,
  ScreenResponseSchema,
  type Candidate,
  type ScreenRequest,
  type ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { grpcServiceDefinition } from "../../src/server/service-definition.js";

/**
 * A stand-in PushGuard with three fixed rules, so the replay client is
 * tested without the real server: entertainment items are dropped
 * (`content.gossip`, Art. 5(1)), survivors past the third are dropped
 * (`slots.exceeded`, Art. 5(6)), and game items are reported in wouldDrop
 * (`shadow.game`, Art. 5(7)). A request without a user id fails with
 * INVALID_ARGUMENT.
 */
export function fakeScreen(request: ScreenRequest): ScreenResponse {
  const gossip = request.candidates.filter(isEntertainment);
  const survivors = request.candidates.filter((c) => !isEntertainment(c));
  return create(ScreenResponseSchema, {
    requestId: request.requestId,
    admitted: survivors.slice(0, 3).map((c, i) => ({
      candidateId: c.id,
      rank: i + 1,
      providerLabel: "fake",
    })),
    dropped: [
      ...gossip.map((c) => dropped(c, "content.gossip", "Art. 5(1)")),
      ...survivors
        .slice(3)
        .map((c) => dropped(c, "slots.exceeded", "Art. 5(6)")),
    ],
    wouldDrop: request.candidates
      .filter((c) => c.topics[0] === "game")
      .map((c) => dropped(c, "shadow.game", "Art. 5(7)")),
  });
}

function isEntertainment(candidate: Candidate): boolean {
  return candidate.topics[0] === "entertainment";
}

function dropped(candidate: Candidate, code: string, article: string) {
  return {
    candidateId: candidate.id,
    reasons: [{ ruleId: code, code, article, message: `fake ${code}` }],
  };
}

/** A running fake server and how many calls it saw at once. */
export interface FakePushguard {
  readonly target: string;
  /** Most Screen calls that were in the handler at the same time. */
  maxInFlight(): number;
  stop(): Promise<void>;
}

/** Starts the fake on 127.0.0.1, a free port; answers after `delayMs`. */
export async function startFakePushguard(delayMs = 0): Promise<FakePushguard> {
  const server = new grpc.Server();
  let inFlight = 0;
  let maxInFlight = 0;
  server.addService(grpcServiceDefinition(PushGuard), {
    screen(
      call: grpc.ServerUnaryCall<ScreenRequest, ScreenResponse>,
      callback: grpc.sendUnaryData<ScreenResponse>,
    ) {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      setTimeout(() => {
        inFlight--;
        answer(call.request, callback);
      }, delayMs);
    },
  });
  const port = await bind(server);
  return {
    target: `127.0.0.1:${port}`,
    maxInFlight: () => maxInFlight,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

function answer(
  request: ScreenRequest,
  callback: grpc.sendUnaryData<ScreenResponse>,
): void {
  if (request.user?.id) {
    callback(null, fakeScreen(request));
  } else {
    callback({
      code: grpc.status.INVALID_ARGUMENT,
      details: "user.id: required",
    });
  }
}

function bind(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error, port) => (error ? reject(error) : resolve(port)),
    );
  });
}

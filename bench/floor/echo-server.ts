/**
 * The floor: a grpc-js server that does nothing but gRPC. It serves the
 * path pushguard serves Screen on, `/pushguard.v1.PushGuard/Screen`, with
 * identity (de)serialisers on Buffers: the request bytes are received and
 * not decoded, and the answer is a fixed ScreenResponse, captured from
 * pushguard for a list of the same size, sent as stored bytes. What a call
 * costs here is HTTP/2 framing, grpc-js's call handling and the bytes on
 * the wire in both directions: what any gRPC service pays before its own
 * work, with the same request and response sizes as pushguard.
 *
 * With `codec`, the second floor: the same, plus the codec pushguard's
 * server uses for Screen (src/wire: the request decoded into a
 * ScreenRequest, the stored ScreenResponse, decoded once at start,
 * encoded again for every call): what pushguard pays for its messages
 * before its own work.
 *
 * Same server options as pushguard (a 16 MiB receive limit); no health or
 * reflection services, which are not on the call path.
 *
 *   node --import tsx bench/floor/echo-server.ts <port> <response file> [codec]
 *
 * Prints `{"ready":true,"port":N,"pid":P}` once it serves.
 */
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { fromBinary } from "@bufbuild/protobuf";
import { ScreenResponseSchema } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { decodeScreenRequest } from "../../src/wire/screen-request.js";
import { encodeScreenResponse } from "../../src/wire/screen-response.js";

const SCREEN_PATH = "/pushguard.v1.PushGuard/Screen";

const identity = (bytes: Buffer) => bytes;

function definition(): grpc.ServiceDefinition {
  return {
    screen: {
      path: SCREEN_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: "screen",
    },
  };
}

function bind(server: grpc.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(
      `127.0.0.1:${port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    );
  });
}

type Handler = grpc.handleUnaryCall<Buffer, Buffer>;

/** Answers the stored bytes. */
function bytesHandler(reply: Buffer): Handler {
  return (_call, callback) => callback(null, reply);
}

/** Decodes the request and encodes the stored answer, as pushguard does. */
function codecHandler(reply: Buffer): Handler {
  const response = fromBinary(ScreenResponseSchema, reply);
  return (call, callback) => {
    decodeScreenRequest(call.request);
    callback(null, encodeScreenResponse(response));
  };
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  const reply = readFileSync(process.argv[3] ?? "");
  const codec = process.argv[4] === "codec";
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 16 * 1024 * 1024,
  });
  const screen = codec ? codecHandler(reply) : bytesHandler(reply);
  server.addService(definition(), { screen });
  const bound = await bind(server, port);
  process.stdout.write(
    `${JSON.stringify({ ready: true, port: bound, pid: process.pid })}\n`,
  );
  process.once("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
}

await main();

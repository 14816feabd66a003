import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation, protoPath } from "grpc-health-check";
import path from "node:path";
import { PushGuard } from "../gen/pushguard/v1/pushguard_pb.js";
import type { Logger } from "../log/logger.js";
import type { Metrics } from "../metrics/metrics.js";
import {
  getPolicy,
  recordDelivery,
  recordFeedback,
  reportComplaint,
  type RecordDeps,
} from "../service/records.js";
import { screen, type ScreenDeps } from "../service/screen.js";
import { packageRoot } from "./package-root.js";
import { grpcServiceDefinition } from "./service-definition.js";
import { unary } from "./unary.js";

const SERVICE_NAME = PushGuard.typeName;

/** What the gRPC server serves with. */
export interface GrpcDeps extends ScreenDeps, RecordDeps {
  readonly metrics: Metrics;
  readonly log: Logger;
}

/** A bound gRPC server with health and reflection. */
export interface PushguardGrpcServer {
  readonly server: grpc.Server;
  readonly health: HealthImplementation;
  readonly port: number;
}

/** Builds the server, binds it and starts serving. */
export async function startGrpcServer(
  deps: GrpcDeps,
  address: string,
  credentials = grpc.ServerCredentials.createInsecure(),
): Promise<PushguardGrpcServer> {
  const server = new grpc.Server({
    // Candidate lists are bounded by the policy; this bounds the bytes.
    "grpc.max_receive_message_length": 16 * 1024 * 1024,
  });
  server.addService(grpcServiceDefinition(PushGuard), implementation(deps));
  const health = new HealthImplementation({
    "": "SERVING",
    [SERVICE_NAME]: "SERVING",
  });
  health.addToServer(server);
  reflection().addToServer(server);
  const port = await bind(server, address, credentials);
  return { server, health, port };
}

function implementation(deps: GrpcDeps): grpc.UntypedServiceImplementation {
  return {
    screen: unary("Screen", (req) => screen(deps, req), deps),
    recordDelivery: unary(
      "RecordDelivery",
      (req) => recordDelivery(deps, req),
      deps,
    ),
    recordFeedback: unary(
      "RecordFeedback",
      (req) => recordFeedback(deps, req),
      deps,
    ),
    reportComplaint: unary(
      "ReportComplaint",
      (req) => reportComplaint(deps, req),
      deps,
    ),
    getPolicy: unary("GetPolicy", (req) => getPolicy(deps, req), deps),
  };
}

/**
 * Reflection needs descriptors in proto-loader's form, read from the .proto
 * files: ours and the health service's, so tools like grpcurl see both.
 */
function reflection(): ReflectionService {
  const protoDir = path.join(packageRoot(), "proto");
  const files = [
    path.join(protoDir, "pushguard/v1/pushguard.proto"),
    protoPath,
  ];
  const definition = loadSync(files, { includeDirs: [protoDir] });
  return new ReflectionService(definition);
}

function bind(
  server: grpc.Server,
  address: string,
  credentials: grpc.ServerCredentials,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => {
      if (error) reject(error);
      else resolve(port);
    });
  });
}

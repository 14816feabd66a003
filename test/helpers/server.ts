import * as grpc from "@grpc/grpc-js";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import {
  startPushguard,
  type RunningPushguard,
  type StartOptions,
} from "../../src/app.js";
import { PushGuard } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { grpcServiceDefinition } from "../../src/server/service-definition.js";
import { readSettings } from "../../src/settings/settings.js";

/** The repository root, whatever folder CI cloned it into. */
export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);

/** The shared real data beside the repository. */
export const sharedData = path.resolve(repoRoot, "../shared/data");

/** Starts pushguard on free ports with a silent logger. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningPushguard> {
  const settings = readSettings({
    PUSHGUARD_GRPC_ADDR: "127.0.0.1:0",
    PUSHGUARD_HTTP_ADDR: "127.0.0.1:0",
    PUSHGUARD_POLICY: path.join(repoRoot, "policies/default.yaml"),
    PUSHGUARD_SHUTDOWN_GRACE_MS: "2000",
    // Tests that read the decision log point it at a file of their own;
    // tests of reload watch a policy folder of their own.
    PUSHGUARD_DECISION_LOG: "off",
    PUSHGUARD_POLICY_WATCH: "false",
    ...env,
  });
  return startPushguard(settings, {
    log: pino({ level: "silent" }),
    ...options,
  });
}

const PushGuardClient = grpc.makeGenericClientConstructor(
  grpcServiceDefinition(PushGuard),
  "PushGuard",
);

/** A grpc-js client that speaks the protobuf-es types. */
export function pushguardClient(port: number): grpc.Client {
  return new PushGuardClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
}

/** Calls one unary method and resolves with its response. */
export function call<Res>(
  client: grpc.Client,
  method: string,
  request: unknown,
): Promise<Res> {
  type Unary = (
    request: unknown,
    callback: (error: grpc.ServiceError | null, res: Res) => void,
  ) => void;
  const fn = (client as unknown as Record<string, Unary | undefined>)[method];
  if (fn === undefined) throw new Error(`no method ${method}`);
  return new Promise((resolve, reject) => {
    fn.call(client, request, (error: grpc.ServiceError | null, res: Res) =>
      error ? reject(error) : resolve(res),
    );
  });
}

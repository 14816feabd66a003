import * as grpc from "@grpc/grpc-js";
import type { Message } from "@bufbuild/protobuf";
import type { Logger } from "../log/logger.js";
import type { Metrics } from "../metrics/metrics.js";
import { ServiceError } from "../service/errors.js";

type Handler<Req, Res> = (request: Req) => Promise<Res> | Res;

/**
 * Adapts an async handler to grpc-js: times it, maps ServiceError to its
 * status and anything else to INTERNAL with a fixed message, so that no
 * stack trace or internal detail reaches a client.
 */
export function unary<Req extends Message, Res extends Message>(
  method: string,
  handler: Handler<Req, Res>,
  deps: { metrics: Metrics; log: Logger },
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const stop = deps.metrics.rpcDuration.startTimer({ method });
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (response) => {
          stop({ code: grpc.status[grpc.status.OK] });
          callback(null, response);
        },
        (error: unknown) => {
          const failure = toStatus(error, method, deps.log);
          stop({ code: grpc.status[failure.code] });
          callback(failure);
        },
      );
  };
}

function toStatus(
  error: unknown,
  method: string,
  log: Logger,
): { code: grpc.status; details: string } {
  if (error instanceof ServiceError) {
    log.debug({ method, code: error.code }, "call rejected");
    return { code: error.code, details: error.message };
  }
  log.error({ method, err: error }, "call failed");
  return { code: grpc.status.INTERNAL, details: "internal error" };
}

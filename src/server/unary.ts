import * as grpc from "@grpc/grpc-js";
import type { Message } from "@bufbuild/protobuf";
import type { Logger } from "../log/logger.js";
import type { Metrics } from "../metrics/metrics.js";
import { ServiceError } from "../service/errors.js";
import { DecoderFault, UndecodableRequest } from "./service-definition.js";

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
      .then(() => handler(decoded(call.request)))
      .then(
        (response) => {
          finish(deps.log, method, grpc.status.OK, stop);
          callback(null, response);
        },
        (error: unknown) => {
          const failure = toStatus(error, method, deps.log);
          finish(deps.log, method, failure.code, stop);
          callback(failure);
        },
      );
  };
}

/**
 * The request; INVALID_ARGUMENT when its bytes did not decode, and the
 * decoder's own error (INTERNAL, logged) when the decoder failed.
 */
function decoded<Req>(request: Req): Req {
  const raw: unknown = request;
  if (raw instanceof DecoderFault) throw raw.error;
  if (!(raw instanceof UndecodableRequest)) return request;
  const reason = raw.reason.charAt(0).toLowerCase() + raw.reason.slice(1);
  throw new ServiceError(
    grpc.status.INVALID_ARGUMENT,
    `request: cannot decode: ${reason}`,
  );
}

/**
 * Records the call's duration and, at debug level only, one line naming the
 * method, the status and the time: never the request, which carries ids.
 */
function finish(
  log: Logger,
  method: string,
  code: grpc.status,
  stop: (labels: { code: string }) => number,
): void {
  const seconds = stop({ code: grpc.status[code] });
  if (!log.isLevelEnabled("debug")) return;
  const ms = Math.round(seconds * 1e6) / 1e3;
  log.debug({ method, code: grpc.status[code], ms }, "call finished");
}

function toStatus(
  error: unknown,
  method: string,
  log: Logger,
): { code: grpc.status; details: string } {
  if (error instanceof ServiceError) {
    return { code: error.code, details: error.message };
  }
  log.error({ method, err: error }, "call failed");
  return { code: grpc.status.INTERNAL, details: "internal error" };
}

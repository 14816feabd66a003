import { status } from "@grpc/grpc-js";

/**
 * The one error type the gRPC layer turns into a status. Anything else that
 * escapes a handler reaches the client as `INTERNAL: internal error`, while
 * its cause goes to the log, never to the wire.
 */
export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

/** A request field is missing or malformed; the message names the field. */
export function invalidArgument(field: string, problem: string) {
  return new ServiceError(status.INVALID_ARGUMENT, `${field}: ${problem}`);
}

/** A request is larger than the policy allows. */
export function resourceExhausted(field: string, problem: string) {
  return new ServiceError(status.RESOURCE_EXHAUSTED, `${field}: ${problem}`);
}

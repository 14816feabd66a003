/**
 * The state store could not answer: Redis timed out, the connection is down,
 * the cluster is not ready, or the circuit breaker is open. The service layer
 * catches this one error and applies each rule's fail-open or fail-closed
 * choice; any other error from a store is a bug and should surface as such.
 */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}

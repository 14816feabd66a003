import type { Policy } from "../policy/policy.js";

/**
 * Holds the active policy. A reload replaces the reference in one
 * assignment; a request reads it once at its start and keeps that policy to
 * the end, so no request ever sees half of two policies.
 */
export class PolicyHolder {
  #policy: Policy | undefined;

  constructor(policy?: Policy) {
    this.#policy = policy;
  }

  /** The active policy; throws before the first successful load. */
  current(): Policy {
    if (this.#policy === undefined) throw new Error("no policy loaded");
    return this.#policy;
  }

  /** True once a policy is loaded: what /readyz reports. */
  ready(): boolean {
    return this.#policy !== undefined;
  }

  swap(policy: Policy): void {
    this.#policy = policy;
  }
}

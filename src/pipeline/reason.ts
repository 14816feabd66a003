/**
 * A reason says why one rule removed (or would remove) one candidate. It is
 * the unit of explanation: every removal carries the rule, a stable dotted
 * code, the article of the regulation and a sentence a person can read.
 */
export interface Reason {
  /** Id of the rule in the policy, e.g. `ad-marking`. */
  readonly ruleId: string;
  /** Stable dotted code, e.g. `ad.unlabelled`; dashboards key on it. */
  readonly code: string;
  /** The article enforced, written `Art. 5(8)`. */
  readonly article: string;
  /** Lowercase sentence stating the rule and the value that broke it. */
  readonly message: string;
}

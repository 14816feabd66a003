import { complaintThreshold } from "./content/complaints.js";
import { labelBlocklist } from "./content/labels.js";
import { reviewApproved } from "./content/review.js";
import { slotLimit } from "./list/slots.js";
import type { RuleType } from "./registry.js";
import { frequencyCap } from "./user/frequency-cap.js";
import { optOut } from "./user/opt-out.js";
import { providerIdentity } from "./user/provider-identity.js";

/**
 * Every rule type a policy may name, by `type`. A new rule is one file in
 * `content/` (per item), `user/` (per user, over time) or `list/` (the
 * list as a whole) plus one line here.
 */
export const RULE_TYPES: ReadonlyMap<string, RuleType> = new Map(
  [
    labelBlocklist,
    reviewApproved,
    optOut,
    providerIdentity,
    frequencyCap,
    slotLimit,
    complaintThreshold,
  ].map((ruleType) => [ruleType.type, ruleType]),
);

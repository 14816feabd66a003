import { adMarking } from "./content/ad-marking.js";
import { complaintThreshold } from "./content/complaints.js";
import { labelBlocklist } from "./content/labels.js";
import { licenseRequired } from "./content/license.js";
import { linkCheck } from "./content/links.js";
import { reviewApproved } from "./content/review.js";
import { cacSource } from "./content/source-listed.js";
import { sourceTraceable } from "./content/source-traceable.js";
import { staleBurst } from "./content/stale-burst.js";
import { titleBait } from "./content/title-bait.js";
import { titleFaithful } from "./content/title-faithful.js";
import { diversityRerank } from "./list/diversity.js";
import { slotLimit } from "./list/slots.js";
import type { RuleType } from "./registry.js";
import { consumptionCap } from "./user/consumption-cap.js";
import { fatigueBackoff } from "./user/fatigue-backoff.js";
import { frequencyCap } from "./user/frequency-cap.js";
import { minorCaps } from "./user/minor-caps.js";
import { minorProtection } from "./user/minor-protection.js";
import { optOut } from "./user/opt-out.js";
import { providerIdentity } from "./user/provider-identity.js";
import { quietHours } from "./user/quiet-hours.js";
import { repeatItem } from "./user/repeat-item.js";
import { topicStreak } from "./user/topic-streak.js";

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
    quietHours,
    fatigueBackoff,
    topicStreak,
    repeatItem,
    consumptionCap,
    minorProtection,
    minorCaps,
    licenseRequired,
    cacSource,
    sourceTraceable,
    titleFaithful,
    staleBurst,
    titleBait,
    adMarking,
    linkCheck,
    diversityRerank,
  ].map((ruleType) => [ruleType.type, ruleType]),
);

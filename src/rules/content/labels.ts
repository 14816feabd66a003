import { z } from "zod";
import { itemRule, reasonOf } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";

/**
 * Art. 5(1): no illegal or bad information, above all gossip, privacy
 * scandal, flaunting wealth and hyping ugliness. The labels come from the
 * ranker and from the policy's derivations (topics, word lists).
 */
export const labelBlocklist = defineRuleType({
  type: "label-blocklist",
  summary: "drops items carrying a blocked content label",
  params: z.strictObject({
    labels: z.array(z.string().min(1)).min(1),
  }),
  create(identity, params) {
    const blocked = params.labels;
    return itemRule(identity.id, identity.article, (item) => {
      // Most items carry no label at all.
      if (item.labels.size === 0) return undefined;
      for (const label of blocked) {
        const origin = item.labels.get(label);
        if (origin === undefined) continue;
        return reasonOf(
          identity,
          `label.${label}`,
          `item is labelled ${label} (${origin})`,
        );
      }
      return undefined;
    });
  },
});

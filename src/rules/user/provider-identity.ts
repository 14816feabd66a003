import { z } from "zod";
import { itemRule, reasonOf } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";

/**
 * Art. 5(6): every pop-up must show who pushed it. Without a provider
 * display name there is nothing to show, so nothing may be pushed.
 */
export const providerIdentity = defineRuleType({
  type: "provider-identity",
  summary: "drops every item when the provider has no display name",
  params: z.strictObject({}),
  create(identity) {
    return itemRule(identity.id, identity.article, (_item, ctx) => {
      if (ctx.request.provider?.displayName.trim()) return undefined;
      return reasonOf(
        identity,
        "provider.unidentified",
        "provider.displayName is empty; the push cannot show its provider",
      );
    });
  },
});

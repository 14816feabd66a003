import { z } from "zod";
import { CandidateKind } from "../../gen/pushguard/v1/pushguard_pb.js";
import { itemRule, reasonOf } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";

/**
 * Art. 5(2): a provider without an Internet news information service
 * license pushes no news, and an item of another licensed service (video,
 * audio, ...) needs that service's license on record. The licenses come
 * with the request (`provider.newsLicense`, `provider.licenses`), so the
 * rule checks that one is present, not that it is genuine.
 */
export const licenseRequired = defineRuleType({
  type: "license-required",
  summary: "drops news without a news license and items of unlicensed services",
  params: z.strictObject({}),
  create(identity) {
    return itemRule(identity.id, identity.article, ({ candidate }, ctx) => {
      const provider = ctx.request.provider;
      if (candidate.kind === CandidateKind.NEWS) {
        if (!provider?.newsLicense.trim()) {
          return reasonOf(
            identity,
            "license.news_missing",
            "news needs a news license; provider.newsLicense is empty",
          );
        }
      }
      const service = candidate.licensedService.trim();
      if (service === "" || provider?.licenses[service]?.trim()) {
        return undefined;
      }
      return reasonOf(
        identity,
        "license.service_missing",
        `item is a ${service} service; provider.licenses has no ${service} license`,
      );
    });
  },
});

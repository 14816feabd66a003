import { z } from "zod";
import {
  CandidateKind,
  type Candidate,
  type Provider,
} from "../../gen/pushguard/v1/pushguard_pb.js";
import { itemRule, reasonOf } from "../../pipeline/rule.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";

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
      return (
        newsReason(identity, candidate, provider) ??
        serviceReason(identity, candidate, provider)
      );
    });
  },
});

function newsReason(
  identity: RuleIdentity,
  candidate: Candidate,
  provider: Provider | undefined,
) {
  if (candidate.kind !== CandidateKind.NEWS) return undefined;
  if (provider?.newsLicense.trim()) return undefined;
  return reasonOf(
    identity,
    "license.news_missing",
    "news needs a news license; provider.newsLicense is empty",
  );
}

function serviceReason(
  identity: RuleIdentity,
  candidate: Candidate,
  provider: Provider | undefined,
) {
  const service = candidate.licensedService.trim();
  if (service === "" || provider?.licenses[service]?.trim()) return undefined;
  return reasonOf(
    identity,
    "license.service_missing",
    `item is a ${service} service; ` +
      `provider.licenses has no ${service} license`,
  );
}

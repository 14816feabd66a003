import { z } from "zod";
import { CandidateKind } from "../../gen/pushguard/v1/pushguard_pb.js";
import { itemRule, reasonOf } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";

/**
 * Art. 5(3): the source of pushed news can be traced: it is named, and
 * there is a link to the original or the original's item id. Whether the
 * named source may be reprinted at all is the `cac-source` rule.
 */
export const sourceTraceable = defineRuleType({
  type: "source-traceable",
  summary: "drops news without a source name and a link or source item id",
  params: z.strictObject({}),
  create(identity) {
    return itemRule(identity.id, identity.article, ({ candidate }) => {
      if (candidate.kind !== CandidateKind.NEWS) return undefined;
      const name = candidate.source?.name.trim() ?? "";
      if (name === "") {
        return reasonOf(
          identity,
          "source.untraceable",
          "news has no source name (source.name is empty)",
        );
      }
      if (candidate.source?.url.trim() || candidate.source?.itemId.trim()) {
        return undefined;
      }
      return reasonOf(
        identity,
        "source.untraceable",
        `news source ${name} has neither source.url nor source.itemId`,
      );
    });
  },
});

import { z } from "zod";
import { CandidateKind } from "../../gen/pushguard/v1/pushguard_pb.js";
import { itemRule, reasonOf, type ItemCheck } from "../../pipeline/rule.js";
import { normalizeText } from "../../text/normalize.js";
import { compileWordList, type WordList } from "../../text/wordlist.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";

/**
 * Art. 5(8): an ad pushed in a pop-up is identifiable: it carries a visible
 * ad label and closes with one click, else it is dropped. With
 * `labelWords` the label must also say it is an ad (广告, Ad): a label such
 * as 特惠 ("special offer") marks an ad without identifying it as one.
 * Words match like word list terms, so `ad` does not match "read".
 */
export const adMarking = defineRuleType({
  type: "ad-marking",
  summary: "drops ads without an ad label or a one-click close",
  params: z.strictObject({
    labelWords: z.array(z.string().min(1)).min(1).max(100).optional(),
  }),
  create(identity, params) {
    const words =
      params.labelWords === undefined
        ? undefined
        : {
            list: compileWordList(params.labelWords),
            names: params.labelWords,
          };
    return itemRule(identity.id, identity.article, adCheck(identity, words));
  },
});

interface LabelWords {
  readonly list: WordList;
  readonly names: readonly string[];
}

function adCheck(identity: RuleIdentity, words?: LabelWords): ItemCheck {
  return ({ candidate }) => {
    if (candidate.kind !== CandidateKind.AD) return undefined;
    const label = candidate.ad?.label.trim() ?? "";
    if (label === "") {
      return reasonOf(identity, "ad.unlabelled", "ad has no ad label");
    }
    if (words !== undefined && !words.list.firstMatch(normalizeText(label))) {
      return reasonOf(
        identity,
        "ad.unlabelled",
        `ad label ${label} does not say it is an ad ` +
          `(one of ${words.names.join(", ")})`,
      );
    }
    if (candidate.ad?.oneClickClose) return undefined;
    return reasonOf(
      identity,
      "ad.no_one_click_close",
      "ad does not close with one click (ad.oneClickClose is false)",
    );
  };
}

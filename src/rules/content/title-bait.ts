import { z } from "zod";
import { titleText } from "../../labels/title-text.js";
import { compileTitleWords, readWordLists } from "../../labels/title-words.js";
import { itemRule, reasonOf } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";
import { ALL_KINDS, kindFilter, kindsSchema } from "./kinds.js";

/**
 * Art. 5(7): no algorithm that induces addiction or excessive consumption.
 * Per item, that is a pushed title built to pull the user back: streak,
 * countdown and fear-of-missing-out bait (连续签到, 即将过期, "last
 * chance") and prompts to spend (立即抢购, "buy now"). Each named word
 * list gives its own reason code, `bait.<name>`; all lists run in one scan
 * of the normalised title. `except` masks phrases that hold a listed term
 * without being bait (高考倒计时, the exam countdown every paper prints).
 */
export const titleBait = defineRuleType({
  type: "title-bait",
  summary: "drops items whose title holds streak, countdown or spending bait",
  params: z.strictObject({
    /** Name (the code's suffix) to word list file, relative to the policy. */
    lists: z
      .record(
        z.string().regex(/^[a-z][a-z_]*$/u, "list name must be lower_snake"),
        z.string().min(1),
      )
      .refine((lists) => Object.keys(lists).length >= 1, {
        message: "name at least one list",
      })
      .refine((lists) => Object.keys(lists).length <= 20, {
        message: "at most 20 lists",
      }),
    except: z.array(z.string().min(1)).max(10_000).default([]),
    kinds: kindsSchema(ALL_KINDS),
  }),
  create(identity, params, ctx) {
    const lists = readWordLists(ctx.policyDir, params.lists);
    const words = compileTitleWords(lists, params.except);
    const applies = kindFilter(params.kinds);
    return itemRule(identity.id, identity.article, (item) => {
      if (!applies(item.candidate.kind)) return undefined;
      const hit = words.firstHits(titleText(item))[0];
      if (hit === undefined) return undefined;
      const { list, term } = hit;
      return reasonOf(
        identity,
        `bait.${list}`,
        `title holds ${term} from the ${list} bait list`,
      );
    });
  },
});

import { z } from "zod";
import { readDataFile } from "../../labels/data-file.js";
import { itemRule, reasonOf, type ItemCheck } from "../../pipeline/rule.js";
import { titleDistortion } from "../../text/title-similarity.js";
import { compileWordList, parseWordList } from "../../text/wordlist.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";
import { kindFilter, kindsSchema } from "./kinds.js";

const share = z.number().min(0).max(1);

const paramsSchema = z.strictObject({
  /**
   * Least share of the pushed title found in the source title. Calibrated
   * on real headlines (bench/results/title-calibration.md): unrelated
   * titles reach at most 0.455, the first 60% of a title at least 0.81 at
   * p1. Defaults to 0.6.
   */
  minCoverage: share.default(0.6),
  /**
   * Least Dice similarity of the two titles. A push keeping a fifth of its
   * source scores about 0.33, the first 60% about 0.75; this catches a
   * title cut down to a fragment that no longer says what the source said.
   * Defaults to 0.3.
   */
  minSimilarity: share.default(0.3),
  /** Sensational terms a push may not add (relative to the policy file). */
  sensational: z.string().min(1).default("data/wordlists/sensational.txt"),
  /** Drop items with no source title (off: nothing to compare with). */
  requireSourceTitle: z.boolean().default(false),
  kinds: kindsSchema(["news"]),
});

type Params = z.output<typeof paramsSchema>;

/**
 * Art. 5(3): the pushed title must not distort or tamper with the source
 * title. Three measures from `text/title-similarity.ts`: sensational
 * terms the push adds (`title.sensational`), and coverage and similarity
 * below the policy's thresholds (`title.distorted`). None reads meaning;
 * a title that reuses the source's words to say something else passes
 * here and is left to review.
 */
export const titleFaithful = defineRuleType({
  type: "title-faithful",
  summary: "drops items whose pushed title distorts the source title",
  params: paramsSchema,
  create(identity, params, ctx) {
    const text = readDataFile(ctx.policyDir, params.sensational);
    const sensational = compileWordList(
      parseWordList(text, params.sensational),
    );
    const check = titleCheck(identity, params, (pushed, source) =>
      titleDistortion(pushed, source, sensational),
    );
    return itemRule(identity.id, identity.article, check);
  },
});

type Measure = (
  pushed: string,
  source: string,
) => ReturnType<typeof titleDistortion>;

function titleCheck(
  identity: RuleIdentity,
  params: Params,
  measure: Measure,
): ItemCheck {
  const applies = kindFilter(params.kinds);
  return ({ candidate }) => {
    if (!applies(candidate.kind)) return undefined;
    const { title, sourceTitle } = candidate;
    if (sourceTitle.trim() === "") {
      if (!params.requireSourceTitle) return undefined;
      const message = "item has no source title to compare its title with";
      return reasonOf(identity, "title.no_source_title", message);
    }
    if (title === sourceTitle) return undefined;
    const { similarity, coverage, addedSensational } = measure(
      title,
      sourceTitle,
    );
    if (addedSensational.length > 0) {
      const terms = addedSensational.join(", ");
      const message = `title adds sensational ${terms} to its source title`;
      return reasonOf(identity, "title.sensational", message);
    }
    return thresholdReason(identity, params, { similarity, coverage });
  };
}

function thresholdReason(
  identity: RuleIdentity,
  params: Params,
  { similarity, coverage }: { similarity: number; coverage: number },
) {
  if (coverage < params.minCoverage) {
    return reasonOf(
      identity,
      "title.distorted",
      `only ${coverage.toFixed(2)} of the title is found in its source ` +
        `title (minimum ${params.minCoverage})`,
    );
  }
  if (similarity >= params.minSimilarity) return undefined;
  return reasonOf(
    identity,
    "title.distorted",
    `title is ${similarity.toFixed(2)} similar to its source title ` +
      `(minimum ${params.minSimilarity})`,
  );
}

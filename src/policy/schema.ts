import { IANAZone } from "luxon";
import { z } from "zod";

/**
 * The shape of a policy file. Every object is strict, so a misspelled key is
 * an error that names the file and line, never a setting silently ignored.
 * Rule parameters are checked by each rule type's own schema (see
 * `rules/registry.ts`), so this file only knows the envelope of a rule.
 */

/** `Art. 5(4)`, `Art. 6`: the article a rule implements. */
export const articleSchema = z
  .string()
  .regex(/^Art\. \d+(\(\d+\))?$/, "article must look like Art. 5(4) or Art. 6");

export const ruleModeSchema = z.enum(["enforce", "shadow", "off"]);

const ruleIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, "rule id must be lowercase-kebab-case");

/** One rule as written in the policy. */
export const ruleEntrySchema = z.strictObject({
  id: ruleIdSchema,
  type: z.string().min(1),
  article: articleSchema,
  mode: ruleModeSchema.default("enforce"),
  description: z.string().default(""),
  params: z.record(z.string(), z.unknown()).default({}),
});

export type RuleEntry = z.infer<typeof ruleEntrySchema>;

const timeZoneSchema = z.string().refine(isTimeZone, {
  message: "unknown IANA time zone",
});

export const defaultsSchema = z.strictObject({
  /** Time zone for users that send none. */
  timeZone: timeZoneSchema.default("Asia/Shanghai"),
  /** Slots when the request asks for 0. */
  slots: z.int().min(1).max(100).default(3),
  /** Larger candidate lists get RESOURCE_EXHAUSTED. */
  maxCandidates: z.int().min(1).max(10_000).default(1000),
});

/** How the policy derives content labels the ranker did not send. */
export const labelsSchema = z.strictObject({
  /** Topic or topic prefix to labels, e.g. `entertainment: [gossip]`. */
  fromTopics: z.record(z.string(), z.array(z.string())).default({}),
});

export const policySchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, "name must be kebab-case"),
  description: z.string().default(""),
  /**
   * Global switch: `shadow` turns every enforced rule into a shadow rule, so
   * a whole new policy can be watched on live traffic before it acts.
   * Defaults to `enforce` (each rule's own mode).
   */
  mode: z.enum(["enforce", "shadow"]).default("enforce"),
  defaults: defaultsSchema.prefault({}),
  labels: labelsSchema.prefault({}),
  rules: z.array(ruleEntrySchema).min(1),
});

export type PolicyFile = z.infer<typeof policySchema>;

/** True for names the IANA time zone database knows. */
export function isTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

import { IANAZone } from "luxon";
import { z } from "zod";

/**
 * The shape of a policy file. Every object is strict, so a misspelled key is
 * an error that names the file and line, never a setting silently ignored.
 * Rule parameters are checked by each rule type's own schema (see
 * `rules/registry.ts`), so this file only knows the envelope of a rule.
 */

/**
 * Every citation the regulation allows: Articles 1 to 10, and the nine
 * numbered items of Article 5, which hold the push requirements. A reason
 * must cite a clause that exists, so `Art. 55(8)` or `Art. 5(10)` is an
 * error, not a typo that reaches a regulator.
 */
export const ARTICLES: ReadonlySet<string> = new Set([
  ...Array.from({ length: 10 }, (_, i) => `Art. ${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `Art. 5(${i + 1})`),
]);

/** `Art. 5(4)`, `Art. 6`: the article a rule implements. */
export const articleSchema = z
  .string()
  .regex(/^Art\. \d+(\(\d+\))?$/, {
    message: "article must look like Art. 5(4) or Art. 6",
    abort: true,
  })
  .refine((article) => ARTICLES.has(article), {
    message:
      "no such article in the regulation (Art. 1 to Art. 10, " +
      "items Art. 5(1) to Art. 5(9))",
  });

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
  /**
   * For rules that read per-user state: what happens when the store cannot
   * be reached. `fail-closed` removes every item the rule would see (safe
   * for caps); `fail-open` skips the rule for that request.
   */
  onStateUnavailable: z
    .enum(["fail-open", "fail-closed"])
    .default("fail-closed"),
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
  /**
   * Label to a word list file, relative to the policy file that names it
   * (`gossip: data/wordlists/gossip.txt`): titles holding a listed term get
   * the label. All lists compile into one automaton per policy load.
   */
  fromWords: z.record(z.string().min(1), z.string().min(1)).default({}),
  /**
   * Phrases that hold a listed term without meaning it (小三峡, a place,
   * holds 小三): masked in titles before the word lists are matched.
   */
  wordExceptions: z.array(z.string().min(1)).max(10_000).default([]),
});

/** A surface name as requests send it, e.g. `lockscreen`. */
export const surfaceNameSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]*$/,
    "surface name must be lowercase, e.g. lockscreen",
  );

/**
 * How one surface changes one rule of the base list. `mode` replaces the
 * rule's mode; `params` are merged key by key over the rule's parameters (a
 * key given replaces the base value whole, lists included).
 */
export const ruleOverrideSchema = z.strictObject({
  mode: ruleModeSchema.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

export type RuleOverride = z.infer<typeof ruleOverrideSchema>;

/**
 * One surface (where the push appears) and how it differs from the base:
 * its slots when the request sends none, and rule overrides by rule id. The
 * rule order is always the base order.
 */
export const surfaceSchema = z.strictObject({
  slots: z.int().min(1).max(100).optional(),
  rules: z.record(ruleIdSchema, ruleOverrideSchema).default({}),
});

export type SurfaceEntry = z.infer<typeof surfaceSchema>;

/** Keys a policy file and a merged policy share. */
const policyShape = {
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
  /** Per-surface overrides; a surface not listed gets the base rules. */
  surfaces: z.record(surfaceNameSchema, surfaceSchema).default({}),
};

/** A policy with every `extends` resolved: what the rules are built from. */
export const policySchema = z.strictObject({
  ...policyShape,
  rules: z.array(ruleEntrySchema).min(1),
});

/**
 * One policy file as written. A file may `extends` another (a path relative
 * to itself); then its rules replace the parent's rules of the same id, in
 * place, and new ids are added at the end, and its `overrides` change the
 * mode or some parameters of a rule by id, as a surface does. Only a file
 * that extends nothing must list rules.
 */
export const policyFileSchema = z.strictObject({
  ...policyShape,
  extends: z.string().min(1).optional(),
  rules: z.array(ruleEntrySchema).min(1).optional(),
  overrides: z.record(ruleIdSchema, ruleOverrideSchema).optional(),
});

export type PolicyFile = z.infer<typeof policySchema>;

/**
 * Names found valid. luxon's check builds an Intl.DateTimeFormat on every
 * call (about 15 µs), and Screen checks the user's zone on every request.
 * Real names are a few hundred; the cap keeps case variants from growing
 * the set without bound. Invalid names are not kept.
 */
const validZones = new Set<string>();
const MAX_VALID_ZONES = 1024;

/** True for names the IANA time zone database knows. */
export function isTimeZone(name: string): boolean {
  if (validZones.has(name)) return true;
  const valid = IANAZone.isValidZone(name);
  if (valid && validZones.size < MAX_VALID_ZONES) validZones.add(name);
  return valid;
}

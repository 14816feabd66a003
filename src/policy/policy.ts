import type { LabelDeriver } from "../labels/derive.js";
import type { PlacedRule } from "../pipeline/pipeline.js";
import type { RuleMode } from "../pipeline/rule.js";
import type { PolicyFile } from "./schema.js";

/** A rule as GetPolicy and `policy explain` describe it. */
export interface RuleInfo {
  readonly id: string;
  readonly type: string;
  readonly article: string;
  readonly mode: RuleMode;
  readonly description: string;
}

/**
 * A policy ready to decide: validated, its rules built once. Immutable, so
 * a reload swaps the whole object and a request in flight keeps the policy
 * it started with.
 */
export interface Policy {
  readonly name: string;
  /** `name@hash`: the first 12 hex digits of the file's SHA-256. */
  readonly version: string;
  readonly path: string;
  readonly loadedAtMs: number;
  readonly defaults: PolicyFile["defaults"];
  readonly labels: LabelDeriver;
  /** Rules that run, in order; rules switched off are left out. */
  readonly rules: readonly PlacedRule[];
  /** Every rule of the file, including those switched off. */
  readonly ruleInfos: readonly RuleInfo[];
}

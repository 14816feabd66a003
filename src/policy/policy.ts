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
  /** Parameters as the rule runs with them, defaults filled in. */
  readonly params: unknown;
}

/**
 * The rules of one surface, built at load so that choosing a surface per
 * request is one map lookup. Order is always the base order.
 */
export interface SurfaceRules {
  /** The surface name; empty for the base rules. */
  readonly name: string;
  /** Slots when the request sends 0. */
  readonly slots: number;
  /** Rules that run, in order; rules switched off are left out. */
  readonly rules: readonly PlacedRule[];
  /** Every rule, including those switched off. */
  readonly ruleInfos: readonly RuleInfo[];
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
  /** The file and every file it extends, the loaded one first. */
  readonly files: readonly string[];
  readonly loadedAtMs: number;
  readonly defaults: PolicyFile["defaults"];
  readonly labels: LabelDeriver;
  /** The base rules: what a request with no listed surface gets. */
  readonly base: SurfaceRules;
  /** Base rules that run, in order (`base.rules`). */
  readonly rules: readonly PlacedRule[];
  /** Every base rule, including those switched off (`base.ruleInfos`). */
  readonly ruleInfos: readonly RuleInfo[];
  /** Surfaces the policy lists, each with its overrides applied. */
  readonly surfaces: ReadonlyMap<string, SurfaceRules>;
}

/**
 * The rules for a request's surface. A surface the policy does not list,
 * or none, gets the base rules: overrides are optional by design (a policy
 * "may override rules per surface"), the base list must be lawful on its
 * own, and a ranker that starts sending a new surface name must not turn
 * into an outage. `policy explain --surface` shows what a name gets.
 */
export function surfaceRules(policy: Policy, surface: string): SurfaceRules {
  return policy.surfaces.get(surface) ?? policy.base;
}

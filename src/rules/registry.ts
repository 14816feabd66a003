import type { z } from "zod";
import type { Rule } from "../pipeline/rule.js";
import type { PolicyFile } from "../policy/schema.js";

/** What a rule factory may use besides its own parameters. */
export interface RuleBuildContext {
  /** Folder of the policy file; data files are relative to it. */
  readonly policyDir: string;
  readonly policy: PolicyFile;
}

/** The identity a rule is built with. */
export interface RuleIdentity {
  readonly id: string;
  readonly article: string;
}

/**
 * A kind of rule a policy can use: its parameter schema and how to build
 * it. Parameters are validated before `create` runs, so `create` only sees
 * values its schema accepted.
 */
export interface RuleType {
  readonly type: string;
  readonly summary: string;
  readonly params: z.ZodType;
  create(identity: RuleIdentity, params: unknown, ctx: RuleBuildContext): Rule;
}

/** Declares a rule type with its parameters typed by their schema. */
export function defineRuleType<Schema extends z.ZodType>(definition: {
  type: string;
  summary: string;
  params: Schema;
  create(
    identity: RuleIdentity,
    params: z.output<Schema>,
    ctx: RuleBuildContext,
  ): Rule;
}): RuleType {
  return {
    ...definition,
    create: (identity, params, ctx) =>
      definition.create(identity, params as z.output<Schema>, ctx),
  };
}

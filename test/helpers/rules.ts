import type { Rule } from "../../src/pipeline/rule.js";
import { RULE_TYPES } from "../../src/rules/index.js";

/**
 * Builds a rule of a registered type the way the loader would: parameters
 * through the type's schema, data files relative to `policyDir`.
 */
export function buildRuleIn(
  policyDir: string,
  type: string,
  params: Record<string, unknown>,
  identity: { id: string; article: string },
): Rule {
  const ruleType = RULE_TYPES.get(type);
  if (ruleType === undefined) throw new Error(`no rule type ${type}`);
  const parsed = ruleType.params.parse(params);
  const ctx = { policyDir, policy: {} as never };
  return ruleType.create(identity, parsed, ctx);
}

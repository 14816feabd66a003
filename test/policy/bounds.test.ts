import { describe, expect, it } from "vitest";
import { z } from "zod";
import { unboundedNumbers } from "../../src/policy/bounds.js";
import { RULE_TYPES } from "../../src/rules/index.js";

describe("the bounds audit", () => {
  it("reports numbers missing a bound, by path", () => {
    const schema = z.strictObject({
      bare: z.int(),
      floorOnly: z.number().min(0),
      ok: z.number().gt(0).max(1),
      windows: z.array(z.strictObject({ hours: z.number().positive() })),
      perClass: z.record(z.string(), z.int().min(0)),
    });
    expect(unboundedNumbers(schema)).toEqual([
      "bare",
      "floorOnly",
      "windows[].hours",
      "perClass.<key>",
    ]);
  });

  it("accepts a schema whose every number has a range", () => {
    const schema = z.strictObject({
      limit: z.int().min(0).max(1000).default(8),
      share: z.number().min(0).max(1).optional(),
    });
    expect(unboundedNumbers(schema)).toEqual([]);
  });
});

describe("every rule type bounds every number of its params", () => {
  it.each([...RULE_TYPES.keys()])("%s", (type) => {
    const ruleType = RULE_TYPES.get(type);
    expect(ruleType && unboundedNumbers(ruleType.params)).toEqual([]);
  });
});

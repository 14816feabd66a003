import path from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyError } from "../../../src/policy/errors.js";
import { loadPolicy } from "../../../src/policy/loader.js";
import { fixtures } from "./context.js";

const fixture = (name: string) => path.join(fixtures, name);

/** One fixture per failure mode of the user rules, with its message. */
const BROKEN: [string, string][] = [
  [
    "member-without-reason.yaml",
    "11:11: rules[0].params.tiers.member.reason: member caps differ from ordinary users' caps; state why in a non-empty reason",
  ],
  [
    "member-blank-reason.yaml",
    '13:19: rules[0].params.tiers.member.reason: member caps differ from ordinary users\' caps; state why in a non-empty reason (got " ")',
  ],
  [
    "window-without-span.yaml",
    "8:11: rules[0].params.windows[0].hours: a window needs hours (rolling) or calendar: day",
  ],
  [
    "quiet-hours-bad-clock.yaml",
    '6:22: rules[0].params.start: time of day must look like 22:00 (got "10pm")',
  ],
];

describe("the loader rejects user-rule parameters naming file and line", () => {
  it.each(BROKEN)("%s", async (name, expected) => {
    const error = await loadPolicy(fixture(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).message).toBe(`${fixture(name)}:${expected}`);
  });

  it("accepts member caps that differ with a stated reason", async () => {
    const policy = await loadPolicy(fixture("member-with-reason.yaml"));
    expect(policy.ruleInfos[0]?.params).toMatchObject({
      tiers: { member: { reason: expect.stringMatching(/^members/) } },
    });
  });
});

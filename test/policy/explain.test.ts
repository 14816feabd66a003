import path from "node:path";
import { describe, expect, it } from "vitest";
import { explainPolicy, formatExplanation } from "../../src/policy/explain.js";
import { loadPolicy } from "../../src/policy/loader.js";
import { repoRoot } from "../helpers/server.js";

const child = path.join(repoRoot, "test/policy/fixtures/extends/child.yaml");

describe("policy explain", () => {
  it("marks the rules a surface changed and shows their params", async () => {
    const explanation = explainPolicy(await loadPolicy(child), "widget");
    const cap = explanation.rules.find((rule) => rule.id === "daily-cap");
    expect(cap).toMatchObject({ overridden: true, mode: "enforce" });
    expect(formatExplanation(explanation)).toContain(
      "3*  daily-cap       frequency-cap    Art. 5(6)  enforce\n" +
        "    params { windows: [ { name: day, hours: 24, limit: 4 } ], " +
        "minGapMinutes: 30 }",
    );
  });

  it("says when a surface is not in the policy", async () => {
    const explanation = explainPolicy(await loadPolicy(child), "banner");
    expect(explanation.listed).toBe(false);
    expect(explanation.rules.some((rule) => rule.overridden)).toBe(false);
    expect(formatExplanation(explanation)).toContain(
      "rules   surface banner is not in the policy: base rules apply",
    );
  });
});

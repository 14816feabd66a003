import { appendFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/loader.js";
import { RULE_TYPES } from "../../src/rules/index.js";
import { repoRoot } from "../helpers/server.js";

const fixtures = path.join(repoRoot, "test/policy/fixtures");
const KNOWN = [...RULE_TYPES.keys()].sort().join(", ");

/** One fixture per failure mode, and the exact message it must give. */
const BROKEN: [string, string][] = [
  ["unknown-key.yaml", "6:5: rules[0].parms: unknown key parms"],
  ["missing-article.yaml", "3:5: rules[0].article: required"],
  [
    "bad-article.yaml",
    '5:14: rules[0].article: article must look like Art. 5(4) or Art. 6 (got "5(6)")',
  ],
  [
    "unknown-rule-type.yaml",
    // The list grows with every rule type, so it is read from the registry.
    `4:11: rules[0].type: unknown rule type frequncy-cap (known: ${KNOWN})`,
  ],
  [
    "unknown-article.yaml",
    '5:14: rules[0].article: no such article in the regulation (Art. 1 to Art. 10, items Art. 5(1) to Art. 5(9)) (got "Art. 5(10)")',
  ],
  ["duplicate-rule-id.yaml", "6:9: rules[1].id: duplicate rule id slots"],
  [
    "bad-param-value.yaml",
    "8:42: rules[0].params.windows[0].limit: must be >= 0 (got -1)",
  ],
  [
    "yaml-syntax.yaml",
    "7:1: flow sequence in block collection must be sufficiently indented and end with a ]",
  ],
  ["duplicate-key.yaml", "2:1: map keys must be unique"],
  [
    "bad-time-zone.yaml",
    '3:13: defaults.timeZone: unknown IANA time zone (got "Europe/Atlantis")',
  ],
  [
    "bad-mode.yaml",
    '6:11: rules[0].mode: must be one of enforce, shadow, off (got "dry-run")',
  ],
];

describe("a broken policy file is rejected naming file, line and value", () => {
  it.each(BROKEN)("%s", async (name, expected) => {
    const file = path.join(fixtures, name);
    const error = await loadPolicy(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).message).toBe(`${file}:${expected}`);
  });
});

describe("the default policy", () => {
  it("loads with a versioned name and every rule citing an article", async () => {
    const policy = await loadPolicy(
      path.join(repoRoot, "policies/default.yaml"),
    );
    expect(policy.version).toMatch(/^default@[0-9a-f]{12}$/);
    for (const info of policy.ruleInfos) {
      expect(info.article).toMatch(/^Art\. \d+(\(\d+\))?$/);
    }
  });
});

describe("the policy version", () => {
  it("changes when a data file the rules read changes", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "pushguard-version-"));
    await cp(path.join(repoRoot, "policies"), dir, { recursive: true });
    const file = path.join(dir, "default.yaml");
    const before = await loadPolicy(file);
    const list = path.join(dir, "data/wordlists/gossip.txt");
    await appendFile(list, "\n某某新恋情\n");
    const after = await loadPolicy(file);
    await rm(dir, { recursive: true, force: true });
    expect(after.version).not.toBe(before.version);
    expect(after.files).toContain(list);
  });

  it("is the same for the same files installed in another folder", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "pushguard-version-"));
    const copy = path.join(dir, "elsewhere", "policies");
    await cp(path.join(repoRoot, "policies"), copy, { recursive: true });
    const here = await loadPolicy(path.join(repoRoot, "policies/default.yaml"));
    const there = await loadPolicy(path.join(copy, "default.yaml"));
    await rm(dir, { recursive: true, force: true });
    expect(there.version).toBe(here.version);
  });
});

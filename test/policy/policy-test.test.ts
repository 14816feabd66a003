import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { formatSuite, tally } from "../../src/policy/testing/format.js";
import { runPolicyTests } from "../../src/policy/testing/suite.js";
import { repoRoot } from "../helpers/server.js";

const run = promisify(execFile);
const fixtures = path.join(repoRoot, "test/policy/fixtures/tests");

describe("policies/tests, as CI runs them", () => {
  it("pass, and every rule of the default policy removes an item", async () => {
    const suite = await runPolicyTests([path.join(repoRoot, "policies/tests")]);
    const failures = formatSuite(suite)
      .split("\n")
      .filter((line) => line.includes("FAIL") || line.includes("never:"));
    expect(failures).toEqual([]);
    expect(tally(suite).failed).toBe(0);
    expect(suite.coverage.every((c) => c.uncovered.length === 0)).toBe(true);
  });
});

describe("pushguard policy test", () => {
  it("decides each case on the surface its request names", async () => {
    const suite = await runPolicyTests([
      path.join(fixtures, "surfaces.test.yaml"),
    ]);
    const results = suite.files[0]?.cases.map((c) => [c.name, c.passed]);
    expect(results).toEqual([
      ["the lockscreen pushes one item", true],
      ["an unlisted surface gets the base slots", true],
      ["this case expects the wrong order", false],
      ["a full day cap holds the list until its oldest push leaves", true],
    ]);
  });

  it("pools coverage: a rule the parent's cases cover is covered", async () => {
    const surfaces = path.join(fixtures, "surfaces.test.yaml");
    const alone = await runPolicyTests([surfaces]);
    expect(alone.coverage[0]?.uncovered).toEqual([
      "content-review",
      "daily-cap (lockscreen)",
      "daily-cap (widget)",
    ]);
    const pooled = await runPolicyTests([
      surfaces,
      path.join(repoRoot, "policies/tests/default.test.yaml"),
    ]);
    const child = pooled.coverage.find((c) => c.version.startsWith("child@"));
    expect(child?.uncovered).toEqual([
      "daily-cap (lockscreen)",
      "daily-cap (widget)",
    ]);
  });

  it("prints a diff of a failing case and exits 1", async () => {
    const failed = await cli(["policy", "test", fixtures]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(
      [
        "  FAIL  this case expects the wrong order (line 25)",
        "        --- expected",
        "        +++ actual",
        "         admitted:",
        "        -  - b",
        "        -dropped: {}",
        "        +  - a",
        "        +dropped:",
        "        +  b:",
        "        +    - label.gossip",
      ].join("\n"),
    );
    expect(failed.stdout).toMatch(/\n3 passed, 4 failed$/);
  });

  it("names the policy a test file cannot find", async () => {
    const suite = await runPolicyTests([path.join(fixtures, "broken")]);
    const file = path.join(fixtures, "broken/missing-policy.test.yaml");
    const policy = path.join(fixtures, "no-such-policy.yaml");
    expect(suite.broken.map((b) => b.message)).toContain(
      `${file}:1:9: policy: cannot read ${policy} (ENOENT)`,
    );
  });

  it("names file and line of a broken test file", async () => {
    const suite = await runPolicyTests([path.join(fixtures, "broken")]);
    const file = path.join(fixtures, "broken/typo.test.yaml");
    expect(suite.broken.map((b) => b.message)).toContain(
      `${file}:7:7: cases[0].expect.admited: unknown key admited\n` +
        `${file}:7:7: cases[0].expect: give either admitted (with dropped) ` +
        `or error (got {"admited":["a"]})`,
    );
  });
});

/** Runs the CLI from source; resolves with the exit code either way. */
async function cli(args: string[]) {
  const command = [
    "--import",
    "tsx",
    path.join(repoRoot, "src/cli/main.ts"),
    ...args,
  ];
  try {
    const { stdout } = await run(process.execPath, command, { cwd: repoRoot });
    return { code: 0, stdout: stdout.trimEnd() };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout.trimEnd() };
  }
}

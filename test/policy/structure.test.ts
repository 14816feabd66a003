import path from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/loader.js";
import { surfaceRules, type SurfaceRules } from "../../src/policy/policy.js";
import { repoRoot } from "../helpers/server.js";

const fixtures = path.join(repoRoot, "test/policy/fixtures");
const fixture = (name: string) => path.join(fixtures, name);

/** `id:mode` of each rule of a surface, in order. */
function modes(surface: SurfaceRules): string[] {
  return surface.ruleInfos.map((info) => `${info.id}:${info.mode}`);
}

async function failure(name: string): Promise<string> {
  const error = await loadPolicy(fixture(name)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PolicyError);
  return (error as PolicyError).message;
}

describe("surfaces override the base rules", () => {
  it("gives a listed surface its slots and overridden modes", async () => {
    const policy = await loadPolicy(fixture("extends/child.yaml"));
    const lockscreen = surfaceRules(policy, "lockscreen");
    expect(lockscreen.slots).toBe(1);
    expect(modes(lockscreen)).toEqual([
      "blocked-labels:enforce",
      "slots:enforce",
      "daily-cap:shadow",
      "content-review:enforce",
    ]);
  });

  it("gives an unlisted or empty surface the base rules", async () => {
    const policy = await loadPolicy(fixture("extends/child.yaml"));
    expect(surfaceRules(policy, "banner")).toBe(policy.base);
    expect(surfaceRules(policy, "")).toBe(policy.base);
    expect(policy.base.slots).toBe(3);
  });

  it("reuses the base rule when only the mode changes", async () => {
    const policy = await loadPolicy(fixture("extends/child.yaml"));
    const capOf = (surface: SurfaceRules) =>
      surface.rules.find((placed) => placed.rule.id === "daily-cap")?.rule;
    expect(capOf(surfaceRules(policy, "lockscreen"))).toBe(capOf(policy.base));
  });

  it("merges override params key by key over the base params", async () => {
    const policy = await loadPolicy(fixture("extends/child.yaml"));
    const cap = surfaceRules(policy, "widget").ruleInfos.find(
      (info) => info.id === "daily-cap",
    );
    expect(cap?.params).toEqual({
      windows: [{ name: "day", hours: 24, limit: 4 }],
      minGapMinutes: 30,
    });
  });

  it.each([
    [
      "surface-unknown-rule.yaml",
      "9:7: surfaces.lockscreen.rules.slot: unknown rule id slot (known: slots)",
    ],
    [
      "surface-bad-param.yaml",
      "15:46: surfaces.lockscreen.rules.cap.params.windows[0].limit: must be <= 1000 (got 1001)",
    ],
    [
      "surface-bad-slots.yaml",
      "8:12: surfaces.lockscreen.slots: must be >= 1 (got 0)",
    ],
  ])("rejects %s naming file, line and value", async (name, expected) => {
    expect(await failure(name)).toBe(`${fixture(name)}:${expected}`);
  });
});

describe("a variant extends a base policy", () => {
  it("replaces rules by id in place and adds new ones at the end", async () => {
    const policy = await loadPolicy(fixture("extends/child.yaml"));
    expect(policy.ruleInfos.map((info) => info.id)).toEqual([
      "blocked-labels",
      "slots",
      "daily-cap",
      "content-review",
    ]);
    expect(policy.ruleInfos[2]?.params).toMatchObject({
      windows: [{ name: "day", hours: 24, limit: 4 }],
    });
  });

  it("merges label mappings topic by topic", async () => {
    const policy = await loadPolicy(fixture("extends/child.yaml"));
    const item = {
      candidate: { topics: ["entertainment", "news/newscrime"] },
      index: 0,
      labels: new Map<string, string>(),
    };
    policy.labels.derive(item as never);
    expect([...item.labels.keys()]).toEqual(["gossip", "vicious_case"]);
  });

  it("overrides a rule's mode and params by id, keeping its place", async () => {
    const policy = await loadPolicy(fixture("extends/override.yaml"));
    expect(modes(policy.base)).toEqual([
      "blocked-labels:shadow",
      "slots:enforce",
      "daily-cap:enforce",
    ]);
    expect(policy.ruleInfos[2]?.params).toEqual({
      windows: [{ name: "day", hours: 24, limit: 8 }],
      minGapMinutes: 15,
    });
  });

  it("names every file of the chain and versions them together", async () => {
    const policy = await loadPolicy(fixture("extends/grandchild.yaml"));
    expect(policy.files.map((file) => path.basename(file))).toEqual([
      "grandchild.yaml",
      "child.yaml",
      "base.yaml",
    ]);
    expect(policy.version).toMatch(/^grandchild@[0-9a-f]{12}$/);
  });

  it("inherits surfaces and applies its own global shadow mode", async () => {
    const policy = await loadPolicy(fixture("extends/grandchild.yaml"));
    const lockscreen = surfaceRules(policy, "lockscreen");
    expect(lockscreen.slots).toBe(1);
    expect(lockscreen.rules.every((placed) => placed.mode === "shadow")).toBe(
      true,
    );
  });

  it("rejects a cycle at the extends that closes it", async () => {
    const a = fixture("extends/cycle-a.yaml");
    const b = fixture("extends/cycle-b.yaml");
    expect(await failure("extends/cycle-a.yaml")).toBe(
      `${b}:2:10: extends: cycle ${a} -> ${b} -> ${a}`,
    );
  });

  it.each([
    [
      "extends/missing-parent.yaml",
      `2:10: extends: cannot read ${fixture("extends/nowhere.yaml")} (ENOENT)`,
    ],
    [
      "extends/child-bad-param.yaml",
      "8:15: rules[0].params.labels: must be >= 1 (got [])",
    ],
    ["extends/no-rules.yaml", "1:1: rules: required"],
    [
      "extends/override-unknown.yaml",
      "4:3: overrides.daily-caps: unknown rule id daily-caps (known: blocked-labels, slots, daily-cap)",
    ],
    [
      "extends/override-bad-param.yaml",
      "6:22: overrides.daily-cap.params.minGapMinutes: must be <= 1440 (got 2000)",
    ],
  ])("rejects %s naming file, line and value", async (name, expected) => {
    expect(await failure(name)).toBe(`${fixture(name)}:${expected}`);
  });
});

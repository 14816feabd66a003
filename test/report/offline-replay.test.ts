import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/loader.js";
import { replayOffline } from "../../src/replay/offline/replay.js";
import { replayMarkdown } from "../../src/report/markdown.js";
import { repoRoot } from "../helpers/server.js";
import { fixture } from "../importers/data.js";

const policyFixture = (name: string) =>
  loadPolicy(path.join(repoRoot, "test/policy/fixtures/extends", name));

describe("offline replay", () => {
  it("changes no fate when a policy is compared with itself", async () => {
    const policy = await policyFixture("base.yaml");
    const report = await replayOffline({
      input: fixture("toutiao-50.jsonl"),
      policy,
      against: policy,
    });
    expect(report.changes).toMatchObject({
      compared: 1000,
      changed: 0,
      reasonChanged: 0,
      reranked: 0,
    });
    expect(report.runs[0]?.admitted).toBe(report.runs[1]?.admitted);
  });

  it("counts a line that is not a ScreenRequest and goes on", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pushguard-replay-"));
    const input = path.join(dir, "requests.jsonl");
    const good = (await readFile(fixture("toutiao-50.jsonl"), "utf8"))
      .split("\n")
      .slice(0, 2);
    await writeFile(input, [good[0], '{"candidate": []}', good[1]].join("\n"));
    const report = await replayOffline({
      input,
      policy: await policyFixture("base.yaml"),
    });
    expect(report.requests).toBe(2);
    expect(report.invalidLines).toBe(1);
    expect(report.invalidLineSamples[0]).toEqual({
      line: 2,
      message:
        'cannot decode message pushguard.v1.ScreenRequest from JSON: key "candidate" is unknown',
    });
  });

  it("writes a markdown summary naming both policies and every rule", async () => {
    const report = await replayOffline({
      input: fixture("toutiao-50.jsonl"),
      policy: await policyFixture("base.yaml"),
      against: await policyFixture("child.yaml"),
    });
    const markdown = replayMarkdown(report);
    const [a, b] = report.runs.map((run) => run.version);
    expect(markdown).toContain(`| rule | article | A ${a} | B ${b} | change |`);
    const gossip = report.runs.map(
      (run) =>
        run.removalsByRule.find((r) => r.ruleId === "blocked-labels")?.count,
    );
    expect(markdown).toContain(
      `| blocked-labels | Art. 5(1) | ${gossip[0]} | ${gossip[1]} |`,
    );
  });
});

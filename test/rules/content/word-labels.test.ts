import path from "node:path";
import { describe, expect, it } from "vitest";
import { toItems } from "../../../src/pipeline/item.js";
import { PolicyError } from "../../../src/policy/errors.js";
import { loadPolicy } from "../../../src/policy/loader.js";
import type { Policy } from "../../../src/policy/policy.js";
import { candidate } from "../../helpers/requests.js";
import { repoRoot } from "../../helpers/server.js";
import { loadDefaultPolicy, toutiao, toutiaoTitle } from "./context.js";

const fixtures = path.join(repoRoot, "test/rules/content/fixtures");
const fixture = (name: string) => path.join(fixtures, name);

/** The labels a policy derives for one candidate, with their origins. */
function labelsOf(policy: Policy, item: ReturnType<typeof candidate>) {
  const [one] = toItems([item]);
  if (one === undefined) throw new Error("no item");
  policy.labels.derive(one);
  return Object.fromEntries(one.labels);
}

const CHEATING_WIFE = "6553530455583359502";
const LESSER_GORGES = "6553115232011550980";

describe("labels from the default policy's word lists", () => {
  it.each([
    [CHEATING_WIFE, { gossip: "title word 出轨" }],
    [LESSER_GORGES, {}],
    ["6553107337584837127", { vulgar: "title word fuck*" }],
    // 辣眼睛 hypes ugliness; 爆炸头 (an afro) is an exception, not 爆炸.
    ["6554406797153665549", { ugliness_hype: "title word 辣眼睛" }],
  ])("Toutiao %s", async (id, labels) => {
    const policy = await loadDefaultPolicy();
    expect(labelsOf(policy, toutiao(id))).toEqual(labels);
  });

  it("keeps the topic's origin when a topic gave the label first", async () => {
    const policy = await loadDefaultPolicy();
    const item = toutiao("6553435587288760835");
    expect(labelsOf(policy, item)).toEqual({ gossip: "topic entertainment" });
  });

  it("keeps the ranker's label and origin", async () => {
    const policy = await loadDefaultPolicy();
    const item = toutiao(CHEATING_WIFE, { labels: ["gossip"] });
    expect(labelsOf(policy, item)).toEqual({ gossip: "upstream" });
  });

  it("masks only the exception: 小三 next to 小三峡 is still gossip", async () => {
    const policy = await loadDefaultPolicy();
    const title = `${toutiaoTitle(LESSER_GORGES)}导游竟是小三`;
    expect(labelsOf(policy, toutiao(LESSER_GORGES, { title }))).toEqual({
      gossip: "title word 小三",
    });
  });

  it("gives every list that matches its own label in one scan", async () => {
    const policy = await loadDefaultPolicy();
    const item = candidate("a", { title: "婚变后她开始炫富" });
    expect(labelsOf(policy, item)).toEqual({
      gossip: "title word 婚变",
      wealth_flaunting: "title word 炫富",
    });
  });

  it("reads full-width, upper-case and zero-width-split terms", async () => {
    const policy = await loadDefaultPolicy();
    const titles = ["明星婚变！", "FLAUNTS WEALTH", "出\u200b轨"];
    const labels = titles.map((title) =>
      Object.keys(labelsOf(policy, candidate("a", { title }))),
    );
    expect(labels).toEqual([["gossip"], ["wealth_flaunting"], ["gossip"]]);
  });
});

describe("labels.fromWords in a policy", () => {
  it("reads a parent's lists beside the parent and a child's beside it", async () => {
    const policy = await loadPolicy(fixture("child/words-child.yaml"));
    const derive = (title: string) =>
      labelsOf(policy, candidate("a", { title }));
    expect(derive("太牛逼了")).toEqual({ vulgar: "title word 牛逼" });
    expect(derive("老婆出轨")).toEqual({ gossip: "title word 出轨" });
    expect(derive("这才是土豪")).toEqual({
      wealth_flaunting: "title word 土豪",
    });
    expect(derive("小三峡值得去嘛")).toEqual({});
  });

  it.each([
    [
      "words-missing.yaml",
      `4:13: labels.fromWords.gossip: cannot read ${fixture("words/nope.txt")} (ENOENT)`,
    ],
    [
      "words-broken.yaml",
      '4:13: labels.fromWords.gossip: words/broken.txt:3: empty term "*"',
    ],
    [
      "cac-unknown-domain.yaml",
      "7:7: rules[0].params: domains: 今日头条 is not on the cac news source list",
    ],
    [
      "bait-missing-list.yaml",
      `7:7: rules[0].params: cannot read ${fixture("words/streak.txt")} (ENOENT)`,
    ],
  ])("%s is refused naming file and line", async (name, expected) => {
    const error = await loadPolicy(fixture(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).message).toBe(`${fixture(name)}:${expected}`);
  });
});

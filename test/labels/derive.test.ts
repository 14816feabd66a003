import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { topicLabelDeriver } from "../../src/labels/derive.js";
import { toItems } from "../../src/pipeline/item.js";
import { candidate } from "../helpers/requests.js";

/** The labels a mapping derives from some topics, with their origins. */
function labelsOf(
  fromTopics: Record<string, string[]>,
  topics: string[],
): [string, string][] {
  const [item] = toItems([candidate("a", { topics })]);
  if (item === undefined) throw new Error("no item");
  topicLabelDeriver(fromTopics).derive(item);
  return [...item.labels];
}

describe("topicLabelDeriver", () => {
  it("labels a prefix's topic and every path below it", () => {
    const mapping = { entertainment: ["gossip"] };
    expect(labelsOf(mapping, ["entertainment/杨幂"])).toEqual([
      ["gossip", "topic entertainment"],
    ]);
    expect(labelsOf(mapping, ["entertainments"])).toEqual([]);
  });

  it("skips topics that start like no prefix", () => {
    const mapping = { "news/newscrime": ["vicious_case"] };
    expect(labelsOf(mapping, ["tech/news", "newsy", "news"])).toEqual([]);
  });

  it("gives each label the origin of its first prefix, in topic order", () => {
    const mapping = { a: ["x"], "a/b": ["y", "x"], c: ["z"] };
    expect(labelsOf(mapping, ["c", "a/b/c"])).toEqual([
      ["z", "topic c"],
      ["x", "topic a"],
      ["y", "topic a/b"],
    ]);
  });

  it.each([
    ["an empty prefix before a leading slash", { "": ["l"] }, ["/x"]],
    ["an empty prefix as an empty topic", { "": ["l"] }, ["", "x"]],
    [
      "a prefix ending in a slash before an empty segment",
      { "a/": ["l"] },
      ["a//b"],
    ],
  ])("reads %s", (_case, mapping, topics) => {
    const origin = `topic ${Object.keys(mapping)[0]}`;
    expect(labelsOf(mapping, topics)).toEqual([["l", origin]]);
  });
});

describe("topicLabelDeriver properties", () => {
  /** The definition: every prefix from splitting and joining, in order. */
  function byPrefixes(
    fromTopics: Record<string, string[]>,
    topics: string[],
  ): [string, string][] {
    const labels = new Map<string, string>();
    for (const topic of topics) {
      const parts = topic.split("/");
      for (let n = 1; n <= parts.length; n++) {
        const prefix = parts.slice(0, n).join("/");
        for (const label of fromTopics[prefix] ?? []) {
          if (!labels.has(label)) labels.set(label, `topic ${prefix}`);
        }
      }
    }
    return [...labels];
  }

  const path = fc.string({
    unit: fc.constantFrom("a", "b", "/"),
    maxLength: 5,
  });
  const label = fc.constantFrom("x", "y", "z");

  it("labels as every prefix of every topic would", () => {
    fc.assert(
      fc.property(
        fc.dictionary(path, fc.array(label, { maxLength: 2 })),
        fc.array(path, { maxLength: 4 }),
        (fromTopics, topics) => {
          expect(labelsOf(fromTopics, topics)).toEqual(
            byPrefixes(fromTopics, topics),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});

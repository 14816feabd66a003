import { describe, expect, it } from "vitest";
import { sourceTitleText, titleText } from "../../src/labels/title-text.js";
import { toItems } from "../../src/pipeline/item.js";
import { candidate } from "../helpers/requests.js";

function itemOf(title: string, sourceTitle: string) {
  const [item] = toItems([candidate("a", { title, sourceTitle })]);
  if (item === undefined) throw new Error("no item");
  return item;
}

describe("titleText", () => {
  it("normalises the pushed title once and keeps it on the item", () => {
    const item = itemOf("ＦＬＯＯＤ  来了", "");
    expect(titleText(item)).toBe("flood 来了");
    item.candidate.title = "changed after the first read";
    expect(titleText(item)).toBe("flood 来了");
  });

  it("starts each item of a request without a title read", () => {
    const items = toItems([candidate("a"), candidate("b")]);
    expect(items.map((item) => item.titleText)).toEqual([undefined, undefined]);
  });
});

describe("sourceTitleText", () => {
  it("reads the pushed title's text when the ranker sent the same string", () => {
    const item = itemOf("速看！新规", "速看！新规");
    expect(sourceTitleText(item)).toBe("速看!新规");
    expect(item.sourceTitleText).toBeUndefined();
    expect(item.titleText).toBe("速看!新规");
  });

  it("normalises a different source title on its own", () => {
    const item = itemOf("新规", "“新规”出台");
    expect(sourceTitleText(item)).toBe('"新规"出台');
    expect(item.titleText).toBeUndefined();
  });
});

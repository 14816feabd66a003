import { describe, expect, it } from "vitest";
import {
  cacSourceNames,
  readCacSourceNames,
} from "../../src/importers/cac-sources.js";
import { sharedData } from "./data.js";

describe("readCacSourceNames", () => {
  it("reads 1,432 unique names from the 1,435 rows of the list", async () => {
    const names = await readCacSourceNames(sharedData("cac/news-sources.tsv"));
    expect(names.length).toBe(1432);
    expect(names.slice(0, 2)).toEqual(["人民网", "央广网"]);
  });

  it("removes the literal \\n left by PDF extraction", async () => {
    const names = await readCacSourceNames(sharedData("cac/news-sources.tsv"));
    expect(names.filter((n) => n.includes("\\n"))).toEqual([]);
    expect(names).toContain(
      "中共中央台湾工作办公室（国务院台湾事务办公室）网站",
    );
  });

  it("finds the name column by its header", () => {
    const tsv = "name\tseq\n新华网\t1\n新华网\t2\n人民网\t3\n";
    expect(cacSourceNames(tsv)).toEqual(["新华网", "人民网"]);
  });

  it("refuses a table without a name column", () => {
    expect(() => cacSourceNames("seq\turl\n1\tx\n")).toThrow(
      "cac source list: no name column in header",
    );
  });
});

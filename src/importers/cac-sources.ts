import { readFile } from "node:fs/promises";

/**
 * Reads the source names of the CAC list of Internet news information
 * sources (`cac/news-sources.tsv`: seq, category, sub_category, name, url).
 * Names are what Art. 5(3) checks, so they are cleaned the way the list was
 * damaged: PDF extraction left literal `\n` inside a few names, and a few
 * names repeat; the result is unique, in list order.
 */
export async function readCacSourceNames(path: string): Promise<string[]> {
  return cacSourceNames(await readFile(path, "utf8"));
}

/** Parses the TSV text; the header must name a `name` column. */
export function cacSourceNames(tsv: string): string[] {
  const [header = "", ...rows] = tsv.split(/\r?\n/);
  const column = header.split("\t").indexOf("name");
  if (column < 0) throw new Error("cac source list: no name column in header");
  const names = rows
    .map((row) => cleanName(row.split("\t")[column] ?? ""))
    .filter((name) => name !== "");
  return [...new Set(names)];
}

function cleanName(raw: string): string {
  return raw.replaceAll("\\n", "").trim();
}

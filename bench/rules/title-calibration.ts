/**
 * Calibration, not timing: how titleSimilarity and titleCoverage spread on
 * real headlines, so that a policy can pick thresholds. Writes
 * bench/results/title-calibration.md.
 *
 *   npx tsx bench/rules/title-calibration.ts
 *
 * There are no real pushed/source pairs in shared/data, so the pairs are
 * built from real headlines: unrelated pairs (each title against the next
 * one of the same corpus), faithful shortenings (the first 60% of the
 * characters), a sensational prefix ("震惊！", "SHOCKING: ") and the title
 * against itself with its punctuation changed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  titleCoverage,
  titleSimilarity,
} from "../../src/text/title-similarity.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const sharedData = path.resolve(here, "../../../shared/data");
const resultFile = path.resolve(here, "../results/title-calibration.md");

function corpus(file: string, field: number, separator: string): string[] {
  return readFileSync(path.join(sharedData, file), "utf8")
    .split("\n")
    .map((line) => line.split(separator)[field] ?? "")
    .filter((title) => title.length >= 8);
}

type Transform = (title: string, next: string) => [string, string];

const TRANSFORMS: Record<string, Transform> = {
  unrelated: (title, next) => [next, title],
  "first 60%": (title) => [
    title.slice(0, Math.ceil(title.length * 0.6)),
    title,
  ],
  "sensational prefix": (title) => [
    /[\u4e00-\u9fff]/u.test(title) ? `震惊！${title}` : `SHOCKING: ${title}`,
    title,
  ],
  "punctuation changed": (title) => [
    title.replace(/[，。！？,.!?:：]/gu, " "),
    title,
  ],
};

function quantiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    (
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
    ).toFixed(3);
  return `${at(0.01)} | ${at(0.5)} | ${at(0.99)} | ${(sorted.at(-1) ?? 0).toFixed(3)}`;
}

function rows(name: string, titles: string[]): string[] {
  return Object.entries(TRANSFORMS).flatMap(([label, transform]) => {
    const pairs = titles.map((t, i) =>
      transform(t, titles[(i + 1) % titles.length] ?? ""),
    );
    const similarity = pairs.map(([pushed, source]) =>
      titleSimilarity(pushed, source),
    );
    const coverage = pairs.map(([pushed, source]) =>
      titleCoverage(pushed, source),
    );
    return [
      `| ${name} | ${label} | similarity | ${pairs.length} | ${quantiles(similarity)} |`,
      `| ${name} | ${label} | coverage | ${pairs.length} | ${quantiles(coverage)} |`,
    ];
  });
}

function main() {
  const toutiao = corpus("toutiao/titles.txt", 3, "_!_");
  const mind = corpus("mind/news.tsv", 3, "\t");
  const lines = [
    "# Title similarity calibration",
    "",
    `- date: ${new Date().toISOString()}`,
    "- command: `npx tsx bench/rules/title-calibration.ts`",
    "- pairs built from real headlines (titles of 8 characters or more):",
    "  pushed title vs source title; see the script for the transforms",
    "",
    "| corpus | pushed title | measure | pairs | p1 | median | p99 | max |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows("toutiao", toutiao),
    ...rows("mind", mind),
  ];
  writeFileSync(resultFile, lines.join("\n") + "\n");
  console.log(lines.slice(7).join("\n"));
}

main();

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, wherever CI cloned it. */
export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);

/** `shared/data` sits beside the repository, locally and in CI. */
export const sharedData = path.resolve(repoRoot, "../shared/data");

/** Reads a file under `shared/data`. */
export function readSharedData(relative: string): string {
  return readFileSync(path.join(sharedData, relative), "utf8");
}

/** The Toutiao headlines, in file order. */
export function toutiaoTitles(): string[] {
  return readSharedData("toutiao/titles.txt")
    .split("\n")
    .map((line) => line.split("_!_")[3] ?? "");
}

/** The MIND headlines, in file order. */
export function mindTitles(): string[] {
  return readSharedData("mind/news.tsv")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split("\t")[3] ?? "");
}

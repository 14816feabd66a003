import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, whatever folder CI cloned it into. */
export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);

/** A file of the shared real data beside the repository. */
export function sharedData(file: string): string {
  return path.resolve(repoRoot, "../shared/data", file);
}

/** A file of the repository's own derived fixtures. */
export function fixture(file: string): string {
  return path.resolve(repoRoot, "test/fixtures", file);
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

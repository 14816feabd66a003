import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root; `shared/data` sits beside it, locally and in CI. */
export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);

export const sharedData = path.resolve(repoRoot, "../shared/data");

/** A seeded generator in [0, 1) (mulberry32), for repeatable random lists. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n random vectors of the given dimension, entries in [-1, 1). */
export function randomVectors(
  random: () => number,
  n: number,
  dims: number,
): number[][] {
  return Array.from({ length: n }, () =>
    Array.from({ length: dims }, () => random() * 2 - 1),
  );
}

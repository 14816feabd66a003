import { uniformInt } from "pure-rand/distribution/uniformInt";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/**
 * Seeded draws for synthetic replay data. Importers never touch
 * Math.random: the same seed and input must give byte-identical JSONL, so a
 * replay diff shows a policy change and nothing else.
 */
export interface SeededRandom {
  /** An integer in [from, to], both included. */
  int(from: number, to: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy of `items` (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[];
}

/** Creates the draws for one seed (xoroshiro128+ from pure-rand). */
export function seededRandom(seed: number): SeededRandom {
  const rng = xoroshiro128plus(seed);
  const int = (from: number, to: number) => uniformInt(rng, from, to);
  return {
    int,
    chance: (p) => uniformFloat64(rng) < p,
    pick: (items) => pickAt(items, int(0, items.length - 1)),
    shuffled: (items) => shuffle(items, int),
  };
}

function pickAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined)
    throw new RangeError("cannot pick from an empty list");
  return item;
}

function shuffle<T>(
  items: readonly T[],
  int: (from: number, to: number) => number,
): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = int(0, i);
    [copy[i], copy[j]] = [pickAt(copy, j), pickAt(copy, i)];
  }
  return copy;
}

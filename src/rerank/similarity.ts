import { addWeightedColumns, dotAt } from "./linalg.js";

/**
 * Similarity between the candidates of one list, for the re-rankers.
 *
 * Re-ranking k out of n candidates never needs the full n x n matrix: at
 * most the similarity of each pick to every candidate (k rows), and the
 * lazy re-rankers far fewer. So nothing is computed up front: a re-ranker
 * asks for one pair, or one row into a buffer it owns. Candidate pairs are
 * not cached, because no re-ranker asks for the same one twice (each
 * candidate is brought up to date once per pick, and a windowed DPP uses
 * each row once). The topic measure does remember each pair of distinct
 * topic lists it compared, which lists repeat, and builds a candidate's
 * prefix set only when a re-ranker first asks about the candidate.
 *
 * Both measures below are Gram matrices of unit vectors, hence positive
 * semi-definite with a unit diagonal: a determinantal point process needs
 * exactly that of its similarity.
 */
export interface Similarity {
  /** Number of candidates. */
  readonly size: number;
  /** Similarity of candidates i and j; symmetric, 1 when i equals j. */
  pair(i: number, j: number): number;
  /**
   * Writes the similarity of candidate i to every candidate into `out`
   * (length `size`); equal to `pair` up to rounding.
   */
  rowInto(i: number, out: Float64Array): void;
  /** Pairwise similarities computed so far; shows that work stays lazy. */
  readonly pairsComputed: number;
  /**
   * Set when the similarity is the cosine of embeddings: the unit vectors
   * themselves. A re-ranker may then work with vectors instead of
   * similarities (the DPP does; see dpp.ts).
   */
  readonly vectors?: UnitVectors;
}

/** Unit vectors, item-major: component d of vector i at i * dims + d. */
export interface UnitVectors {
  readonly dims: number;
  readonly byItem: Float64Array;
}

/** Computes similarities of distinct candidates. */
export interface SimilaritySource {
  readonly size: number;
  pair(i: number, j: number): number;
  /** Writes the similarity of i to every candidate into `out`. */
  fillRow(i: number, out: Float64Array): void;
  readonly vectors?: UnitVectors;
}

/** A source with a unit diagonal and a count of what it computed. */
export class CountedSimilarity implements Similarity {
  readonly size: number;
  #pairsComputed = 0;
  readonly vectors?: UnitVectors;

  constructor(private readonly source: SimilaritySource) {
    this.size = source.size;
    if (source.vectors !== undefined) this.vectors = source.vectors;
  }

  get pairsComputed() {
    return this.#pairsComputed;
  }

  pair(i: number, j: number) {
    this.#pairsComputed += 1;
    return i === j ? 1 : this.source.pair(i, j);
  }

  rowInto(i: number, out: Float64Array) {
    this.source.fillRow(i, out);
    out[i] = 1;
    this.#pairsComputed += this.size;
  }
}

/**
 * Cosine similarity of embeddings, in [-1, 1]. Vectors are normalised once;
 * a zero vector is similar to nothing but itself.
 */
export function embeddingSimilarity(
  embeddings: readonly ArrayLike<number>[],
): Similarity {
  return new CountedSimilarity(new EmbeddingSource(embeddings));
}

class EmbeddingSource implements SimilaritySource {
  readonly size: number;
  readonly #dims: number;
  /** Unit vectors, item-major: component d of vector i at i * dims + d. */
  readonly #byItem: Float64Array;
  /** The same, dimension-major; built for the first row asked for. */
  #byDimension: Float64Array | undefined;
  readonly #weights: Float64Array;
  readonly vectors: UnitVectors;

  constructor(embeddings: readonly ArrayLike<number>[]) {
    this.size = embeddings.length;
    const dims = (this.#dims = embeddings[0]?.length ?? 0);
    this.#byItem = new Float64Array(this.size * dims);
    this.#weights = new Float64Array(dims);
    embeddings.forEach((vector, i) => {
      if (vector.length !== dims) {
        const got = vector.length;
        throw new RangeError(
          `embedding ${i} has ${got} dimensions, expected ${dims}`,
        );
      }
      this.#byItem.set(vector, i * dims);
      if (!normalise(this.#byItem, i * dims, dims)) {
        throw new RangeError(`embedding ${i} must be finite`);
      }
    });
    this.vectors = { dims, byItem: this.#byItem };
  }

  pair(i: number, j: number) {
    const dims = this.#dims;
    return clampCosine(dotAt(this.#byItem, i * dims, j * dims, dims));
  }

  /**
   * One matrix-vector product over the vectors laid out dimension-major,
   * which streams memory about twice as fast as n separate pairs. A row
   * value may differ from `pair` in the last bit (another summation order).
   */
  fillRow(i: number, out: Float64Array) {
    const dims = this.#dims;
    this.#byDimension ??= transpose(this.#byItem, this.size, dims);
    this.#weights.set(this.#byItem.subarray(i * dims, (i + 1) * dims));
    out.fill(0);
    addWeightedColumns(out, this.#byDimension, this.size, this.#weights, dims);
    for (let j = 0; j < this.size; j++) out[j] = clampCosine(out[j] ?? 0);
  }
}

/** Item-major n x dims to dimension-major: value d of i at d * n + i. */
function transpose(byItem: Float64Array, n: number, dims: number) {
  const out = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) out[d * n + i] = byItem[i * dims + d] ?? 0;
  }
  return out;
}

/**
 * Divides v[at .. at + dims) by its length in place; a zero vector stays
 * zero. False when a value is not finite.
 */
function normalise(v: Float64Array, at: number, dims: number) {
  let squares = 0;
  for (let d = at; d < at + dims; d++) squares += (v[d] ?? 0) ** 2;
  // Far from underflow and overflow, one pass suffices; otherwise (or for
  // a value that is not finite) take the careful path.
  if (squares > 1e-280 && squares < 1e280) {
    scale(v, at, dims, 1 / Math.sqrt(squares));
    return true;
  }
  return normaliseCarefully(v, at, dims);
}

/**
 * Divides by the largest magnitude first, so that the squares neither
 * underflow (1e-161 squared is subnormal) nor overflow: either would give
 * cosines above 1 and a kernel that is not PSD.
 */
function normaliseCarefully(v: Float64Array, at: number, dims: number) {
  let largest = 0;
  for (let d = at; d < at + dims; d++) {
    const magnitude = Math.abs(v[d] ?? 0);
    if (!(magnitude <= largest)) largest = magnitude;
  }
  if (!Number.isFinite(largest)) return false;
  if (largest === 0) return true;
  // Below 2^-1000, 1 / largest overflows: lift by an exact power of two.
  const boost = largest < 2 ** -1000 ? 2 ** 600 : 1;
  scale(v, at, dims, boost);
  scale(v, at, dims, 1 / (largest * boost));
  let squares = 0;
  for (let d = at; d < at + dims; d++) squares += (v[d] ?? 0) ** 2;
  scale(v, at, dims, 1 / Math.sqrt(squares));
  return true;
}

function scale(v: Float64Array, at: number, dims: number, factor: number) {
  for (let d = at; d < at + dims; d++) v[d] = (v[d] ?? 0) * factor;
}

/** Rounding can put the cosine of (anti)parallel vectors just past 1. */
function clampCosine(value: number) {
  return value > 1 ? 1 : value < -1 ? -1 : value;
}

/** Options of the topic-path similarity. */
export interface TopicSimilarityOptions {
  /**
   * Ceiling on the similarity of two distinct candidates, in [0, 1).
   * Defaults to 0.9. Below 1, two items on the very same topic are still
   * two items: the kernel stays non-singular, so a DPP can come back to a
   * topic instead of stopping once every distinct topic set is used.
   */
  readonly maxPairSimilarity?: number;
}

/**
 * Similarity from topic paths such as `sports/football`. Each candidate is
 * the set of prefixes of its paths (`sports`, `sports/football`), and the
 * similarity of two candidates is the cosine (Ochiai) coefficient of those
 * sets, |A ∩ B| / sqrt(|A| |B|), scaled by `maxPairSimilarity`.
 * `sports/football` and `sports/nba` share one prefix of two: 0.5 before
 * scaling. A candidate without topics is similar to nothing but itself.
 *
 * Candidates with the same topic list share one row of values, so a row
 * costs one set comparison per distinct list, not per candidate.
 */
export function topicSimilarity(
  topics: readonly (readonly string[])[],
  options: TopicSimilarityOptions = {},
): Similarity {
  const ceiling = options.maxPairSimilarity ?? 0.9;
  if (!(ceiling >= 0 && ceiling < 1)) {
    throw new RangeError(`maxPairSimilarity ${ceiling} must be in [0, 1)`);
  }
  return new CountedSimilarity(new TopicSource(topics, ceiling));
}

/**
 * Prefix sets are built on first use, per candidate: a Screen re-ranks
 * ~100 candidates into a few slots, and the lazy re-rankers compare only
 * the few candidates that reach the top of their heap, so building every
 * set up front (interning ~1,000 freshly decoded prefix strings) was most
 * of the rule's time. Candidates with the same topic list share one set,
 * and each pair of sets is compared once per list.
 */
class TopicSource implements SimilaritySource {
  readonly size: number;
  /** Index into `#sets` of each candidate's topic list; -1 until built. */
  readonly #setOf: Int32Array;
  /** Prefix set of each distinct topic list: sorted interned prefix ids. */
  readonly #sets: Int32Array[] = [];
  readonly #setIds = new Map<string, number>();
  readonly #prefixIds = new Map<string, number>();
  /** Similarities of set pairs compared so far, keyed by `a * size + b`. */
  readonly #known = new Map<number, number>();
  /** Row buffer of `fillRow`: one value per distinct set. */
  #setSims = new Float64Array(0);

  constructor(
    private readonly topics: readonly (readonly string[])[],
    private readonly ceiling: number,
  ) {
    this.size = topics.length;
    this.#setOf = new Int32Array(this.size).fill(-1);
  }

  pair(i: number, j: number) {
    return this.#setSimilarity(this.#setIndex(i), this.#setIndex(j));
  }

  fillRow(i: number, out: Float64Array) {
    for (let j = 0; j < this.size; j++) this.#setIndex(j);
    const own = this.#setIndex(i);
    if (this.#setSims.length < this.#sets.length) {
      this.#setSims = new Float64Array(this.#sets.length);
    }
    const sims = this.#setSims;
    for (let s = 0; s < this.#sets.length; s++) {
      sims[s] = this.#compute(own, s);
    }
    for (let j = 0; j < this.size; j++) {
      out[j] = sims[this.#setOf[j] ?? 0] ?? 0;
    }
  }

  #setIndex(i: number): number {
    const known = this.#setOf[i] ?? -1;
    if (known >= 0) return known;
    const paths = this.topics[i] ?? [];
    const key = paths.length === 1 ? (paths[0] ?? "") : paths.join("\n");
    let id = this.#setIds.get(key);
    if (id === undefined) {
      id = this.#sets.push(prefixSet(paths, this.#prefixIds)) - 1;
      this.#setIds.set(key, id);
    }
    this.#setOf[i] = id;
    return id;
  }

  #setSimilarity(a: number, b: number) {
    const at = a < b ? a * this.size + b : b * this.size + a;
    let value = this.#known.get(at);
    if (value === undefined) {
      value = this.#compute(a, b);
      this.#known.set(at, value);
    }
    return value;
  }

  #compute(a: number, b: number) {
    const setA = this.#sets[a] as Int32Array;
    const setB = this.#sets[b] as Int32Array;
    if (setA.length === 0 || setB.length === 0) return 0;
    const shared = sharedCount(setA, setB);
    return (this.ceiling * shared) / Math.sqrt(setA.length * setB.length);
  }
}

/**
 * The sorted ids of every prefix of the given paths. Segments are split on
 * `/` and trimmed; empty segments are ignored.
 */
function prefixSet(paths: readonly string[], ids: Map<string, number>) {
  const set = new Set<number>();
  const add = (prefix: string) => {
    let id = ids.get(prefix);
    if (id === undefined) ids.set(prefix, (id = ids.size));
    set.add(id);
  };
  for (const path of paths) {
    if (UNTIDY_PATH.test(path)) addTidiedPrefixes(path, add);
    else addPrefixSlices(path, add);
  }
  return Int32Array.from(set).sort();
}

/**
 * A path whose segments need trimming or dropping: whitespace (what
 * `trim` removes), an empty segment, a leading or trailing `/`.
 */
const UNTIDY_PATH = /\s|\/\/|^\/|\/$/;

function addTidiedPrefixes(path: string, add: (prefix: string) => void) {
  let prefix = "";
  for (const segment of path.split("/")) {
    const name = segment.trim();
    if (name === "") continue;
    prefix = prefix === "" ? name : `${prefix}/${name}`;
    add(prefix);
  }
}

/**
 * A tidy path's prefixes are slices of it, with no string to build: most
 * paths are tidy, and building the prefixes was most of a Screen's
 * re-ranking time.
 */
function addPrefixSlices(path: string, add: (prefix: string) => void) {
  if (path === "") return;
  let end = path.indexOf("/");
  while (end >= 0) {
    add(path.slice(0, end));
    end = path.indexOf("/", end + 1);
  }
  add(path);
}

function sharedCount(a: Int32Array, b: Int32Array) {
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) shared++;
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return shared;
}

/** What the similarity needs to know of a candidate. */
export interface SimilarityFields {
  readonly topics: readonly string[];
  readonly embedding: ArrayLike<number>;
}

/**
 * Picks the measure for one list: cosine of embeddings when every candidate
 * carries one, topic paths otherwise, so that one list is never measured
 * with two yardsticks.
 */
export function similarityFor(
  candidates: readonly SimilarityFields[],
  options: TopicSimilarityOptions = {},
): Similarity {
  const embedded =
    candidates.length > 0 &&
    candidates.every((candidate) => candidate.embedding.length > 0);
  if (embedded) {
    return embeddingSimilarity(candidates.map((c) => c.embedding));
  }
  return topicSimilarity(
    candidates.map((c) => c.topics),
    options,
  );
}

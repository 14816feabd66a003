/**
 * A binary max-heap of candidate indices for lazy greedy selection.
 *
 * Keys live in arrays the ranker owns and may lower in place: a ranker
 * lowers the key of the top and calls `settleTop`. Order: higher `key`,
 * then higher `tie`, then lower index, so that selection is deterministic.
 * The heap is sized once; nothing is allocated after construction.
 */
export class CandidateHeap {
  readonly #items: Int32Array;
  #size: number;

  constructor(
    private readonly key: Float64Array,
    private readonly tie: ArrayLike<number>,
  ) {
    this.#size = key.length;
    this.#items = new Int32Array(key.length);
    for (let i = 0; i < this.#size; i++) this.#items[i] = i;
    this.rebuild();
  }

  /** Restores the order after any keys changed, in O(size). */
  rebuild(): void {
    for (let at = (this.#size >> 1) - 1; at >= 0; at--) this.#siftDown(at);
  }

  /** The top candidate, or -1 when the heap is empty. */
  top(): number {
    return this.#size > 0 ? (this.#items[0] ?? -1) : -1;
  }

  /** Removes the top candidate. */
  pop(): void {
    if (this.#size === 0) return;
    this.#size -= 1;
    this.#items[0] = this.#items[this.#size] ?? 0;
    this.#siftDown(0);
  }

  /** Restores the order after the top candidate's key was lowered. */
  settleTop(): void {
    this.#siftDown(0);
  }

  #siftDown(start: number) {
    const items = this.#items;
    const item = items[start] ?? 0;
    let at = start;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.#size) break;
      const right = child + 1;
      const left = items[child] ?? 0;
      if (right < this.#size && this.#above(items[right] ?? 0, left)) {
        child = right;
      }
      const pick = items[child] ?? 0;
      if (!this.#above(pick, item)) break;
      items[at] = pick;
      at = child;
    }
    items[at] = item;
  }

  #above(a: number, b: number) {
    const ka = this.key[a] ?? 0;
    const kb = this.key[b] ?? 0;
    if (ka !== kb) return ka > kb;
    const ta = this.tie[a] ?? 0;
    const tb = this.tie[b] ?? 0;
    return ta !== tb ? ta > tb : a < b;
  }
}

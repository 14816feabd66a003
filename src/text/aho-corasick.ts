/*
 * An Aho-Corasick automaton over UTF-16 code units, written here rather
 * than taken from npm. Measured on the 12,000 Toutiao and MIND headlines
 * (node 20, this project's 2-core machine, shared with other work):
 *
 * - modern-ahocorasick 3.3 (typed, maintained, MIT): about 11 us a title
 *   for one list, 26 us with its ASCII word boundaries, because it segments
 *   every text into grapheme clusters with Intl.Segmenter before scanning.
 *   A Screen runs 100 titles through ten lists: several milliseconds.
 * - @monyone/aho-corasick 1.1 (typed, one maintainer): 1.2 us a title, but
 *   its `hasKeywordInText` walks code points while its trie is built from
 *   code units, so a term outside the BMP never matches.
 * - a map trie with failure links: 0.7 us a title for one list, but 12 to
 *   20 us for the eleven shipped lists, one map lookup per character.
 *
 * Each code unit maps to a symbol through a table (128 KiB per automaton);
 * a unit no key contains sends the scan straight back to the root. Moves
 * are a dense DFA table, one array read per code unit, when states times
 * symbols fits {@link DENSE_CELLS}. The default policy's label lists
 * take about 1,800 states times 365 symbols (1.2 MiB), its bait lists
 * 71,000 cells, all eleven shipped lists in one automaton 1.2 million
 * cells (2.3 MiB).
 * Past the bound, for a larger lexicon (by estimate 30,000 states times
 * 3,000 symbols for 10,000 Chinese terms), the automaton keeps a layout
 * that grows with the keys: the root's moves a dense array (most
 * characters of a title are read there), deeper states a small map each,
 * followed along failure links. On the eleven lists the table scans a
 * title in 0.22 us, the sparse layout in 0.50 us (bench/results/
 * wordlists.md, load average 5 on 2 cores).
 */

/**
 * Most cells of a dense table: 2 Mi cells, 4 MiB of 16-bit states. A
 * policy holds a few automata; a reload builds new ones beside the old.
 */
export const DENSE_CELLS = 1 << 21;

/**
 * Aho-Corasick automaton; states are indices into the parallel arrays. A
 * scan reads it one code unit at a time:
 *
 *     state = automaton.step(state, unit);
 *     for (let m = automaton.match(state); m >= 0; m = automaton.shorter(m))
 *       use(automaton.key(m));
 */
export class Automaton {
  /** Symbol of each UTF-16 code unit; 0 for units no key contains. */
  private readonly symbols = new Uint16Array(0x10000);
  private symbolCount = 0;
  /** Moves out of the root, by symbol. */
  private root = new Int32Array(0);
  /** Moves out of every other state, by symbol. */
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** Index of the key that ends at a state, or -1. */
  private readonly output: number[] = [-1];
  /** Nearest state on the failure chain that has an output, or -1. */
  private readonly dictLink: number[] = [-1];
  /** The state itself when a key ends there, else its dictionary link. */
  private readonly matches: number[] = [-1];
  /** Every move, `state * width + symbol`, when it fits; else undefined. */
  private readonly dense: Uint16Array | Int32Array | undefined;
  private readonly width: number;

  /**
   * Keys must be non-empty and distinct. `denseCells` bounds the DFA
   * table; past it the automaton keeps the sparse layout.
   */
  constructor(keys: readonly string[], denseCells = DENSE_CELLS) {
    keys.forEach((key, index) => this.insert(key, index));
    this.root = new Int32Array(this.symbolCount + 1);
    for (const [symbol, state] of this.edges(0)) this.root[symbol] = state;
    const order = this.link();
    for (let state = 0; state < this.output.length; state++) {
      const own = (this.output[state] as number) >= 0;
      this.matches[state] = own ? state : (this.dictLink[state] as number);
    }
    this.width = this.symbolCount + 1;
    const cells = this.output.length * this.width;
    this.dense = cells <= denseCells ? this.denseTable(order) : undefined;
  }

  /** True when moves are read from the DFA table. */
  get isDense(): boolean {
    return this.dense !== undefined;
  }

  /** States times symbols: the cells the DFA table has, or would have. */
  get tableCells(): number {
    return this.output.length * this.width;
  }

  /** The state after reading one UTF-16 code unit. */
  step(state: number, unit: number): number {
    const symbol = this.symbols[unit] as number;
    if (this.dense !== undefined) {
      return this.dense[state * this.width + symbol] as number;
    }
    return symbol === 0 ? 0 : this.move(state, symbol);
  }

  /** A state whose key ends where `state` was reached (longest), or -1. */
  match(state: number): number {
    return this.matches[state] as number;
  }

  /** The state of the next shorter key ending at the same place, or -1. */
  shorter(match: number): number {
    return this.dictLink[match] as number;
  }

  /** Index (in the constructor's `keys`) of a match's key. */
  key(match: number): number {
    return this.output[match] as number;
  }

  private symbolOf(unit: number): number {
    const known = this.symbols[unit] as number;
    if (known !== 0) return known;
    if (this.symbolCount === 0xffff) {
      throw new RangeError("word list uses over 65535 distinct code units");
    }
    this.symbolCount++;
    this.symbols[unit] = this.symbolCount;
    return this.symbolCount;
  }

  private edges(state: number): Map<number, number> {
    return this.next[state] as Map<number, number>;
  }

  private insert(key: string, index: number): void {
    let state = 0;
    for (let i = 0; i < key.length; i++) {
      const symbol = this.symbolOf(key.charCodeAt(i));
      state = this.edges(state).get(symbol) ?? this.addState(state, symbol);
    }
    this.output[state] = index;
  }

  private addState(parent: number, symbol: number): number {
    const state = this.next.push(new Map()) - 1;
    this.fail.push(0);
    this.output.push(-1);
    this.dictLink.push(-1);
    this.edges(parent).set(symbol, state);
    return state;
  }

  /**
   * Breadth-first: failure and dictionary links of each state. Returns
   * the states below the root in that order.
   */
  private link(): number[] {
    const queue = [...this.edges(0).values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      for (const [symbol, child] of this.edges(state)) {
        const target = this.move(this.fail[state] as number, symbol);
        this.fail[child] = target;
        this.dictLink[child] =
          (this.output[target] as number) >= 0
            ? target
            : (this.dictLink[target] as number);
        queue.push(child);
      }
    }
    return queue;
  }

  /** The state after reading a symbol some key contains. */
  private move(state: number, symbol: number): number {
    let current = state;
    while (current !== 0) {
      const target = this.edges(current).get(symbol);
      if (target !== undefined) return target;
      current = this.fail[current] as number;
    }
    return this.root[symbol] as number;
  }

  /**
   * Every move as a table: a state's row is its failure state's row (a
   * shallower state, filled earlier in breadth-first order) with its own
   * edges written over it. Column 0, a unit no key contains, stays 0.
   */
  private denseTable(order: readonly number[]): Uint16Array | Int32Array {
    const cells = this.output.length * this.width;
    const table =
      this.output.length <= 0x10000
        ? new Uint16Array(cells)
        : new Int32Array(cells);
    table.set(this.root);
    for (const state of order) {
      const row = state * this.width;
      const failRow = (this.fail[state] as number) * this.width;
      table.copyWithin(row, failRow, failRow + this.width);
      for (const [symbol, child] of this.edges(state)) {
        table[row + symbol] = child;
      }
    }
    return table;
  }
}

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
 * - this file: 3 to 5 us a title for the eleven lists in the same run, and
 *   8 us in bench/rules/wordlists.ts on a machine loaded by other work
 *   (String.includes of every term, without boundaries: 13 us). Each code
 *   unit maps to a symbol through a table; a unit no key contains sends
 *   the scan straight back to the root, the root's moves are a dense array
 *   (most characters of a title are read there), deeper states keep a
 *   small map. The symbol table costs 128 KiB per automaton.
 *
 * A full DFA table was about 1.7 times faster again on the shipped lists
 * (0.9 MB for all eleven) but grows as states times symbols: by estimate
 * 30,000 states times 3,000 symbols, 360 MB, for a 10,000-term Chinese
 * lexicon. This layout grows with the keys.
 */

/** Aho-Corasick automaton; states are indices into the parallel arrays. */
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

  /** Keys must be non-empty and distinct. */
  constructor(keys: readonly string[]) {
    keys.forEach((key, index) => this.insert(key, index));
    this.root = new Int32Array(this.symbolCount + 1);
    for (const [symbol, state] of this.edges(0)) this.root[symbol] = state;
    this.link();
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

  /** Breadth-first: failure and dictionary links of each state. */
  private link(): void {
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
   * Calls `visit(keyIndex, end)` for every key ending at each position of
   * `text`, by end position and, at one end, longest key first; stops when
   * `visit` returns true.
   */
  scan(text: string, visit: (key: number, end: number) => boolean): void {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const symbol = this.symbols[text.charCodeAt(i)] as number;
      state = symbol === 0 ? 0 : this.move(state, symbol);
      let hit = (this.output[state] as number) >= 0 ? state : -1;
      if (hit < 0) hit = this.dictLink[state] as number;
      for (; hit >= 0; hit = this.dictLink[hit] as number) {
        if (visit(this.output[hit] as number, i + 1)) return;
      }
    }
  }
}

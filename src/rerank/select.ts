/**
 * Greedy selection under hard constraints, shared by both re-rankers.
 *
 * A ranker proposes its best open candidate; the constraint may refuse it.
 * A refused candidate is cut, with the id of the limit that refused it, and
 * the ranker proposes again, until k are selected or the ranker has nothing
 * worth adding. Limits only tighten as items are admitted (counts go up),
 * so a candidate refused once would be refused at every later step: it is
 * never proposed again.
 *
 * The three outcomes stay distinct: selected (in push order), cut (it was
 * the ranker's best choice at some step and a limit refused it), and not
 * selected (k was reached, or the ranker stopped, before it came up).
 */

/** Status of a candidate during selection. */
export const OPEN = 0;
export const SELECTED = 1;
export const CUT = 2;

/** A greedy re-ranker: proposes the next pick and learns what was taken. */
export interface GreedyRanker {
  /**
   * The best candidate whose status is OPEN, lowest index on ties; -1 when
   * none is open or none is worth adding (a DPP below its epsilon).
   */
  best(status: Uint8Array): number;
  /** Records candidate j as the next pick. */
  take(j: number): void;
}

/**
 * Hard limits on a list, checked as it is built. One constraint may serve
 * many selections: `begin` starts the counts of one.
 */
export interface SelectionConstraint {
  begin(slots: number): ConstraintRun;
}

/** The counts of one selection. */
export interface ConstraintRun {
  /** Id of the first limit that admitting j would break, else undefined. */
  refuse(j: number): string | undefined;
  /** Counts j as admitted. */
  admit(j: number): void;
}

/** The outcome of one selection. */
export interface Selection {
  /** Indices of the selected candidates, in push order. */
  readonly selected: number[];
  /** Candidates a limit refused, each with the id of that limit. */
  readonly cut: Map<number, string>;
}

/**
 * Selects up to k of n candidates in the ranker's order, never admitting a
 * candidate that a limit refuses.
 */
export function selectWithConstraints(
  n: number,
  k: number,
  ranker: GreedyRanker,
  constraint?: SelectionConstraint,
): Selection {
  const status = new Uint8Array(n);
  const selected: number[] = [];
  const cut = new Map<number, string>();
  const run = constraint?.begin(k);
  while (selected.length < k) {
    const j = ranker.best(status);
    if (j < 0) break;
    const refusal = run?.refuse(j);
    if (refusal !== undefined) {
      status[j] = CUT;
      cut.set(j, refusal);
      continue;
    }
    status[j] = SELECTED;
    run?.admit(j);
    selected.push(j);
    // The last pick needs no update: nothing is proposed after it.
    if (selected.length < k) ranker.take(j);
  }
  return { selected, cut };
}

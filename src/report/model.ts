import type { StatusCount } from "../replay/summary.js";
import type { ListMeasures } from "./measures.js";

/**
 * What an offline replay found: the data both the markdown summary and the
 * HTML report are written from. Plain JSON, so a notebook can read it too
 * (`report.json` beside the others).
 */
export interface ReplayReport {
  /** The JSONL replayed, as given on the command line. */
  readonly input: string;
  /** Lines read that held a ScreenRequest. */
  readonly requests: number;
  /** Lines that were not ScreenRequests (counted, skipped). */
  readonly invalidLines: number;
  readonly invalidLineSamples: readonly { line: number; message: string }[];
  /** Candidates in the requests. */
  readonly candidates: number;
  /** Candidates per top-level topic, as the ranker offered them. */
  readonly offeredTopics: Readonly<Record<string, number>>;
  /**
   * The ranker's own top `slots` of every list, as if nothing screened it
   * (labels and slots as the first policy derives them): the baseline the
   * policies are compared with.
   */
  readonly before: ListMeasures;
  /** One run per policy: the first is the baseline policy. */
  readonly runs: readonly PolicyRunReport[];
  /** Present when two policies were compared. */
  readonly changes?: FateChanges;
}

/** One policy's decisions over the whole input. */
export interface PolicyRunReport {
  /** `name@hash`. */
  readonly version: string;
  readonly file: string;
  /** Requests decided. */
  readonly ok: number;
  /** Requests refused, by gRPC status. */
  readonly errors: readonly StatusCount[];
  readonly admitted: number;
  readonly dropped: number;
  /** Entries of `wouldDrop`: shadow rules' removals, never applied. */
  readonly wouldDrop: number;
  /** Removals by rule, most first. */
  readonly removalsByRule: readonly RuleRemovals[];
  /** Shadow removals by rule, most first. */
  readonly wouldDropByRule: readonly RuleRemovals[];
  /** Of the admitted lists. */
  readonly measures: ListMeasures;
}

/** How many items one rule removed, and under which codes. */
export interface RuleRemovals {
  readonly ruleId: string;
  readonly article: string;
  readonly count: number;
  /** Count per reason code, most first. */
  readonly codes: readonly { code: string; count: number }[];
}

/** Items decided differently by the two policies. */
export interface FateChanges {
  /** Candidates decided by both policies. */
  readonly compared: number;
  /** Admitted by one policy and dropped by the other. */
  readonly changed: number;
  /** Dropped by both, under different first reasons. */
  readonly reasonChanged: number;
  /** Admitted by both, at another rank. */
  readonly reranked: number;
  /** Counts per change, e.g. `admitted` to `cap.disaster_list`. */
  readonly transitions: readonly { from: string; to: string; count: number }[];
  /** The first items admitted by one policy only, in input order. */
  readonly sample: readonly ChangedItem[];
}

/** One candidate whose fate changed. */
export interface ChangedItem {
  readonly requestId: string;
  readonly candidateId: string;
  readonly title: string;
  readonly topic: string;
  readonly labels: readonly string[];
  /** `admitted #2`, or the reason code and rule that dropped it. */
  readonly before: string;
  readonly after: string;
}

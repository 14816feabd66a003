import type {
  ScreenRequest,
  ScreenResponse,
} from "../../gen/pushguard/v1/pushguard_pb.js";
import type { Item } from "../../pipeline/item.js";
import { topLevelTopic } from "../../report/measures.js";
import type { ChangedItem, FateChanges } from "../../report/model.js";

/** What happened to one candidate under one policy. */
interface Fate {
  /** `admitted`, the first reason code, or `refused` for the request. */
  readonly kind: string;
  /** For people: `admitted #2`, `label.gossip (blocked-labels)`. */
  readonly text: string;
  readonly rank: number;
}

/**
 * Compares, candidate by candidate, what two policies did with the same
 * requests. Memory stays bounded: counts per transition, and the first
 * `sampleSize` changed items kept for the report.
 */
export class FateComparison {
  #compared = 0;
  #changed = 0;
  #reranked = 0;
  #reasonChanged = 0;
  readonly #transitions = new Map<string, number>();
  readonly #sample: ChangedItem[] = [];

  constructor(private readonly sampleSize: number) {}

  /** Adds one request as both policies decided it. */
  add(
    request: ScreenRequest,
    items: readonly Item[],
    responses: readonly [
      ScreenResponse | undefined,
      ScreenResponse | undefined,
    ],
  ): void {
    const [before, after] = responses.map(fatesOf);
    for (const item of items) {
      const id = item.candidate.id;
      const from = before?.get(id) ?? REFUSED;
      const to = after?.get(id) ?? REFUSED;
      this.#compare(request, item, from, to);
    }
  }

  #compare(request: ScreenRequest, item: Item, from: Fate, to: Fate): void {
    this.#compared++;
    if (from.kind === to.kind) {
      if (from.rank !== to.rank) this.#reranked++;
      return;
    }
    const key = `${from.kind}\u0000${to.kind}`;
    this.#transitions.set(key, (this.#transitions.get(key) ?? 0) + 1);
    if (isAdmitted(from) === isAdmitted(to)) {
      this.#reasonChanged++;
      return;
    }
    this.#changed++;
    if (this.#sample.length >= this.sampleSize) return;
    this.#sample.push(changedItem(request, item, from, to));
  }

  result(): FateChanges {
    const transitions = [...this.#transitions].map(([key, count]) => {
      const [from = "", to = ""] = key.split("\u0000");
      return { from, to, count };
    });
    transitions.sort((a, b) => b.count - a.count);
    return {
      compared: this.#compared,
      changed: this.#changed,
      reranked: this.#reranked,
      reasonChanged: this.#reasonChanged,
      transitions,
      sample: [...this.#sample],
    };
  }
}

const isAdmitted = (fate: Fate) => fate.kind === "admitted";

const REFUSED: Fate = { kind: "refused", text: "request refused", rank: 0 };

function fatesOf(response: ScreenResponse | undefined) {
  if (response === undefined) return undefined;
  const fates = new Map<string, Fate>();
  for (const admitted of response.admitted) {
    fates.set(admitted.candidateId, {
      kind: "admitted",
      text: `admitted #${admitted.rank}`,
      rank: admitted.rank,
    });
  }
  for (const dropped of response.dropped) {
    const reason = dropped.reasons[0];
    const code = reason?.code ?? "(no reason)";
    const text = `${code} (${reason?.ruleId ?? "?"})`;
    fates.set(dropped.candidateId, { kind: code, text, rank: 0 });
  }
  return fates;
}

function changedItem(
  request: ScreenRequest,
  item: Item,
  from: Fate,
  to: Fate,
): ChangedItem {
  const { candidate } = item;
  return {
    requestId: request.requestId,
    candidateId: candidate.id,
    title: candidate.title,
    topic: topLevelTopic(candidate.topics),
    labels: [...item.labels.keys()],
    before: from.text,
    after: to.text,
  };
}

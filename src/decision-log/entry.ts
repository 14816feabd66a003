import type { Reason as ReasonMessage } from "../gen/pushguard/v1/pushguard_pb.js";
import type { Decision } from "../service/screen.js";
import type { UserHasher } from "./user-hash.js";

/** What the decision log says about one candidate. */
export interface CandidateLine {
  /** Left out for minors. */
  readonly id?: string;
  readonly outcome: "admitted" | "dropped";
  /** Push order, 1 first; admitted adults' candidates only. */
  readonly rank?: number;
  /** Why an enforced rule dropped it; adults only. */
  readonly reasons?: readonly ReasonLine[];
  /** What shadow rules would have done; adults only. */
  readonly wouldDrop?: readonly ReasonLine[];
}

/** A removal reason without its message, which may quote item text. */
export interface ReasonLine {
  readonly ruleId: string;
  readonly code: string;
  readonly article: string;
}

/** One line of the decision log. */
export interface DecisionLine {
  /** Always `decision`, so that a log router can pick these lines out. */
  readonly log: "decision";
  readonly decisionId: string;
  readonly policyVersion: string;
  /** Decision time (the request's `now`, else the server clock), UTC. */
  readonly time: string;
  /** Keyed hash of the user id; the raw id is never written. */
  readonly user: string;
  readonly minor: boolean;
  /** Adults only, like every field below. */
  readonly provider?: string;
  readonly surface?: string;
  readonly committed?: boolean;
  readonly candidates: readonly CandidateLine[];
}

/**
 * Builds the decision log line of one decision, in request order. For a
 * minor it keeps nothing beyond the user hash and each outcome (Art. 5(7):
 * no history about minors), so not even the item ids.
 */
export function decisionLine(
  decision: Decision,
  hashUser: UserHasher,
): DecisionLine {
  const { ctx, response } = decision;
  const head = {
    log: "decision" as const,
    decisionId: decision.decisionId,
    policyVersion: response.policyVersion,
    time: new Date(ctx.nowMs).toISOString(),
    user: hashUser(ctx.userId),
    minor: ctx.minor,
  };
  const admitted = new Map(
    response.admitted.map((a) => [a.candidateId, a.rank]),
  );
  const ids = ctx.request.candidates.map((candidate) => candidate.id);
  if (ctx.minor) {
    const candidates = ids.map((id) => ({ outcome: outcomeOf(admitted, id) }));
    return { ...head, candidates };
  }
  return {
    ...head,
    provider: ctx.request.provider?.id ?? "",
    surface: ctx.request.surface,
    committed: response.committed,
    candidates: adultCandidates(decision, ids, admitted),
  };
}

function adultCandidates(
  { response }: Decision,
  ids: readonly string[],
  admitted: ReadonlyMap<string, number>,
): CandidateLine[] {
  const dropped = reasonsById(response.dropped);
  const wouldDrop = reasonsById(response.wouldDrop);
  return ids.map((id) => {
    const rank = admitted.get(id);
    const line: CandidateLine =
      rank === undefined
        ? { id, outcome: "dropped", reasons: dropped.get(id) ?? [] }
        : { id, outcome: "admitted", rank };
    const shadow = wouldDrop.get(id);
    return shadow === undefined ? line : { ...line, wouldDrop: shadow };
  });
}

function outcomeOf(admitted: ReadonlyMap<string, number>, id: string) {
  return admitted.has(id) ? ("admitted" as const) : ("dropped" as const);
}

function reasonsById(
  entries: readonly { candidateId: string; reasons: ReasonMessage[] }[],
): Map<string, ReasonLine[]> {
  const byId = new Map<string, ReasonLine[]>();
  for (const { candidateId, reasons } of entries) {
    byId.set(
      candidateId,
      reasons.map(({ ruleId, code, article }) => ({ ruleId, code, article })),
    );
  }
  return byId;
}

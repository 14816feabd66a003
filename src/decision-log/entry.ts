import type { Reason as ReasonMessage } from "../gen/pushguard/v1/pushguard_pb.js";
import type { Reason } from "../pipeline/reason.js";
import type { Removal } from "../pipeline/rule.js";
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
 *
 * This is the line's definition as objects; the log writes
 * {@link decisionJson}, the same text built without them, and
 * test/ops/decision-json.test.ts holds the two together.
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

/**
 * The decision log line of one decision as JSON: the same text as
 * `JSON.stringify(decisionLine(decision, hashUser))`, written without the
 * intermediate objects. A line of 100 candidates is ~13 kB; building and
 * stringifying it cost ~85 µs per Screen, on the request thread. Here a
 * candidate costs one appended string: its outcome is read from the
 * verdict by request position, and each distinct reason (most of a long
 * list shares the list's slots reason) is serialised once.
 */
export function decisionJson(decision: Decision, hashUser: UserHasher): string {
  const { ctx, response } = decision;
  let json =
    `{"log":"decision","decisionId":${quoted(decision.decisionId)},` +
    `"policyVersion":${quoted(response.policyVersion)},` +
    `"time":"${new Date(ctx.nowMs).toISOString()}",` +
    `"user":${quoted(hashUser(ctx.userId))},"minor":${ctx.minor}`;
  const outcomes = outcomesOf(decision);
  if (!ctx.minor) {
    json +=
      `,"provider":${quoted(ctx.request.provider?.id ?? "")}` +
      `,"surface":${quoted(ctx.request.surface)}` +
      `,"committed":${response.committed}`;
  }
  json += `,"candidates":[`;
  ctx.request.candidates.forEach((candidate, index) => {
    if (index > 0) json += ",";
    json += ctx.minor
      ? minorCandidateJson(index, outcomes)
      : adultCandidateJson(candidate.id, index, outcomes);
  });
  return `${json}]}`;
}

/** Each candidate's outcome by request position, reasons as JSON. */
interface Outcomes {
  readonly ranks: (number | undefined)[];
  readonly reasons: (string | undefined)[];
  readonly wouldDrop: (string | undefined)[];
}

function outcomesOf({ ctx, verdict }: Decision): Outcomes {
  const n = ctx.request.candidates.length;
  const ranks = new Array<number | undefined>(n).fill(undefined);
  verdict.admitted.forEach((item, at) => (ranks[item.index] = at + 1));
  const json = new Map<Reason, string>();
  return {
    ranks,
    reasons: reasonsByIndex(verdict.dropped, n, json),
    wouldDrop: reasonsByIndex(verdict.wouldDrop, n, json),
  };
}

/** Each candidate's reasons as the inside of a JSON array, by position. */
function reasonsByIndex(
  removals: readonly Removal[],
  n: number,
  json: Map<Reason, string>,
): (string | undefined)[] {
  const byIndex = new Array<string | undefined>(n).fill(undefined);
  let last: Reason | undefined;
  let text = "";
  for (const { item, reason } of removals) {
    // Removals by one rule come together and mostly share one reason.
    if (reason !== last) text = reasonJson(reason, json);
    last = reason;
    const earlier = byIndex[item.index];
    byIndex[item.index] = earlier === undefined ? text : `${earlier},${text}`;
  }
  return byIndex;
}

function reasonJson(reason: Reason, json: Map<Reason, string>): string {
  let text = json.get(reason);
  if (text === undefined) {
    const { ruleId, code, article } = reason;
    text = JSON.stringify({ ruleId, code, article });
    json.set(reason, text);
  }
  return text;
}

function minorCandidateJson(index: number, outcomes: Outcomes) {
  const admitted = outcomes.ranks[index] !== undefined;
  return admitted ? `{"outcome":"admitted"}` : `{"outcome":"dropped"}`;
}

function adultCandidateJson(id: string, index: number, outcomes: Outcomes) {
  const rank = outcomes.ranks[index];
  const line =
    rank === undefined
      ? `{"id":${quoted(id)},"outcome":"dropped",` +
        `"reasons":[${outcomes.reasons[index] ?? ""}]`
      : `{"id":${quoted(id)},"outcome":"admitted","rank":${rank}`;
  const shadow = outcomes.wouldDrop[index];
  return shadow === undefined ? `${line}}` : `${line},"wouldDrop":[${shadow}]}`;
}

/**
 * `JSON.stringify(text)`, without the call for the common text that has
 * nothing to escape (ids, hashes, versions). Quotes, backslashes, control
 * characters and surrogates (JSON.stringify escapes lone ones) go the
 * long way.
 */
function quoted(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const plain =
      unit >= 0x20 &&
      unit !== 0x22 &&
      unit !== 0x5c &&
      (unit & 0xf800) !== 0xd800;
    if (!plain) return JSON.stringify(text);
  }
  return `"${text}"`;
}

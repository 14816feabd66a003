import { randomUUID } from "node:crypto";
import { timestampFromMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import type {
  Admitted,
  Budget,
  Dropped,
  Reason as ReasonMessage,
  ScreenRequest,
  ScreenResponse,
  WindowBudget,
} from "../gen/pushguard/v1/pushguard_pb.js";
import type { Item } from "../pipeline/item.js";
import { reasonsByItem, type Verdict } from "../pipeline/pipeline.js";
import type { Reason } from "../pipeline/reason.js";
import type { DecisionContext, Removal } from "../pipeline/rule.js";
import type { Policy } from "../policy/policy.js";
import { windowUsage } from "../rules/user/frequency-cap.js";
import { capClass, type WindowCap } from "../store/store.js";

/*
 * The ScreenResponse, built as plain objects of the generated types. In
 * proto3, protobuf-es messages are plain objects with a `$typeName`, and
 * the types make every field present, so a literal is the same message
 * `create()` returns; `create()` fills each one reflectively from an init
 * object, which cost ~150 µs for the ~100 entries of a 100-candidate
 * answer, about a tenth of its decision.
 */

/** The answer to one Screen, without its budget. */
export function screenResponse(
  policy: Policy,
  request: ScreenRequest,
  verdict: Verdict,
  committed: boolean,
): ScreenResponse {
  const providerLabel = request.provider?.displayName ?? "";
  return {
    $typeName: "pushguard.v1.ScreenResponse",
    requestId: request.requestId,
    decisionId: randomUUID(),
    policyVersion: policy.version,
    admitted: verdict.admitted.map((item, index) =>
      admitted(item, index + 1, providerLabel),
    ),
    dropped: droppedOf(verdict.dropped),
    wouldDrop: droppedOf(verdict.wouldDrop),
    budget: undefined,
    committed,
  };
}

function admitted(item: Item, rank: number, providerLabel: string): Admitted {
  return {
    $typeName: "pushguard.v1.Admitted",
    candidateId: item.candidate.id,
    rank,
    providerLabel,
    adLabel: item.candidate.ad?.label ?? "",
  };
}

function droppedOf(removals: readonly Removal[]): Dropped[] {
  const out: Dropped[] = [];
  for (const [item, reasons] of reasonsByItem(removals)) {
    out.push({
      $typeName: "pushguard.v1.Dropped",
      candidateId: item.candidate.id,
      reasons: reasons.map(reasonMessage),
    });
  }
  return out;
}

function reasonMessage(reason: Reason): ReasonMessage {
  return {
    $typeName: "pushguard.v1.Reason",
    ruleId: reason.ruleId,
    code: reason.code,
    article: reason.article,
    message: reason.message,
  };
}

/**
 * Pushes left in each window after this decision, and when the next push
 * may go out if a window is full or a rule held the list.
 */
export function budgetOf(
  ctx: DecisionContext,
  caps: readonly WindowCap[],
  verdict: Verdict,
): Budget {
  // A class window (Art. 5(4)) is no push budget; its cuts carry reasons.
  const budgeted = caps.filter((cap) => capClass(cap) === undefined);
  const usages = budgeted.map((cap) => windowUsage(cap, ctx));
  const windows = usages.map(({ cap, used, remaining }): WindowBudget => ({
    $typeName: "pushguard.v1.WindowBudget",
    window: cap.name,
    limit: cap.limit,
    used,
    remaining,
  }));
  // A full prompts-only window holds back prompts, not every push, so it
  // does not move the time the next push may go out.
  const full = usages.filter(
    (usage) => usage.remaining === 0 && usage.cap.scope !== "consumption",
  );
  const freeAt = Math.max(
    verdict.holdUntilMs ?? 0,
    ...full.map((usage) => usage.freeAtMs),
  );
  let nextAllowedAt: Timestamp | undefined;
  if (freeAt > ctx.nowMs) nextAllowedAt = timestampFromMs(freeAt);
  return { $typeName: "pushguard.v1.Budget", windows, nextAllowedAt };
}

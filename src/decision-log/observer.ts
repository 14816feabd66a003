import type { Logger } from "../log/logger.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Removal } from "../pipeline/rule.js";
import { listFigures } from "../rules/list/list-measures.js";
import type { Decision } from "../service/screen.js";
import type { DecisionRecorder } from "./open.js";

/**
 * What happens after every Screen decision: counters, the diversity of the
 * admitted list (Art. 5(4)), the decision log and, at debug level only,
 * one log line without any user or item id. Runs on the request path, so
 * it only counts and queues (the list figures cost a few similarities).
 */
export function decisionObserver(deps: {
  metrics: Metrics;
  decisionLog: DecisionRecorder;
  log: Logger;
}): (decision: Decision) => void {
  return (decision) => {
    const { verdict } = decision;
    deps.metrics.observeDecision({
      screened: decision.ctx.request.candidates.length,
      admitted: verdict.admitted.length,
      removed: reasonsOf(verdict.dropped),
      wouldRemove: reasonsOf(verdict.wouldDrop),
    });
    const figures = listFigures(verdict.admitted);
    if (figures !== undefined) deps.metrics.observeAdmittedList(figures);
    deps.decisionLog.record(decision);
    if (deps.log.isLevelEnabled("debug")) logDecision(deps.log, decision);
  };
}

function reasonsOf(removals: readonly Removal[]) {
  return removals.map((removal) => removal.reason);
}

function logDecision(log: Logger, { decisionId, policy, verdict }: Decision) {
  log.debug(
    {
      decisionId,
      policy: policy.version,
      admitted: verdict.admitted.length,
      dropped: verdict.dropped.length,
      wouldDrop: verdict.wouldDrop.length,
    },
    "screen decided",
  );
}

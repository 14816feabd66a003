import type { Logger } from "../log/logger.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Settings } from "../settings/settings.js";
import { DecisionLog, NO_DECISION_LOG } from "./decision-log.js";
import { openLineSink } from "./sink.js";
import { decisionLogKey, userHasher } from "./user-hash.js";

/** What the server keeps of a decision log: record, and close at stop. */
export type DecisionRecorder = Pick<DecisionLog, "record" | "close">;

type DecisionLogSettings = Pick<
  Settings,
  "decisionLog" | "decisionLogKey" | "decisionLogBufferBytes"
>;

/**
 * Opens the decision log the settings ask for. Without a configured key it
 * still hashes, with a key made up for this process, and says so once:
 * hashes then differ across restarts and replicas.
 */
export function openDecisionLog(
  settings: DecisionLogSettings,
  deps: { metrics: Metrics; log: Logger },
): DecisionRecorder {
  if (settings.decisionLog === "off") return NO_DECISION_LOG;
  const { key, stable } = decisionLogKey(settings.decisionLogKey);
  if (!stable) {
    deps.log.warn(
      "PUSHGUARD_DECISION_LOG_KEY unset: user hashes use a random key " +
        "and will not be stable across restarts",
    );
  }
  const sink = openLineSink(
    settings.decisionLog,
    settings.decisionLogBufferBytes,
    deps.log,
  );
  return new DecisionLog({ sink, hashUser: userHasher(key), ...deps });
}

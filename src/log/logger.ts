import { pino, type Logger } from "pino";

const SECRET_FIELDS = [
  "password",
  "*.password",
  "decisionLogKey",
  "*.decisionLogKey",
  "authorization",
  "*.authorization",
];

/**
 * The process logger: JSON lines on stdout. Lifecycle events go at info,
 * per-request detail at debug; user ids never go in at any level.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "pushguard" },
    // Belt and braces: secrets are masked before logging (see maskUrl),
    // and these fields are censored should one slip into a log call.
    redact: { paths: SECRET_FIELDS, censor: "***" },
  });
}

/** Hides the password of a `redis://user:pass@host` URL before logging. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable url)";
  }
}

export type { Logger };

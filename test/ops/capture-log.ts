import { pino, type Logger } from "pino";

/** A logger at `level` whose JSON lines are kept for the test to read. */
export function capturedLog(level = "debug"): {
  log: Logger;
  lines: Record<string, unknown>[];
  text: () => string;
} {
  const raw: string[] = [];
  const log = pino({ level }, { write: (line: string) => raw.push(line) });
  return {
    log,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(""),
  };
}

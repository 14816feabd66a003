import { openSync } from "node:fs";
import { pino } from "pino";
import type { Logger } from "../log/logger.js";

/** Where decision log lines go. */
export interface LineSink {
  /** Hands one line over; false when the sink's buffer was full. */
  write(line: string): boolean;
  /** Writes out what is buffered and releases the destination. */
  close(): Promise<void>;
}

/**
 * Opens stdout or a file (appending) as an asynchronous sink: writes go to
 * the destination from libuv's thread pool, never blocking a request. The
 * buffer in front of it holds at most `maxBufferBytes`; past that a line is
 * dropped, not queued, so a slow disk cannot grow the heap. A file is
 * opened here, synchronously, so that a bad path stops the start.
 */
export function openLineSink(
  destination: string,
  maxBufferBytes: number,
  log: Logger,
): LineSink {
  const fd = destination === "stdout" ? 1 : openForAppend(destination);
  const boom = pino.destination({ fd, sync: false, maxLength: maxBufferBytes });
  let dropped = false;
  boom.on("drop", () => {
    dropped = true;
  });
  boom.on("error", (error: unknown) => {
    log.error({ err: error, destination }, "decision log write failed");
  });
  return {
    write(line) {
      dropped = false;
      boom.write(line);
      return !dropped;
    },
    close: () => endOf(boom),
  };
}

function openForAppend(file: string): number {
  try {
    return openSync(file, "a");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new Error(
      `PUSHGUARD_DECISION_LOG ${file} cannot be opened: ${code}`,
      {
        cause: error,
      },
    );
  }
}

function endOf(boom: ReturnType<typeof pino.destination>): Promise<void> {
  return new Promise((resolve) => {
    boom.once("close", () => resolve());
    boom.end();
  });
}

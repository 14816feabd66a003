import type { Command } from "commander";
import { startPushguard, type RunningPushguard } from "../app.js";
import { createLogger, type Logger } from "../log/logger.js";
import { readSettings } from "../settings/settings.js";

/** `pushguard serve`: run the service with settings from the environment. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve gRPC and /metrics with settings from PUSHGUARD_*")
    .action(async () => {
      const settings = readSettings();
      const log = createLogger(settings.logLevel);
      // Handlers go in before the start, so a signal that arrives while the
      // policy loads still ends in a clean stop rather than a kill.
      const stopper = onStopSignal(log);
      const running = await startPushguard(settings, { log });
      stopper.attach(running);
    });
}

function onStopSignal(log: Logger) {
  let running: RunningPushguard | undefined;
  let requested = false;
  const stop = () => {
    if (running === undefined) return;
    const target = running;
    running = undefined;
    target.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "unclean stop");
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, "draining");
    requested = true;
    stop();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return {
    attach(started: RunningPushguard) {
      running = started;
      if (requested) stop();
    },
  };
}

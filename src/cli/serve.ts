import type { Command } from "commander";
import { startPushguard } from "../app.js";
import { createLogger } from "../log/logger.js";
import { readSettings } from "../settings/settings.js";

/** `pushguard serve`: run the service with settings from the environment. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve gRPC and /metrics with settings from PUSHGUARD_*")
    .action(async () => {
      const settings = readSettings();
      const log = createLogger(settings.logLevel);
      const running = await startPushguard(settings, { log });
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, "draining");
        running.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            log.error({ err: error }, "unclean stop");
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", () => shutdown("SIGTERM"));
      process.on("SIGINT", () => shutdown("SIGINT"));
    });
}

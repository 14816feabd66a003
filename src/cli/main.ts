#!/usr/bin/env node
import { Command } from "commander";
import { registerImportCommands } from "./import-commands.js";
import { registerPolicyCommands } from "./policy-commands.js";
import { registerReplay } from "./replay-command.js";
import { registerServe } from "./serve.js";

/**
 * `pushguard`: serves, and carries the data scientists' commands. Each
 * command lives in its own module; this file only assembles them.
 */
const program = new Command("pushguard")
  .description("guardrail for pop-up and push notifications")
  .showHelpAfterError();

registerServe(program);
registerPolicyCommands(program);
registerReplay(program);
registerImportCommands(program);

await program.parseAsync(process.argv);

import type { Command } from "commander";
import { PolicyError } from "../policy/errors.js";
import { loadPolicy } from "../policy/loader.js";

/** `pushguard policy ...`: the same loader the server uses. */
export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command("policy")
    .description("check and explain policy files");
  policy
    .command("check")
    .description("validate policy files; exit 1 on the first broken one")
    .argument("<files...>", "policy YAML files")
    .action(async (files: string[]) => {
      process.exitCode = await checkFiles(files);
    });
}

async function checkFiles(files: readonly string[]): Promise<number> {
  let failures = 0;
  for (const file of files) {
    try {
      const loaded = await loadPolicy(file);
      console.log(
        `${file}: ok (${loaded.version}, ` +
          `${loaded.ruleInfos.length} rules)`,
      );
    } catch (error) {
      failures++;
      console.error(describeFailure(file, error));
    }
  }
  return failures === 0 ? 0 : 1;
}

function describeFailure(file: string, error: unknown): string {
  if (error instanceof PolicyError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `${file}: ${message}`;
}

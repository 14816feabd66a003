import type { Command } from "commander";
import { PolicyError } from "../policy/errors.js";
import { explainPolicy, formatExplanation } from "../policy/explain.js";
import { loadPolicy } from "../policy/loader.js";

/** `pushguard policy ...`: the same loader the server uses. */
export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command("policy")
    .description("check, explain and test policy files");
  policy
    .command("check")
    .description("validate policy files; exit 1 on the first broken one")
    .argument("<files...>", "policy YAML files")
    .action(async (files: string[]) => {
      process.exitCode = await checkFiles(files);
    });
  policy
    .command("explain")
    .description("print the effective rules: id, type, article, mode, params")
    .argument("<file>", "policy YAML file")
    .option("--surface <name>", "the surface a request names", "")
    .option("--json", "print JSON instead of a table")
    .action(async (file: string, options: ExplainOptions) => {
      process.exitCode = await explainFile(file, options);
    });
}

interface ExplainOptions {
  readonly surface: string;
  readonly json?: boolean;
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

async function explainFile(
  file: string,
  options: ExplainOptions,
): Promise<number> {
  try {
    const explanation = explainPolicy(await loadPolicy(file), options.surface);
    console.log(
      options.json
        ? JSON.stringify(explanation, null, 2)
        : formatExplanation(explanation),
    );
    return 0;
  } catch (error) {
    console.error(describeFailure(file, error));
    return 1;
  }
}

function describeFailure(file: string, error: unknown): string {
  if (error instanceof PolicyError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `${file}: ${message}`;
}

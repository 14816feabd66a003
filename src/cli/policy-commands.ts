import type { Command } from "commander";
import { PolicyError } from "../policy/errors.js";
import { explainPolicy, formatExplanation } from "../policy/explain.js";
import { loadPolicy } from "../policy/loader.js";
import { formatSuite, tally } from "../policy/testing/format.js";
import { runPolicyTests } from "../policy/testing/suite.js";

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
  policy
    .command("test")
    .description(
      "run table-driven policy tests (*.test.yaml); exit 1 on a failure",
    )
    .argument("<paths...>", "test files, or folders searched recursively")
    .option(
      "--require-coverage",
      "also fail when a running rule removed nothing in any case",
    )
    .action(async (paths: string[], options: TestOptions) => {
      process.exitCode = await testPaths(paths, options);
    });
}

interface TestOptions {
  readonly requireCoverage?: boolean;
}

async function testPaths(
  paths: readonly string[],
  options: TestOptions,
): Promise<number> {
  const suite = await runPolicyTests(paths);
  console.log(formatSuite(suite));
  const { passed, failed } = tally(suite);
  if (passed + failed === 0) {
    console.error(`no *.test.yaml files under ${paths.join(", ")}`);
    return 1;
  }
  const uncovered = suite.coverage.some((c) => c.uncovered.length > 0);
  return failed > 0 || (options.requireCoverage && uncovered) ? 1 : 0;
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

import { structuredPatch } from "diff";
import { stringify } from "yaml";
import type { CaseResult, Outcome } from "./run.js";
import type { SuiteResult } from "./suite.js";

/** Case counts of a suite; broken files count as one failure each. */
export function tally(suite: SuiteResult): { passed: number; failed: number } {
  const cases = suite.files.flatMap((file) => file.cases);
  const passed = cases.filter((result) => result.passed).length;
  return { passed, failed: cases.length - passed + suite.broken.length };
}

/**
 * The report `pushguard policy test` prints: each file with its policy,
 * `ok` or `FAIL` per case with a diff of expected and actual outcome,
 * rule coverage, and a closing `N passed, N failed` line.
 */
export function formatSuite(suite: SuiteResult): string {
  const lines: string[] = [];
  for (const file of suite.files) {
    lines.push(`${file.file} (policy ${file.policy.version})`);
    for (const result of file.cases) lines.push(...formatCase(result));
  }
  for (const { file, message } of suite.broken) {
    lines.push(`${file}: cannot run`, indent(message, 4));
  }
  lines.push("", ...suite.coverage.map(formatCoverage));
  const { passed, failed } = tally(suite);
  lines.push(`${passed} passed, ${failed} failed`);
  return lines.join("\n");
}

function formatCase(result: CaseResult): string[] {
  if (result.passed) return [`  ok    ${result.name}`];
  return [
    `  FAIL  ${result.name} (line ${result.line})`,
    indent(outcomeDiff(result.expected, result.actual), 8),
  ];
}

/** A unified diff of the two outcomes written as YAML. */
export function outcomeDiff(expected: Outcome, actual: Outcome): string {
  const patch = structuredPatch(
    "expected",
    "actual",
    asYaml(expected),
    asYaml(actual),
    "",
    "",
    { context: 3 },
  );
  const body = patch.hunks.flatMap((hunk) => hunk.lines);
  return ["--- expected", "+++ actual", ...body].join("\n");
}

function asYaml(outcome: Outcome): string {
  return stringify(outcome, { lineWidth: 0 });
}

function formatCoverage(coverage: SuiteResult["coverage"][number]): string {
  const covered = coverage.rules.length - coverage.uncovered.length;
  const head = `coverage ${coverage.version}: ${covered} of ${coverage.rules.length} rules removed an item in some case`;
  if (coverage.uncovered.length === 0) return head;
  return `${head}; never: ${coverage.uncovered.join(", ")}`;
}

function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .split("\n")
    .map((line) => pad + line)
    .join("\n");
}

import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { PolicyError } from "../errors.js";
import type { Policy } from "../policy.js";
import { PolicyCache, runTestFile, type FileResult } from "./run.js";
import { loadTestFile } from "./test-file.js";

/** Suffix of policy test files, so they can sit beside the policies. */
export const TEST_FILE_SUFFIX = ".test.yaml";

/** Which running rules of one policy removed an item in some case. */
export interface PolicyCoverage {
  readonly version: string;
  readonly rules: readonly string[];
  readonly uncovered: readonly string[];
}

/** Every file run, the files that could not run, and rule coverage. */
export interface SuiteResult {
  readonly files: readonly FileResult[];
  /** Test files or policies that failed to load, with the problem. */
  readonly broken: readonly { file: string; message: string }[];
  readonly coverage: readonly PolicyCoverage[];
}

/**
 * Runs the test files under the given files and folders (folders are
 * searched recursively for `*.test.yaml`).
 */
export async function runPolicyTests(
  paths: readonly string[],
): Promise<SuiteResult> {
  const policies = new PolicyCache();
  const files: FileResult[] = [];
  const broken: { file: string; message: string }[] = [];
  for (const file of await findTestFiles(paths)) {
    try {
      files.push(await runTestFile(await loadTestFile(file), policies));
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      broken.push({ file, message: error.message });
    }
  }
  return { files, broken, coverage: coverageOf(files) };
}

/** The test files under `paths`, sorted, each once. */
export async function findTestFiles(
  paths: readonly string[],
): Promise<string[]> {
  const found = new Set<string>();
  for (const given of paths) {
    if (!(await stat(given)).isDirectory()) {
      found.add(given);
      continue;
    }
    const names = await readdir(given, { recursive: true });
    for (const name of names) {
      if (name.endsWith(TEST_FILE_SUFFIX)) found.add(path.join(given, name));
    }
  }
  return [...found].sort();
}

function coverageOf(files: readonly FileResult[]): PolicyCoverage[] {
  const byVersion = new Map<string, { policy: Policy; fired: Set<string> }>();
  for (const file of files) {
    const entry = byVersion.get(file.policy.version) ?? {
      policy: file.policy,
      fired: new Set<string>(),
    };
    for (const result of file.cases) {
      for (const id of result.firedRules) entry.fired.add(id);
    }
    byVersion.set(file.policy.version, entry);
  }
  return [...byVersion.values()].map(({ policy, fired }) => {
    const rules = runningRules(policy);
    const uncovered = rules.filter((id) => !fired.has(id));
    return { version: policy.version, rules, uncovered };
  });
}

/** Ids of rules that run on some surface (base included). */
function runningRules(policy: Policy): string[] {
  const surfaces = [policy.base, ...policy.surfaces.values()];
  const ids = surfaces.flatMap((s) => s.rules.map((placed) => placed.rule.id));
  return [...new Set(ids)];
}

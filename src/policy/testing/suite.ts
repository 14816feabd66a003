import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { PolicyError } from "../errors.js";
import type { Policy } from "../policy.js";
import { PolicyCache, ruleKey, runTestFile, type FileResult } from "./run.js";
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

/**
 * Per policy, the running rules no case saw remove an item. Coverage is
 * pooled over every file run, by {@link ruleKey}: a variant's unchanged
 * rules are covered by its parent's cases.
 */
function coverageOf(files: readonly FileResult[]): PolicyCoverage[] {
  const fired = new Set(
    files.flatMap((file) => file.cases.flatMap((c) => c.firedRules)),
  );
  const policies = new Map(files.map((f) => [f.policy.version, f.policy]));
  return [...policies.values()].map((policy) => {
    const rules = runningRules(policy);
    const uncovered = rules
      .filter((rule) => !fired.has(rule.key))
      .map((rule) => rule.name);
    return {
      version: policy.version,
      rules: rules.map((rule) => rule.name),
      uncovered: [...new Set(uncovered)],
    };
  });
}

/** Rules that run on some surface (base included), each once. */
function runningRules(policy: Policy): { key: string; name: string }[] {
  const byKey = new Map<string, string>();
  for (const surface of [policy.base, ...policy.surfaces.values()]) {
    const running = new Set(surface.rules.map((placed) => placed.rule.id));
    for (const info of surface.ruleInfos) {
      const key = ruleKey(info);
      if (!running.has(info.id) || byKey.has(key)) continue;
      const where = surface.name === "" ? "" : ` (${surface.name})`;
      byKey.set(key, `${info.id}${where}`);
    }
  }
  return [...byKey].map(([key, name]) => ({ key, name }));
}

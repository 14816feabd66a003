import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { topicLabelDeriver } from "../labels/derive.js";
import type { PlacedRule } from "../pipeline/pipeline.js";
import { RULE_TYPES } from "../rules/index.js";
import type { RuleBuildContext } from "../rules/registry.js";
import {
  formatPath,
  locate,
  locateKey,
  PolicyError,
  type PolicyProblem,
} from "./errors.js";
import type { Policy, RuleInfo } from "./policy.js";
import { policySchema, type PolicyFile, type RuleEntry } from "./schema.js";

/**
 * Loads and validates a policy file. The server, hot reload and
 * `pushguard policy check` all come through here, so "it checked" means
 * "it will load". Throws PolicyError listing every problem found.
 */
export async function loadPolicy(file: string): Promise<Policy> {
  const source = await readFile(file, "utf8");
  return compilePolicy(file, source);
}

/** Validates and builds a policy from its YAML text. */
export function compilePolicy(file: string, source: string): Policy {
  const parsed = parseSource(file, source);
  const checked = policySchema.safeParse(parsed.doc.toJS());
  if (!checked.success) {
    throw new PolicyError(zodProblems(parsed, [], checked.error));
  }
  const policy = checked.data;
  const ctx = { policyDir: path.dirname(file), policy };
  const rules = buildRules(parsed, policy, ctx);
  return {
    name: policy.name,
    version: `${policy.name}@${contentHash(source)}`,
    path: file,
    loadedAtMs: Date.now(),
    defaults: policy.defaults,
    labels: topicLabelDeriver(policy.labels.fromTopics),
    rules,
    ruleInfos: policy.rules.map((entry) =>
      ruleInfo({ ...entry, mode: effectiveMode(entry, policy) }),
    ),
  };
}

interface ParsedSource {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

function parseSource(file: string, source: string): ParsedSource {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      doc.errors.map((error) => {
        const [line, column] = [
          error.linePos?.[0].line ?? 1,
          error.linePos?.[0].col ?? 1,
        ];
        const message = yamlMessage(error.message);
        return { file, line, column, path: "", message };
      }),
    );
  }
  return { file, doc, lines };
}

function buildRules(
  parsed: ParsedSource,
  policy: PolicyFile,
  ctx: RuleBuildContext,
): PlacedRule[] {
  const problems: PolicyProblem[] = [];
  const placed: PlacedRule[] = [];
  const seen = new Set<string>();
  policy.rules.forEach((entry, index) => {
    const at = ["rules", index];
    if (seen.has(entry.id)) {
      problems.push(
        problemAt(parsed, [...at, "id"], `duplicate rule id ${entry.id}`),
      );
    }
    seen.add(entry.id);
    const rule = buildRule(parsed, entry, at, ctx, problems);
    const mode = effectiveMode(entry, policy);
    if (rule !== undefined && mode !== "off") placed.push({ rule, mode });
  });
  if (problems.length > 0) throw new PolicyError(problems);
  return placed;
}

function buildRule(
  parsed: ParsedSource,
  entry: RuleEntry,
  at: (string | number)[],
  ctx: RuleBuildContext,
  problems: PolicyProblem[],
) {
  const ruleType = RULE_TYPES.get(entry.type);
  if (ruleType === undefined) {
    const known = [...RULE_TYPES.keys()].sort().join(", ");
    problems.push(
      problemAt(
        parsed,
        [...at, "type"],
        `unknown rule type ${entry.type} (known: ${known})`,
      ),
    );
    return undefined;
  }
  const params = ruleType.params.safeParse(entry.params);
  if (!params.success) {
    problems.push(...zodProblems(parsed, [...at, "params"], params.error));
    return undefined;
  }
  try {
    return ruleType.create(entry, params.data, ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push(problemAt(parsed, [...at, "params"], message));
    return undefined;
  }
}

function zodProblems(
  parsed: ParsedSource,
  prefix: readonly PropertyKey[],
  error: z.ZodError,
): PolicyProblem[] {
  return error.issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const { line, column } = locateKey(parsed.doc, parsed.lines, at, key);
        const where = formatPath([...at, key]);
        return {
          file: parsed.file,
          line,
          column,
          path: where,
          message: `unknown key ${key}`,
        };
      });
    }
    const value = parsed.doc.getIn(at as unknown[]);
    return [problemAt(parsed, at, issueMessage(issue, value))];
  });
}

/** Says what is wrong in the style of the rest: lowercase, with the value. */
function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  const got = value === undefined ? "" : ` (got ${JSON.stringify(value)})`;
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return "required";
      return `must be ${issue.expected}${got}`;
    case "too_small":
      return `must be >= ${String(issue.minimum)}${got}`;
    case "too_big":
      return `must be <= ${String(issue.maximum)}${got}`;
    case "invalid_value":
      return `must be one of ${issue.values.join(", ")}${got}`;
    default:
      return `${issue.message}${got}`;
  }
}

/** The YAML library's first line, without its own position suffix. */
function yamlMessage(message: string): string {
  const first = message.split("\n")[0] ?? message;
  const bare = first.replace(/ at line \d+, column \d+:?$/, "");
  return bare.charAt(0).toLowerCase() + bare.slice(1);
}

function problemAt(
  parsed: ParsedSource,
  at: readonly PropertyKey[],
  message: string,
): PolicyProblem {
  const { line, column } = locate(parsed.doc, parsed.lines, at);
  return { file: parsed.file, line, column, path: formatPath(at), message };
}

/** A policy-wide `mode: shadow` makes every enforced rule only report. */
function effectiveMode(entry: RuleEntry, policy: PolicyFile) {
  if (policy.mode === "shadow" && entry.mode === "enforce") return "shadow";
  return entry.mode;
}

function ruleInfo(entry: RuleEntry): RuleInfo {
  const { id, type, article, mode, description } = entry;
  return { id, type, article, mode, description };
}

function contentHash(source: string): string {
  return createHash("sha256").update(source).digest("hex").slice(0, 12);
}

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { recordDataFiles } from "../labels/data-file.js";
import path from "node:path";
import { combineDerivers, topicLabelDeriver } from "../labels/derive.js";
import { compileWordLabels } from "../labels/from-words.js";
import type { PlacedRule } from "../pipeline/pipeline.js";
import type { Rule } from "../pipeline/rule.js";
import { RULE_TYPES } from "../rules/index.js";
import { PolicyError, type PolicyProblem } from "./errors.js";
import { layerPolicy, type LayeredPolicy, type Origin } from "./layers.js";
import type { Policy, RuleInfo, SurfaceRules } from "./policy.js";
import {
  policySchema,
  type PolicyFile,
  type RuleEntry,
  type RuleOverride,
} from "./schema.js";
import {
  checkWith,
  problemAt,
  problemAtKey,
  zodProblems,
} from "./yaml-source.js";

/**
 * Loads and validates a policy file. The server, hot reload and
 * `pushguard policy check` all come through here, so "it checked" means
 * "it will load". Throws PolicyError listing every problem found.
 */
export async function loadPolicy(file: string): Promise<Policy> {
  const source = await readFile(file, "utf8");
  return compilePolicy(file, source);
}

/**
 * Validates and builds a policy from its YAML text, reading the files it
 * `extends`. Every surface's rule list is built here, once.
 */
export function compilePolicy(file: string, source: string): Policy {
  const { result, reads } = recordDataFiles(() => buildPolicy(file, source));
  const { layered, policy } = result;
  // Data files count by their path from the policy's folder, not their
  // absolute path: the same policy installed in two folders (two
  // replicas, two checkouts) must report the same version.
  const dir = path.dirname(file);
  const sources = [
    ...layered.files.map((parsed) => parsed.source),
    ...reads.map((read) => `${path.relative(dir, read.file)}\0${read.text}`),
  ];
  return {
    ...policy,
    version: `${policy.name}@${contentHash(sources)}`,
    files: [
      ...layered.files.map((parsed) => parsed.file),
      ...new Set(reads.map((read) => read.file)),
    ],
  };
}

function buildPolicy(file: string, source: string) {
  const layered = layerPolicy(file, source);
  const policy = mergedPolicy(layered);
  const problems: PolicyProblem[] = [];
  const base = buildBase(layered, policy, problems);
  const surfaces = buildSurfaces(layered, policy, base, problems);
  const words = compileWordLabels(
    layered.files,
    policy.labels.fromWords,
    policy.labels.wordExceptions,
  );
  problems.push(...words.problems);
  if (problems.length > 0) throw new PolicyError(problems);
  const baseRules = surfaceOf("", policy.defaults.slots, base, policy);
  const built: Policy = {
    name: policy.name,
    version: "",
    path: file,
    files: [],
    loadedAtMs: Date.now(),
    defaults: policy.defaults,
    labels: combineDerivers([
      topicLabelDeriver(policy.labels.fromTopics),
      words.deriver,
    ]),
    base: baseRules,
    rules: baseRules.rules,
    ruleInfos: baseRules.ruleInfos,
    surfaces,
  };
  return { layered, policy: built };
}

/** The merged files checked as one policy; only `rules` can fail here. */
function mergedPolicy(layered: LayeredPolicy): PolicyFile {
  const root = layered.files.at(-1);
  if (root === undefined) throw new Error("policy chain is empty");
  return checkWith(root, policySchema, layered.merged);
}

/** One rule of a surface: its entry after overrides, and what was built. */
interface BuiltRule {
  readonly entry: RuleEntry;
  readonly rule: Rule | undefined;
  readonly params: unknown;
}

function buildBase(
  layered: LayeredPolicy,
  policy: PolicyFile,
  problems: PolicyProblem[],
): BuiltRule[] {
  return policy.rules.map((entry) => {
    const origin = layered.ruleOrigins.get(entry.id);
    if (origin === undefined) throw new Error(`no origin for ${entry.id}`);
    const paramsAt = { ...origin, at: [...origin.at, "params"] };
    return buildRule(entry, paramsAt, policy, problems);
  });
}

function buildRule(
  entry: RuleEntry,
  paramsAt: Origin,
  policy: PolicyFile,
  problems: PolicyProblem[],
): BuiltRule {
  const failed = { entry, rule: undefined, params: entry.params };
  const ruleType = RULE_TYPES.get(entry.type);
  if (ruleType === undefined) {
    problems.push(unknownType(paramsAt, entry.type));
    return failed;
  }
  const params = ruleType.params.safeParse(entry.params);
  if (!params.success) {
    problems.push(...zodProblems(paramsAt.parsed, paramsAt.at, params.error));
    return failed;
  }
  const ctx = { policyDir: path.dirname(paramsAt.parsed.file), policy };
  try {
    const rule = ruleType.create(entry, params.data, ctx);
    return { entry, rule, params: params.data };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push(problemAt(paramsAt.parsed, paramsAt.at, message));
    return failed;
  }
}

function unknownType(paramsAt: Origin, type: string): PolicyProblem {
  const known = [...RULE_TYPES.keys()].sort().join(", ");
  const at = [...paramsAt.at.slice(0, -1), "type"];
  const message = `unknown rule type ${type} (known: ${known})`;
  return problemAt(paramsAt.parsed, at, message);
}

function buildSurfaces(
  layered: LayeredPolicy,
  policy: PolicyFile,
  base: readonly BuiltRule[],
  problems: PolicyProblem[],
): Map<string, SurfaceRules> {
  const surfaces = new Map<string, SurfaceRules>();
  for (const [name, surface] of Object.entries(policy.surfaces)) {
    const origins = layered.overrideOrigins.get(name) ?? new Map();
    rejectUnknownIds(origins, base, problems);
    const built = base.map((rule) => {
      const origin = origins.get(rule.entry.id);
      if (origin === undefined) return rule;
      const override = surface.rules[rule.entry.id] ?? {};
      return overrideRule(rule, { override, origin }, policy, problems);
    });
    const slots = surface.slots ?? policy.defaults.slots;
    surfaces.set(name, surfaceOf(name, slots, built, policy));
  }
  return surfaces;
}

function rejectUnknownIds(
  origins: ReadonlyMap<string, Origin>,
  base: readonly BuiltRule[],
  problems: PolicyProblem[],
) {
  const known = base.map((rule) => rule.entry.id);
  for (const [id, origin] of origins) {
    if (known.includes(id)) continue;
    const message = `unknown rule id ${id} (known: ${known.join(", ")})`;
    problems.push(
      problemAtKey(origin.parsed, origin.at.slice(0, -1), id, message),
    );
  }
}

/**
 * Applies one surface override. A new mode reuses the base rule as built;
 * new parameters build the rule again, located at the override.
 */
function overrideRule(
  base: BuiltRule,
  { override, origin }: { override: RuleOverride; origin: Origin },
  policy: PolicyFile,
  problems: PolicyProblem[],
): BuiltRule {
  const entry = { ...base.entry, mode: override.mode ?? base.entry.mode };
  if (override.params === undefined || base.rule === undefined) {
    return { ...base, entry };
  }
  entry.params = { ...base.entry.params, ...override.params };
  const paramsAt = { ...origin, at: [...origin.at, "params"] };
  return buildRule(entry, paramsAt, policy, problems);
}

function surfaceOf(
  name: string,
  slots: number,
  built: readonly BuiltRule[],
  policy: PolicyFile,
): SurfaceRules {
  const rules: PlacedRule[] = [];
  for (const { entry, rule } of built) {
    const mode = effectiveMode(entry, policy);
    if (rule === undefined || mode === "off") continue;
    rules.push({ rule, mode, onStateUnavailable: entry.onStateUnavailable });
  }
  const ruleInfos = built.map((rule) => ruleInfo(rule, policy));
  return { name, slots, rules, ruleInfos };
}

/** A policy-wide `mode: shadow` makes every enforced rule only report. */
function effectiveMode(entry: RuleEntry, policy: PolicyFile) {
  if (policy.mode === "shadow" && entry.mode === "enforce") return "shadow";
  return entry.mode;
}

function ruleInfo(built: BuiltRule, policy: PolicyFile): RuleInfo {
  const { id, type, article, description } = built.entry;
  const mode = effectiveMode(built.entry, policy);
  return { id, type, article, mode, description, params: built.params };
}

/**
 * The first 12 hex digits of the SHA-256 of every file of an `extends`
 * chain and every data file the rules read (word lists, domain lists, the
 * CAC list): a change to any of them is a new policy version.
 */
function contentHash(sources: readonly string[]): string {
  const hash = createHash("sha256");
  sources.forEach((source, index) => {
    if (index > 0) hash.update("\0");
    hash.update(source);
  });
  return hash.digest("hex").slice(0, 12);
}

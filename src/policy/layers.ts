import { readFileSync } from "node:fs";
import path from "node:path";
import { PolicyError } from "./errors.js";
import { policyFileSchema } from "./schema.js";
import {
  checkWith,
  parseSource,
  problemAt,
  problemAtKey,
  type ParsedSource,
} from "./yaml-source.js";

/** Where a piece of the merged policy was written, for error locations. */
export interface Origin {
  readonly parsed: ParsedSource;
  readonly at: readonly (string | number)[];
}

/**
 * A policy with its `extends` chain merged: the raw values (checked file
 * by file, not yet defaulted) and where each rule and override came from.
 */
export interface LayeredPolicy {
  /** Files of the chain, the loaded file first, then its parents. */
  readonly files: readonly ParsedSource[];
  readonly merged: RawPolicy;
  /** By rule id: the entry that won. */
  readonly ruleOrigins: ReadonlyMap<string, Origin>;
  /** By surface, then rule id: the override that won. */
  readonly overrideOrigins: ReadonlyMap<string, ReadonlyMap<string, Origin>>;
}

type RawMap = Record<string, unknown>;

interface RawRule extends RawMap {
  readonly id: string;
}

interface RawSurface {
  slots?: unknown;
  rules: RawMap;
}

/** The merged policy before its final schema check. */
export interface RawPolicy extends RawMap {
  rules?: RawRule[];
  surfaces: Record<string, RawSurface>;
}

/**
 * Reads a policy file and every file it extends, checks each against the
 * file schema (so errors name the file they are in), and merges them from
 * the root parent down. Parents are read synchronously: a load happens at
 * start and on reload, never per request.
 */
export function layerPolicy(file: string, source: string): LayeredPolicy {
  const chain = readChain(parseSource(file, source));
  const state = emptyLayers();
  for (const parsed of [...chain].reverse()) mergeLayer(state, parsed);
  return { files: chain, ...state };
}

function readChain(first: ParsedSource): ParsedSource[] {
  const chain = [first];
  let current = first;
  for (;;) {
    const parent = checkFile(current).extends;
    if (parent === undefined) return chain;
    const next = besideFile(current.file, parent);
    rejectCycle(chain, current, next);
    current = parseSource(next, readParent(current, next));
    chain.push(current);
  }
}

/** A path written in `file`: absolute, or relative to the file's folder. */
export function besideFile(file: string, written: string): string {
  if (path.isAbsolute(written)) return written;
  return path.join(path.dirname(file), written);
}

function checkFile(parsed: ParsedSource) {
  return checkWith(parsed, policyFileSchema);
}

function rejectCycle(chain: ParsedSource[], child: ParsedSource, next: string) {
  const seen = chain.map((parsed) => path.resolve(parsed.file));
  if (!seen.includes(path.resolve(next))) return;
  const cycle = [...chain.map((parsed) => parsed.file), next].join(" -> ");
  throw new PolicyError([problemAt(child, ["extends"], `cycle ${cycle}`)]);
}

function readParent(child: ParsedSource, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new PolicyError([
      problemAt(child, ["extends"], `cannot read ${file} (${code})`),
    ]);
  }
}

interface MergeState {
  merged: RawPolicy;
  ruleOrigins: Map<string, Origin>;
  overrideOrigins: Map<string, Map<string, Origin>>;
}

function emptyLayers(): MergeState {
  return {
    merged: { surfaces: {} },
    ruleOrigins: new Map(),
    overrideOrigins: new Map(),
  };
}

/** Lays one file over what its parents gave. */
function mergeLayer(state: MergeState, parsed: ParsedSource): void {
  const layer = parsed.doc.toJS() as RawMap;
  const { merged } = state;
  for (const key of ["name", "description", "mode"]) {
    if (layer[key] !== undefined) merged[key] = layer[key];
  }
  merged.defaults = { ...asMap(merged.defaults), ...asMap(layer.defaults) };
  merged.labels = mergeSections(merged.labels, layer.labels);
  mergeRules(state, parsed, (layer.rules as RawRule[] | undefined) ?? []);
  mergeOverrides(state, parsed, asMap(layer.overrides));
  mergeSurfaces(state, parsed, asMap(layer.surfaces));
}

/** `labels.fromTopics` and its siblings merge key by key. */
function mergeSections(parent: unknown, child: unknown): RawMap {
  const out: RawMap = { ...asMap(parent) };
  for (const [key, value] of Object.entries(asMap(child))) {
    const before = out[key];
    out[key] = isMap(before) && isMap(value) ? { ...before, ...value } : value;
  }
  return out;
}

function mergeRules(state: MergeState, parsed: ParsedSource, rules: RawRule[]) {
  rejectDuplicateIds(parsed, rules);
  if (rules.length === 0) return;
  const merged = (state.merged.rules ??= []);
  rules.forEach((rule, index) => {
    const at = merged.findIndex((existing) => existing.id === rule.id);
    if (at === -1) merged.push(rule);
    else merged[at] = rule;
    state.ruleOrigins.set(rule.id, { parsed, at: ["rules", index] });
  });
}

/**
 * `overrides` change a rule the chain already has: `mode` replaces, and
 * `params` merge key by key, as on a surface. The rule's parameters are
 * then located at the override, where a bad value was written.
 */
function mergeOverrides(
  state: MergeState,
  parsed: ParsedSource,
  overrides: RawMap,
) {
  const rules = state.merged.rules ?? [];
  const problems = Object.entries(overrides).flatMap(([id, value]) => {
    const at = rules.findIndex((rule) => rule.id === id);
    const rule = rules[at];
    if (rule === undefined) return [unknownOverride(parsed, id, rules)];
    rules[at] = overridden(rule, asMap(value));
    state.ruleOrigins.set(id, { parsed, at: ["overrides", id] });
    return [];
  });
  if (problems.length > 0) throw new PolicyError(problems);
}

function overridden(rule: RawRule, override: RawMap): RawRule {
  const params = { ...asMap(rule.params), ...asMap(override.params) };
  const mode = override.mode ?? rule.mode;
  return { ...rule, params, ...(mode === undefined ? {} : { mode }) };
}

function unknownOverride(
  parsed: ParsedSource,
  id: string,
  rules: readonly RawRule[],
) {
  const known = rules.map((rule) => rule.id).join(", ");
  const message = `unknown rule id ${id} (known: ${known})`;
  return problemAtKey(parsed, ["overrides"], id, message);
}

function rejectDuplicateIds(parsed: ParsedSource, rules: readonly RawRule[]) {
  const seen = new Set<string>();
  const problems = rules.flatMap((rule, index) => {
    const repeated = seen.has(rule.id);
    seen.add(rule.id);
    if (!repeated) return [];
    const at = ["rules", index, "id"];
    return [problemAt(parsed, at, `duplicate rule id ${rule.id}`)];
  });
  if (problems.length > 0) throw new PolicyError(problems);
}

function mergeSurfaces(state: MergeState, parsed: ParsedSource, layer: RawMap) {
  for (const [name, value] of Object.entries(layer)) {
    const given = asMap(value);
    const surface = (state.merged.surfaces[name] ??= { rules: {} });
    if (given.slots !== undefined) surface.slots = given.slots;
    const origins = state.overrideOrigins.get(name) ?? new Map();
    for (const [id, override] of Object.entries(asMap(given.rules))) {
      surface.rules[id] = override;
      origins.set(id, { parsed, at: ["surfaces", name, "rules", id] });
    }
    state.overrideOrigins.set(name, origins);
  }
}

function isMap(value: unknown): value is RawMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asMap(value: unknown): RawMap {
  return isMap(value) ? value : {};
}

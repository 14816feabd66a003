import { isNode, LineCounter, type Document } from "yaml";

/** One problem in a policy file, with where it is. */
export interface PolicyProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path to the value, e.g. `rules[2].params.limit`. */
  readonly path: string;
  readonly message: string;
}

/**
 * A policy that cannot be used. The message lists every problem as
 * `file:line:column: path: message`, the form editors and CI annotate.
 */
export class PolicyError extends Error {
  override name = "PolicyError";
  constructor(readonly problems: readonly PolicyProblem[]) {
    super(problems.map(formatProblem).join("\n"));
  }
}

export function formatProblem(problem: PolicyProblem): string {
  const place = `${problem.file}:${problem.line}:${problem.column}`;
  const path = problem.path === "" ? "" : `${problem.path}: `;
  return `${place}: ${path}${problem.message}`;
}

/** Writes a path like `rules[2].params.limit`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Finds where a path is in the YAML source: the deepest node along the path
 * that exists, so that an unknown or missing key points at its parent.
 */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

/** Finds the key node of `key` in the map at `path`, for unknown keys. */
export function locateKey(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
  key: string,
): { line: number; column: number } {
  const parent = doc.getIn(path as unknown[], true) as unknown;
  const items = (parent as { items?: { key: unknown }[] }).items ?? [];
  for (const pair of items) {
    const node = pair.key;
    if (isNode(node) && node.range && String(node.toJSON()) === key) {
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return locate(doc, lines, path);
}

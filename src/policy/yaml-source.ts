import { LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import {
  formatPath,
  locate,
  locateKey,
  PolicyError,
  type PolicyProblem,
} from "./errors.js";

/**
 * A YAML file parsed with positions kept, so that every later problem (a
 * schema error, an unknown rule, a bad parameter) can name its line. Policy
 * files and policy test files both come through here.
 */
export interface ParsedSource {
  readonly file: string;
  readonly source: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** Parses YAML text; throws PolicyError on syntax errors and repeated keys. */
export function parseSource(file: string, source: string): ParsedSource {
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
  return { file, source, doc, lines };
}

/**
 * Checks a value of the document against a schema. Returns the parsed value,
 * or throws PolicyError with one located problem per schema issue.
 */
export function checkWith<Schema extends z.ZodType>(
  parsed: ParsedSource,
  schema: Schema,
  value: unknown = parsed.doc.toJS(),
): z.output<Schema> {
  const checked = schema.safeParse(value);
  if (checked.success) return checked.data;
  throw new PolicyError(zodProblems(parsed, [], checked.error));
}

/** Turns schema issues into problems located under `prefix`. */
export function zodProblems(
  parsed: ParsedSource,
  prefix: readonly PropertyKey[],
  error: z.ZodError,
): PolicyProblem[] {
  return error.issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) =>
        problemAtKey(parsed, at, key, `unknown key ${key}`),
      );
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

/** A problem at the node of `at`, or its deepest existing parent. */
export function problemAt(
  parsed: ParsedSource,
  at: readonly PropertyKey[],
  message: string,
): PolicyProblem {
  const { line, column } = locate(parsed.doc, parsed.lines, at);
  return { file: parsed.file, line, column, path: formatPath(at), message };
}

/** A problem at the key `key` of the map at `at`, for names that are wrong. */
export function problemAtKey(
  parsed: ParsedSource,
  at: readonly PropertyKey[],
  key: string,
  message: string,
): PolicyProblem {
  const { line, column } = locateKey(parsed.doc, parsed.lines, at, key);
  const path = formatPath([...at, key]);
  return { file: parsed.file, line, column, path, message };
}

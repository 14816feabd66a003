import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Reads a data file a policy names (a word list, a domain list, the CAC
 * source list), written relative to the policy file's folder or absolute.
 * Policies load at start and on reload, never per request, so the read is
 * synchronous. The error names the path and the system's code, and the
 * loader puts it at the place in the policy that named the file.
 */
export function readDataFile(policyDir: string, written: string): string {
  const file = path.resolve(policyDir, written);
  try {
    const text = readFileSync(file, "utf8");
    recording?.push({ file, text });
    return text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`cannot read ${file} (${code})`, { cause: error });
  }
}

/** One data file a policy read while it was built. */
export interface DataFileRead {
  readonly file: string;
  readonly text: string;
}

let recording: DataFileRead[] | undefined;

/**
 * Runs a synchronous policy build and returns the data files it read, so
 * that the policy version covers them (a new word list is a new policy)
 * and a reload watches their folders. Builds never interleave: they are
 * synchronous, so one module-level list is enough.
 */
export function recordDataFiles<T>(build: () => T): {
  result: T;
  reads: DataFileRead[];
} {
  const outer = recording;
  const reads: DataFileRead[] = [];
  recording = reads;
  try {
    return { result: build(), reads };
  } finally {
    recording = outer;
    outer?.push(...reads);
  }
}

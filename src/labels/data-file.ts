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
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`cannot read ${file} (${code})`, { cause: error });
  }
}

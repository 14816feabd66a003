import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/**
 * The lines of a text file, streamed, without their `\n` or `\r\n`. The
 * last line counts whether or not it ends in a newline (`titles.txt` has
 * none after its last record).
 */
export function readLines(path: string): AsyncIterable<string> {
  return createInterface({
    input: createReadStream(path, { encoding: "utf8" }),
    crlfDelay: Infinity,
  });
}

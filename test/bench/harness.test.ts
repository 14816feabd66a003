/**
 * The benchmark harness runs end to end: every case of `npm run bench`
 * with very small counts, pushguard served from source. Timings are not
 * checked (they mean nothing in a test run); the outcome is a results
 * file with every section and no failed call.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);

const TINY = [
  ...["--case", "floor,redis,rerank,soak,caps,hotpath,cold"],
  ...["--rerank-case", "mmr-emb32-100-10"],
  ...["--sizes", "20", "--concurrency", "1,2"],
  ...["--stores", "memory,redis,memory-log"],
  ...["--warmup-s", "0.2", "--duration-s", "0.5", "--users", "300"],
  ...["--soak-s", "2", "--soak-every-s", "0.5", "--soak-users", "50"],
  ...["--redis-screens", "3", "--caps-duration-s", "0.2"],
  "--from-source",
];

describe("bench harness", () => {
  let out = "";

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it("writes a results file with every case and no failed call", async () => {
    out = await mkdtemp(path.join(tmpdir(), "pushguard-bench-test-"));
    await run(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", ...TINY, "--out", out],
      { cwd: repoRoot, timeout: 170_000 },
    );
    const [file = ""] = await readdir(out);
    const text = await readFile(path.join(out, file), "utf8");
    for (const section of [
      "## 1. Screen against the gRPC floor",
      "## 2. Redis commands and round trips",
      "## 3. Re-rankers",
      "## 4. Soak",
      "## 5. Caps",
      "## 6. The hot path in-process",
      "## 7. A fresh server",
    ]) {
      expect(text).toContain(section);
    }
    expect(floorErrors(text)).toEqual([]);
    expect(text).toMatch(/^\| 20 \| 2 \| pushguard-memory-log \|/m);
  }, 180_000);
});

/** The errors column of every floor row that has any. */
function floorErrors(text: string): string[] {
  const lines = text.split("\n");
  const header = lines.find((line) => line.startsWith("| n | conc. |")) ?? "";
  const column = header.split(" | ").indexOf("errors");
  if (column < 0) throw new Error("floor table has no errors column");
  return lines
    .filter((line) => /^\| 20 \| \d+ \| (echo|codec|pushguard)/.test(line))
    .map((line) => line.split(" | ")[column] ?? "")
    .filter((errors) => errors.trim() !== "");
}

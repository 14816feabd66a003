import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/server.js";

const run = promisify(execFile);

/** Runs the CLI from source in the repository root. */
function pushguard(...args: string[]) {
  const cli = path.join(repoRoot, "src/cli/main.ts");
  return run(process.execPath, ["--import", "tsx", cli, ...args], {
    cwd: repoRoot,
  });
}

describe("pushguard import, then replay, from the command line", () => {
  it("imports Toutiao lists and writes a comparison report", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pushguard-cli-"));
    const requests = path.join(dir, "toutiao.jsonl");
    const imported = await pushguard(
      "import",
      "toutiao",
      "--limit",
      "5",
      "--out",
      requests,
    );
    expect(imported.stderr).toBe(`wrote 5 requests to ${requests}\n`);

    const out = path.join(dir, "report");
    const replayed = await pushguard(
      "replay",
      requests,
      "--against",
      "policies/variants/tight-daily-cap.yaml",
      "--out",
      out,
    );
    expect(replayed.stdout).toContain(
      `# pushguard replay of ${requests}\n\n5 requests, 100 candidates.`,
    );
    const markdown = await readFile(path.join(out, "report.md"), "utf8");
    expect(markdown).toBe(replayed.stdout);
  });
});

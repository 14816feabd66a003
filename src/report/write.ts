import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { replayHtml } from "./html.js";
import { replayMarkdown } from "./markdown.js";
import type { ReplayReport } from "./model.js";

/** Where a report was written. */
export interface WrittenReport {
  readonly markdown: string;
  readonly html: string;
  readonly json: string;
}

/**
 * Writes `report.md`, `report.html` (self-contained) and `report.json`
 * (the figures, for notebooks) into `dir`, creating it.
 */
export async function writeReplayReport(
  report: ReplayReport,
  dir: string,
): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const written = {
    markdown: path.join(dir, "report.md"),
    html: path.join(dir, "report.html"),
    json: path.join(dir, "report.json"),
  };
  await writeFile(written.markdown, replayMarkdown(report));
  await writeFile(written.html, replayHtml(report));
  await writeFile(written.json, `${JSON.stringify(report, null, 2)}\n`);
  return written;
}

import { createWriteStream, existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeJsonl } from "../../src/importers/jsonl.js";
import { importToutiao } from "../../src/importers/toutiao.js";
import { loadPolicy } from "../../src/policy/loader.js";
import { replayOffline } from "../../src/replay/offline/replay.js";
import { chartSpecs } from "../../src/report/charts.js";
import type { ReplayReport } from "../../src/report/model.js";
import { writeReplayReport } from "../../src/report/write.js";
import { repoRoot } from "../helpers/server.js";
import { sharedData } from "../importers/data.js";

const CHROMIUM = "/usr/bin/chromium";
const outDir = path.join(repoRoot, "test-output");
const VARIANT = "policies/variants/tight-disaster.yaml";

/**
 * The data scientist's loop end to end on real headlines: import every
 * Toutiao headline, replay the requests through the default policy and a
 * variant that pushes no disaster, write the report, and look at it in
 * headless Chromium.
 */
describe("a replay of the Toutiao requests, default against a variant", () => {
  let report: ReplayReport;
  let html: string;

  beforeAll(async () => {
    await mkdir(outDir, { recursive: true });
    const input = await importAllToutiao(path.join(outDir, "toutiao.jsonl"));
    report = await replayOffline({
      input,
      policy: await loadPolicy(path.join(repoRoot, "policies/default.yaml")),
      against: await loadPolicy(path.join(repoRoot, VARIANT)),
    });
    html = (await writeReplayReport(report, path.join(outDir, "replay"))).html;
  });

  it("decides every request under both policies", () => {
    expect(report.requests).toBe(500);
    expect(report.candidates).toBe(10_000);
    expect(report.runs.map((run) => run.ok)).toEqual([500, 500]);
  });

  it("drops the entertainment gossip under both, citing Art. 5(1)", () => {
    for (const run of report.runs) {
      const gossip = run.removalsByRule.find(
        (r) => r.ruleId === "blocked-labels",
      );
      expect(gossip?.article).toBe("Art. 5(1)");
      expect(gossip?.codes[0]?.code).toBe("label.gossip");
      expect(run.measures.topics.entertainment).toBeUndefined();
    }
  });

  it("pushes disasters under the default and none under the variant", () => {
    const [base, variant] = report.runs;
    expect(base?.measures.cappedShare.disaster).toBeGreaterThan(0);
    expect(variant?.measures.cappedShare.disaster).toBe(0);
  });

  it("lists the disaster items the variant removed", () => {
    const removed = report.changes?.sample.filter(
      (item) => item.after === "cap.disaster_list (diversity-rerank)",
    );
    expect(removed?.length).toBeGreaterThan(0);
    expect(removed?.every((item) => item.labels.includes("disaster"))).toBe(
      true,
    );
    expect(removed?.[0]?.before).toMatch(/^admitted #\d$/);
  });

  it("renders every chart in headless Chromium, offline", async () => {
    const page = await openReport(html);
    expect(page.errors).toEqual([]);
    expect(page.drawn).toBe(chartSpecs(report).length);
    expect(page.paintedPixels.every((count) => count > 1000)).toBe(true);
  });
});

let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
});

async function importAllToutiao(file: string): Promise<string> {
  const out = createWriteStream(file);
  await writeJsonl(
    importToutiao({
      titlesPath: sharedData("toutiao/titles.txt"),
      sourcesPath: sharedData("cac/news-sources.tsv"),
    }),
    out,
  );
  out.end();
  await finished(out);
  return file;
}

/**
 * Opens the report with the network blocked, counts the painted pixels of
 * every canvas, and saves a full-page screenshot beside the report.
 */
async function openReport(file: string) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} missing: apt-get install chromium`);
  }
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1200, height: 900 },
  });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.route(/^(?!file:)/, (route) => {
    errors.push(`network request to ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  const drawn = Number(await page.getAttribute("body", "data-charts-drawn"));
  const paintedPixels = await page.evaluate<number[]>(COUNT_PAINTED);
  await page.screenshot({
    path: path.join(outDir, "replay-report.png"),
    fullPage: true,
  });
  await page.close();
  return { errors, drawn, paintedPixels };
}

/**
 * Runs in the page: the pixels with any opacity, per canvas. A string, so
 * that no helper the test's compiler adds can leak into the page.
 */
const COUNT_PAINTED = `[...document.querySelectorAll("canvas")].map((canvas) => {
  const { data } = canvas
    .getContext("2d")
    .getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
})`;

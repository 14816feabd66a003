import { createWriteStream } from "node:fs";
import path from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { Option, type Command } from "commander";
import type { ScreenRequest } from "../gen/pushguard/v1/pushguard_pb.js";
import { writeJsonl } from "../importers/jsonl.js";
import {
  importMindImpressions,
  importMindNewsLists,
} from "../importers/mind.js";
import { importToutiao } from "../importers/toutiao.js";

/** Options every import shares. */
interface CommonOptions {
  readonly out?: string;
  readonly seed: number;
  readonly limit?: number;
  readonly surface: string;
  readonly slots: number;
  readonly commit: boolean;
}

interface ToutiaoOptions extends CommonOptions {
  readonly titles: string;
  readonly sources: string;
  readonly perRequest: number;
}

interface MindOptions extends CommonOptions {
  readonly news: string;
  readonly behaviors: string;
  readonly mode: "impressions" | "lists";
  readonly perRequest: number;
}

/**
 * `pushguard import toutiao|mind`: turns public data sets into the JSONL
 * of ScreenRequests that `pushguard replay` reads. A team's own logs need a
 * converter of the same shape (see docs/data-scientist.md).
 */
export function registerImportCommands(program: Command): void {
  const group = program
    .command("import")
    .description("convert data sets to replay JSONL (ScreenRequests)");
  common(group.command("toutiao"))
    .description("Toutiao headlines: lists of consecutive real headlines")
    .option(
      "--titles <file>",
      "Toutiao headlines",
      shared("toutiao/titles.txt"),
    )
    .option(
      "--sources <file>",
      "CAC news source list (source names)",
      shared("cac/news-sources.tsv"),
    )
    .addOption(count("--per-request <n>", "candidates per request", 20))
    .action(async (options: ToutiaoOptions) => {
      const requests = importToutiao(
        { titlesPath: options.titles, sourcesPath: options.sources },
        { ...settings(options), candidatesPerRequest: options.perRequest },
      );
      await emit(requests, options);
    });
  common(group.command("mind"))
    .description("MIND: real impressions, or lists of consecutive news")
    .option("--news <file>", "MIND news", shared("mind/news.tsv"))
    .option(
      "--behaviors <file>",
      "MIND impressions (impressions mode)",
      shared("mind/behaviors.tsv"),
    )
    .addOption(
      new Option("--mode <mode>", "one request per impression, or lists")
        .choices(["impressions", "lists"])
        .default("impressions"),
    )
    .addOption(count("--per-request <n>", "lists mode: items per list", 20))
    .action(async (options: MindOptions) => {
      await importMind(options);
    });
}

/** The public data sets beside a checkout: `../shared/data/`. */
function shared(file: string): string {
  return path.join("..", "shared", "data", file);
}

function common(command: Command): Command {
  return command
    .option("--out <file>", "write JSONL here instead of stdout")
    .addOption(count("--seed <n>", "seed of the synthetic draws", 1))
    .addOption(count("--limit <n>", "stop after this many requests"))
    .option("--surface <name>", "surface of every request", "")
    .addOption(count("--slots <n>", "slots of every request (0: policy)", 0))
    .option("--no-commit", "do not record admitted items as delivered");
}

function count(flags: string, description: string, fallback?: number) {
  const option = new Option(flags, description).argParser((value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) {
      const name = flags.split(" ")[0] ?? flags;
      throw new Error(`${name} ${value} must be an integer >= 0`);
    }
    return parsed;
  });
  return fallback === undefined ? option : option.default(fallback);
}

function settings(options: CommonOptions) {
  const { seed, surface, slots, commit } = options;
  return { seed, surface, slots, commit };
}

async function importMind(options: MindOptions): Promise<void> {
  if (options.mode === "lists") {
    const requests = importMindNewsLists(
      { newsPath: options.news },
      { ...settings(options), candidatesPerRequest: options.perRequest },
    );
    await emit(requests, options);
    return;
  }
  const { requests, stats } = await importMindImpressions(
    { newsPath: options.news, behaviorsPath: options.behaviors },
    settings(options),
  );
  console.error(`mind: ${JSON.stringify(stats)}`);
  await emit(requests, options);
}

/** Writes the requests as JSONL to `--out` or stdout, up to `--limit`. */
async function emit(
  requests: AsyncIterable<ScreenRequest> | Iterable<ScreenRequest>,
  options: CommonOptions,
): Promise<void> {
  const out: Writable = options.out
    ? createWriteStream(options.out)
    : process.stdout;
  const written = await writeJsonl(limited(requests, options.limit), out);
  if (options.out) {
    out.end();
    await finished(out);
  }
  console.error(
    `wrote ${written} requests${options.out ? ` to ${options.out}` : ""}`,
  );
}

async function* limited<T>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number | undefined,
): AsyncGenerator<T> {
  let count = 0;
  for await (const item of items) {
    if (limit !== undefined && count++ >= limit) return;
    yield item;
  }
}

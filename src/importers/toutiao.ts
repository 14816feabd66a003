/**
 * Turns the Toutiao headline set (`../shared/data/toutiao/titles.txt`) into
 * replay ScreenRequests.
 *
 * Real, from the data: the headline ids, titles, categories and keywords,
 * and the order of the file (a list is N consecutive headlines, so a list
 * mixes categories the way a random sample of a feed does). `publishedAt`
 * is read from the id: Toutiao item ids carry the creation second in their
 * upper 32 bits (observed on this set: 9,999 of 10,000 ids decode to a
 * time from 2016-12-13 to 2018-05-14, 8,993 of them in April-May 2018; the
 * one that does not, a short legacy id, gets no publishedAt).
 *
 * Synthesised, because headlines alone are not a push decision:
 * - users: `tt-user-0001`... with exact shares of minors (10%), members
 *   (20%), opt-outs (2%) and time zones (95% Asia/Shanghai), so the
 *   Art. 5(6) and 5(7) rules have someone to act on; each list goes to a
 *   user drawn uniformly.
 * - sources: a name drawn from the CAC source list, so that Art. 5(3)
 *   passes on the name and the replay measures the other rules; the item id
 *   is the Toutiao id, which makes the source traceable.
 * - review: approved by one of five reviewers (`tt-reviewer-01`...).
 * - targeting: drawn from `TARGETING_MIX` (half profile-based).
 * - scores: decreasing with the position in the list.
 * - decision time: one list a minute from 2018-05-15 09:00 Asia/Shanghai,
 *   after the newest headline, in daytime so quiet hours do not hide the
 *   content rules.
 * - provider: `toutiao`, shown as 今日头条, with a placeholder news licence.
 *
 * Kind: categories that the CAC counts as news information (reports on
 * politics, economy, military, foreign affairs and public affairs:
 * `news_world`, `news_military`, `news_finance`, `stock`, `news_story`) are
 * CANDIDATE_KIND_NEWS; the rest (entertainment, sports, tech, car, house,
 * game, travel, culture, edu, agriculture) are vertical-field content.
 *
 * Topics: the category without its `news_` prefix (`entertainment`,
 * `world`, `stock`) first, then one `category/keyword` path per keyword
 * (`entertainment/周杰伦`): keywords are Toutiao's own finer topics, and a
 * path keeps them under their category for rules that look at the first
 * segment. Labels stay empty: the policy's topic mapping derives them at
 * screen time, which is what the replay is meant to exercise.
 *
 * Everything drawn comes from one seeded generator: the same file, options
 * and seed give the same JSONL, byte for byte.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import {
  CandidateKind,
  CandidateSchema,
  ProviderSchema,
  ScreenRequestSchema,
  type Candidate,
  type Provider,
  type ScreenRequest,
  type User,
} from "../gen/pushguard/v1/pushguard_pb.js";
import { readCacSourceNames } from "./cac-sources.js";
import { readLines } from "./lines.js";
import { syntheticUsers, type PopulationOptions } from "./population.js";
import { seededRandom, type SeededRandom } from "./random.js";
import {
  approvedReview,
  drawTargeting,
  rankerScore,
  requestClock,
} from "./synthetic.js";

/** One record of `titles.txt`. */
export interface ToutiaoHeadline {
  /** Toutiao item id, a decimal string. */
  readonly id: string;
  /** Numeric category code, e.g. `102`. */
  readonly code: string;
  /** Category name, e.g. `news_entertainment` or `stock`. */
  readonly category: string;
  /** The real headline. */
  readonly title: string;
  /** Keywords, trimmed, empty and repeated ones removed. */
  readonly keywords: readonly string[];
}

/** Categories that are news information in the CAC sense (Art. 5(2)). */
export const TOUTIAO_NEWS_CATEGORIES: ReadonlySet<string> = new Set([
  "news_world",
  "news_military",
  "news_finance",
  "stock",
  "news_story",
]);

/** Settings of a Toutiao import; every one has a default. */
export interface ToutiaoImportOptions {
  /** Headlines per ScreenRequest. Defaults to 20. */
  readonly candidatesPerRequest: number;
  /** Seed of every synthetic draw. Defaults to 1. */
  readonly seed: number;
  /** The synthetic users. Defaults to 200 users as described above. */
  readonly population: PopulationOptions;
  /** Decision time of the first request. Defaults to 2018-05-15T01:00Z. */
  readonly startAt: Date;
  /** Time between two requests. Defaults to 60 seconds. */
  readonly intervalMs: number;
  /** The provider pushing. */
  readonly provider: Provider;
  /** Surface of every request; empty means the policy default. */
  readonly surface: string;
  /** Slots of every request; 0 means the policy default. */
  readonly slots: number;
  /** Record admitted items, so caps fill up as in live traffic. */
  readonly commit: boolean;
  /** Add `category/keyword` topic paths. Defaults to true. */
  readonly keywordTopics: boolean;
}

/** The defaults of {@link ToutiaoImportOptions}. */
export const TOUTIAO_DEFAULTS: ToutiaoImportOptions = {
  candidatesPerRequest: 20,
  seed: 1,
  population: {
    idPrefix: "tt-user",
    users: 200,
    minorShare: 0.1,
    memberShare: 0.2,
    optedOutShare: 0.02,
    timeZone: "Asia/Shanghai",
    otherTimeZones: ["Asia/Hong_Kong", "Asia/Singapore", "Europe/London"],
    otherTimeZoneShare: 0.05,
  },
  startAt: new Date("2018-05-15T01:00:00Z"),
  intervalMs: 60_000,
  provider: create(ProviderSchema, {
    id: "toutiao",
    displayName: "今日头条",
    newsLicense: "replay-placeholder-licence",
  }),
  surface: "",
  slots: 0,
  commit: true,
  keywordTopics: true,
};

const FIELD_SEPARATOR = "_!_";
const EDGE_SPACE = /^[\s\u200b-\u200d\ufeff]+|[\s\u200b-\u200d\ufeff]+$/g;

/** Parses one record; `lineNumber` (1-based) goes into the error. */
export function parseToutiaoLine(
  line: string,
  lineNumber: number,
): ToutiaoHeadline {
  const fields = line.split(FIELD_SEPARATOR);
  const [id = "", code = "", category = "", title = "", keywords = ""] = fields;
  if (fields.length !== 5) {
    throw new Error(
      `titles.txt line ${lineNumber}: expected 5 fields joined by _!_, got ${fields.length}`,
    );
  }
  return { id, code, category, title, keywords: splitKeywords(keywords) };
}

function splitKeywords(field: string): string[] {
  const keywords = field.split(",").map((k) => k.replace(EDGE_SPACE, ""));
  return [...new Set(keywords.filter((k) => k !== ""))];
}

/** The topic of a category: `news_tech` gives `tech`, `stock` stays. */
export function toutiaoTopic(category: string): string {
  return category.replace(/^news_/, "");
}

/** News for {@link TOUTIAO_NEWS_CATEGORIES}, vertical for the rest. */
export function toutiaoKind(category: string): CandidateKind {
  return TOUTIAO_NEWS_CATEGORIES.has(category)
    ? CandidateKind.NEWS
    : CandidateKind.VERTICAL;
}

const TOUTIAO_LAUNCH_MS = Date.UTC(2012, 7, 1);

/**
 * Creation time encoded in a Toutiao id (upper 32 bits, in seconds), or
 * undefined when the id does not decode to a time between Toutiao's launch
 * (August 2012) and `notAfter`.
 */
export function toutiaoPublishedAt(
  id: string,
  notAfter: Date,
): Timestamp | undefined {
  if (!/^\d+$/.test(id)) return undefined;
  const ms = Number(BigInt(id) >> 32n) * 1000;
  if (ms < TOUTIAO_LAUNCH_MS || ms > notAfter.getTime()) return undefined;
  return timestampFromMs(ms);
}

/** Source files of {@link importToutiao}. */
export interface ToutiaoFiles {
  /** `toutiao/titles.txt`. */
  readonly titlesPath: string;
  /** `cac/news-sources.tsv`, for the source names. */
  readonly sourcesPath: string;
}

/** Reads both files and streams the requests of {@link toutiaoRequests}. */
export async function* importToutiao(
  files: ToutiaoFiles,
  options: Partial<ToutiaoImportOptions> = {},
): AsyncGenerator<ScreenRequest> {
  const sourceNames = await readCacSourceNames(files.sourcesPath);
  yield* toutiaoRequests(readLines(files.titlesPath), sourceNames, options);
}

/**
 * Streams one ScreenRequest per `candidatesPerRequest` consecutive
 * headlines (the last list may be shorter). Blank lines are skipped; a
 * malformed record stops the import with its line number.
 */
export async function* toutiaoRequests(
  lines: AsyncIterable<string> | Iterable<string>,
  sourceNames: readonly string[],
  options: Partial<ToutiaoImportOptions> = {},
): AsyncGenerator<ScreenRequest> {
  const settings = { ...TOUTIAO_DEFAULTS, ...options };
  const random = seededRandom(settings.seed);
  const context: ListContext = {
    settings,
    random,
    sourceNames,
    users: syntheticUsers(settings.population, random),
  };
  let list: ToutiaoHeadline[] = [];
  let index = 0;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === "") continue;
    list.push(parseToutiaoLine(line, lineNumber));
    if (list.length < settings.candidatesPerRequest) continue;
    yield toutiaoRequest(list, index++, context);
    list = [];
  }
  if (list.length > 0) yield toutiaoRequest(list, index, context);
}

interface ListContext {
  readonly settings: ToutiaoImportOptions;
  readonly random: SeededRandom;
  readonly sourceNames: readonly string[];
  readonly users: readonly User[];
}

function toutiaoRequest(
  list: readonly ToutiaoHeadline[],
  index: number,
  context: ListContext,
): ScreenRequest {
  const { settings, random } = context;
  const now = requestClock(settings.startAt, settings.intervalMs, index);
  const user = random.pick(context.users);
  return create(ScreenRequestSchema, {
    requestId: `tt-req-${String(index + 1).padStart(5, "0")}`,
    provider: settings.provider,
    user,
    surface: settings.surface,
    slots: settings.slots,
    now,
    commit: settings.commit,
    candidates: list.map((headline, rank) =>
      toutiaoCandidate(headline, rank, list.length, context),
    ),
  });
}

function toutiaoCandidate(
  headline: ToutiaoHeadline,
  rank: number,
  count: number,
  context: ListContext,
): Candidate {
  const { settings, random } = context;
  const publishedAt = toutiaoPublishedAt(headline.id, settings.startAt);
  return create(CandidateSchema, {
    id: headline.id,
    kind: toutiaoKind(headline.category),
    title: headline.title,
    sourceTitle: headline.title,
    topics: toutiaoTopics(headline, settings.keywordTopics),
    source: { name: random.pick(context.sourceNames), itemId: headline.id },
    ...(publishedAt === undefined ? {} : { publishedAt }),
    review: approvedReview(random, "tt"),
    targeting: drawTargeting(random),
    score: rankerScore(rank, count),
  });
}

/** The category topic, then `category/keyword` paths when asked. */
export function toutiaoTopics(
  headline: ToutiaoHeadline,
  keywordTopics: boolean,
): string[] {
  const topic = toutiaoTopic(headline.category);
  if (!keywordTopics) return [topic];
  return [topic, ...headline.keywords.map((k) => `${topic}/${k}`)];
}

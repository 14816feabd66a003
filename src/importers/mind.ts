/**
 * Turns Microsoft's MIND news recommendation logs
 * (`../shared/data/mind/news.tsv` and `behaviors.tsv`) into replay
 * ScreenRequests, in two modes.
 *
 * Impressions ({@link importMindImpressions}): one request per impression
 * of `behaviors.tsv`, with the REAL user id and the REAL time. The
 * candidates are the impression's news ids that resolve in `news.tsv`, in
 * the order shown; impressions with fewer than two resolvable ids are
 * skipped (the two files are independent samples: on the shared copy 820 of
 * 3,000 impressions keep two or more). Times (`M/D/YYYY h:mm:ss AM/PM`)
 * carry no zone and are treated as UTC; the hour profile (fewest
 * impressions 22:00-03:00, most 08:00) looks like local time, so users get
 * time zone `UTC` and quiet hours see the logged wall-clock hour. Requests
 * come out sorted by time, then impression id, so caps fill in the order
 * they would have in live traffic.
 *
 * News lists ({@link importMindNewsLists}): for when too few impressions
 * resolve, N consecutive items of `news.tsv` per request, sent to synthetic
 * users (`mind-user-0001`..., US time zones) one list a minute.
 *
 * Real, from the data: news ids, categories and subcategories (topic
 * `category/subcategory`, e.g. `news/newscrime`), titles, urls (all on
 * assets.msn.com; used as `source.url` and as the one link), and in the
 * impression mode users, times and the shown order. Kind is news for
 * category `news` and vertical for every other category.
 *
 * Synthesised: the source name (`Microsoft News`, the aggregator that
 * served the item; MIND keeps no publisher), review (approved, by one of
 * five `mind-reviewer-NN`), ranker scores (decreasing with the shown
 * order), targeting (profile for impressions, which were personalised; the
 * shared mix for news lists), the provider (`msn`, shown as MSN, with a
 * placeholder news licence). MIND has no publication time, so
 * `publishedAt` stays unset, and no age or membership, so impression users
 * are of unknown age band and tier. Labels stay empty for the policy's
 * topic mapping.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { DateTime } from "luxon";
import {
  CandidateKind,
  CandidateSchema,
  ProviderSchema,
  ScreenRequestSchema,
  Targeting,
  type Candidate,
  type Provider,
  type ScreenRequest,
  type User,
} from "../gen/pushguard/v1/pushguard_pb.js";
import { readLines } from "./lines.js";
import { syntheticUsers, type PopulationOptions } from "./population.js";
import { seededRandom, type SeededRandom } from "./random.js";
import {
  approvedReview,
  drawTargeting,
  rankerScore,
  requestClock,
} from "./synthetic.js";

/** One item of `news.tsv`; the entity columns are not needed. */
export interface MindNews {
  /** News id, e.g. `N34700`. */
  readonly id: string;
  /** Category, e.g. `news`, `sports`. */
  readonly category: string;
  /** Subcategory, e.g. `newscrime`. */
  readonly subcategory: string;
  /** The real headline. */
  readonly title: string;
  /** The article's url on assets.msn.com. */
  readonly url: string;
}

/** One line of `behaviors.tsv`. */
export interface MindImpression {
  /** Impression id, a decimal string. */
  readonly impressionId: string;
  /** The real, already opaque user id, e.g. `U81994`. */
  readonly userId: string;
  /** When the impression was logged, read as UTC. */
  readonly time: Date;
  /** News ids shown, in order, without their click flag. */
  readonly newsIds: readonly string[];
}

/** Parses one line of `news.tsv`; `lineNumber` is 1-based. */
export function parseMindNewsLine(line: string, lineNumber: number): MindNews {
  const fields = line.split("\t");
  const [id = "", category = "", subcategory = "", title = ""] = fields;
  if (fields.length !== 8 || id === "") {
    throw new Error(
      `news.tsv line ${lineNumber}: expected 8 tab-separated fields, got ${fields.length}`,
    );
  }
  return { id, category, subcategory, title, url: fields[5] ?? "" };
}

/** Reads `news.tsv` into a map by news id. */
export async function readMindNews(
  path: string,
): Promise<Map<string, MindNews>> {
  const news = new Map<string, MindNews>();
  let lineNumber = 0;
  for await (const line of readLines(path)) {
    lineNumber++;
    if (line.trim() === "") continue;
    const item = parseMindNewsLine(line, lineNumber);
    news.set(item.id, item);
  }
  return news;
}

const MIND_TIME_FORMAT = "M/d/yyyy h:mm:ss a";

/** Reads a MIND time such as `11/12/2019 2:14:46 PM` as UTC. */
export function parseMindTime(text: string, lineNumber: number): Date {
  const time = DateTime.fromFormat(text, MIND_TIME_FORMAT, {
    zone: "utc",
    locale: "en-US",
  });
  if (!time.isValid) {
    throw new Error(
      `behaviors.tsv line ${lineNumber}: time ${JSON.stringify(text)} is not M/D/YYYY h:mm:ss AM/PM`,
    );
  }
  return time.toJSDate();
}

/** Parses one line of `behaviors.tsv`; `lineNumber` is 1-based. */
export function parseMindBehaviorLine(
  line: string,
  lineNumber: number,
): MindImpression {
  const fields = line.split("\t");
  const [impressionId = "", userId = "", time = ""] = fields;
  if (fields.length !== 5 || userId === "") {
    throw new Error(
      `behaviors.tsv line ${lineNumber}: expected 5 tab-separated fields, got ${fields.length}`,
    );
  }
  return {
    impressionId,
    userId,
    time: parseMindTime(time, lineNumber),
    newsIds: (fields[4] ?? "").split(" ").filter(Boolean).map(stripClick),
  };
}

function stripClick(shown: string): string {
  return shown.replace(/-[01]$/, "");
}

/** Settings shared by both MIND modes; every one has a default. */
export interface MindOptions {
  /** Seed of every synthetic draw. Defaults to 1. */
  readonly seed: number;
  /** The provider pushing. */
  readonly provider: Provider;
  /** `source.name` of every item. Defaults to `Microsoft News`. */
  readonly sourceName: string;
  /** Surface of every request; empty means the policy default. */
  readonly surface: string;
  /** Slots of every request; 0 means the policy default. */
  readonly slots: number;
  /** Record admitted items, so caps fill up as in live traffic. */
  readonly commit: boolean;
}

/** Settings of the impression mode. */
export interface MindImpressionOptions extends MindOptions {
  /** Fewest resolvable candidates to keep an impression. Defaults to 2. */
  readonly minCandidates: number;
  /** Time zone of the real users. Defaults to `UTC`, as times are read. */
  readonly timeZone: string;
}

/** Settings of the news-list mode. */
export interface MindNewsListOptions extends MindOptions {
  /** Items per ScreenRequest. Defaults to 20. */
  readonly candidatesPerRequest: number;
  /** The synthetic users. Defaults to 100 users in US time zones. */
  readonly population: PopulationOptions;
  /** Decision time of the first list. Defaults to 2019-11-15T17:00Z. */
  readonly startAt: Date;
  /** Time between two lists. Defaults to 60 seconds. */
  readonly intervalMs: number;
}

const MIND_COMMON: MindOptions = {
  seed: 1,
  provider: create(ProviderSchema, {
    id: "msn",
    displayName: "MSN",
    newsLicense: "replay-placeholder-licence",
  }),
  sourceName: "Microsoft News",
  surface: "",
  slots: 0,
  commit: true,
};

/** The defaults of {@link MindImpressionOptions}. */
export const MIND_IMPRESSION_DEFAULTS: MindImpressionOptions = {
  ...MIND_COMMON,
  minCandidates: 2,
  timeZone: "UTC",
};

/**
 * The defaults of {@link MindNewsListOptions}: the day after the last
 * impression, noon in New York and 09:00 in Los Angeles, so the lists fall
 * in daytime for every synthetic user.
 */
export const MIND_NEWS_LIST_DEFAULTS: MindNewsListOptions = {
  ...MIND_COMMON,
  candidatesPerRequest: 20,
  population: {
    idPrefix: "mind-user",
    users: 100,
    minorShare: 0.1,
    memberShare: 0.2,
    optedOutShare: 0.02,
    timeZone: "America/New_York",
    otherTimeZones: [
      "America/Chicago",
      "America/Denver",
      "America/Los_Angeles",
    ],
    otherTimeZoneShare: 0.4,
  },
  startAt: new Date("2019-11-15T17:00:00Z"),
  intervalMs: 60_000,
};

/** How an impression import went: the counts to report. */
export interface MindImportStats {
  /** Impressions read from `behaviors.tsv`. */
  readonly impressions: number;
  /** Impressions kept: at least `minCandidates` ids resolve. */
  readonly resolvable: number;
  /** Impressions skipped for too few resolvable ids. */
  readonly skipped: number;
  /** News ids shown over all impressions. */
  readonly shownItems: number;
  /** Of those, ids found in `news.tsv`. */
  readonly resolvedItems: number;
  /** Candidates in the requests made (resolved ids of kept impressions). */
  readonly candidates: number;
}

/** The requests of an impression import and its counts. */
export interface MindImport {
  /** One request per kept impression, by time then impression id. */
  readonly requests: ScreenRequest[];
  /** What was read, kept and skipped. */
  readonly stats: MindImportStats;
}

/** Files of the MIND import. */
export interface MindFiles {
  /** `mind/news.tsv`. */
  readonly newsPath: string;
  /** `mind/behaviors.tsv`; only the impression mode reads it. */
  readonly behaviorsPath: string;
}

/** Reads both files and builds the requests of the impression mode. */
export async function importMindImpressions(
  files: MindFiles,
  options: Partial<MindImpressionOptions> = {},
): Promise<MindImport> {
  const news = await readMindNews(files.newsPath);
  const impressions: MindImpression[] = [];
  let lineNumber = 0;
  for await (const line of readLines(files.behaviorsPath)) {
    lineNumber++;
    if (line.trim() !== "") {
      impressions.push(parseMindBehaviorLine(line, lineNumber));
    }
  }
  return mindImpressionRequests(news, impressions, options);
}

/**
 * One request per impression with enough resolvable news ids, sorted by
 * time then impression id; skipped impressions are only counted.
 */
export function mindImpressionRequests(
  news: ReadonlyMap<string, MindNews>,
  impressions: readonly MindImpression[],
  options: Partial<MindImpressionOptions> = {},
): MindImport {
  const settings = { ...MIND_IMPRESSION_DEFAULTS, ...options };
  const random = seededRandom(settings.seed);
  const requests: ScreenRequest[] = [];
  let shownItems = 0;
  let resolvedItems = 0;
  for (const impression of [...impressions].sort(byTimeThenId)) {
    const shown = impression.newsIds.flatMap((id) => news.get(id) ?? []);
    shownItems += impression.newsIds.length;
    resolvedItems += shown.length;
    if (shown.length < settings.minCandidates) continue;
    requests.push(impressionRequest(impression, shown, settings, random));
  }
  const candidates = requests.reduce((n, r) => n + r.candidates.length, 0);
  const stats = {
    impressions: impressions.length,
    resolvable: requests.length,
    skipped: impressions.length - requests.length,
    shownItems,
    resolvedItems,
    candidates,
  };
  return { requests, stats };
}

function byTimeThenId(a: MindImpression, b: MindImpression): number {
  const byTime = a.time.getTime() - b.time.getTime();
  return byTime !== 0
    ? byTime
    : Number(a.impressionId) - Number(b.impressionId);
}

function impressionRequest(
  impression: MindImpression,
  shown: readonly MindNews[],
  settings: MindImpressionOptions,
  random: SeededRandom,
): ScreenRequest {
  const user = { id: impression.userId, timeZone: settings.timeZone };
  return mindRequest(`mind-imp-${impression.impressionId}`, user, settings, {
    now: timestampFromDate(impression.time),
    candidates: shown.map((item, rank) =>
      mindCandidate(item, rank, shown.length, settings, {
        random,
        targeting: Targeting.PROFILE,
      }),
    ),
  });
}

/**
 * Streams one request per `candidatesPerRequest` consecutive items of
 * `news.tsv` (the last list may be shorter), to synthetic users.
 */
export async function* importMindNewsLists(
  files: Pick<MindFiles, "newsPath">,
  options: Partial<MindNewsListOptions> = {},
): AsyncGenerator<ScreenRequest> {
  const settings = { ...MIND_NEWS_LIST_DEFAULTS, ...options };
  const random = seededRandom(settings.seed);
  const users = syntheticUsers(settings.population, random);
  const items = [...(await readMindNews(files.newsPath)).values()];
  const size = settings.candidatesPerRequest;
  for (let start = 0, index = 0; start < items.length; start += size) {
    const list = items.slice(start, start + size);
    yield newsListRequest(list, index++, { settings, random, users });
  }
}

interface NewsListContext {
  readonly settings: MindNewsListOptions;
  readonly random: SeededRandom;
  readonly users: readonly User[];
}

function newsListRequest(
  list: readonly MindNews[],
  index: number,
  { settings, random, users }: NewsListContext,
): ScreenRequest {
  const requestId = `mind-list-${String(index + 1).padStart(5, "0")}`;
  const user = random.pick(users);
  return mindRequest(requestId, user, settings, {
    now: requestClock(settings.startAt, settings.intervalMs, index),
    candidates: list.map((item, rank) =>
      mindCandidate(item, rank, list.length, settings, {
        random,
        targeting: drawTargeting(random),
      }),
    ),
  });
}

function mindRequest(
  requestId: string,
  user: User | { id: string; timeZone: string },
  settings: MindOptions,
  body: { now: Timestamp; candidates: Candidate[] },
): ScreenRequest {
  return create(ScreenRequestSchema, {
    requestId,
    provider: settings.provider,
    user,
    surface: settings.surface,
    slots: settings.slots,
    commit: settings.commit,
    ...body,
  });
}

/** Kind of a MIND category: news for `news`, vertical for the rest. */
export function mindKind(category: string): CandidateKind {
  return category === "news" ? CandidateKind.NEWS : CandidateKind.VERTICAL;
}

function mindCandidate(
  item: MindNews,
  rank: number,
  count: number,
  settings: MindOptions,
  draws: { random: SeededRandom; targeting: Targeting },
): Candidate {
  return create(CandidateSchema, {
    id: item.id,
    kind: mindKind(item.category),
    title: item.title,
    sourceTitle: item.title,
    topics: [`${item.category}/${item.subcategory}`],
    source: { name: settings.sourceName, url: item.url, itemId: item.id },
    review: approvedReview(draws.random, "mind"),
    links: item.url === "" ? [] : [item.url],
    targeting: draws.targeting,
    score: rankerScore(rank, count),
  });
}

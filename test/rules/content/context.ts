import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { readFileSync } from "node:fs";
import path from "node:path";
import { complaintSubject } from "../../../src/store/complaint-id.js";
import {
  AgeBand,
  CandidateSchema,
  ScreenRequestSchema,
  type Candidate,
} from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import {
  parseToutiaoLine,
  toutiaoKind,
  toutiaoPublishedAt,
  toutiaoTopics,
} from "../../../src/importers/toutiao.js";
import { toItems } from "../../../src/pipeline/item.js";
import { runPipeline } from "../../../src/pipeline/pipeline.js";
import type { DecisionContext, Rule } from "../../../src/pipeline/rule.js";
import { loadPolicy } from "../../../src/policy/loader.js";
import type { Policy } from "../../../src/policy/policy.js";
import type { DeliveryRecord } from "../../../src/store/store.js";
import { candidate, screenRequest } from "../../helpers/requests.js";
import { buildRuleIn } from "../../helpers/rules.js";
import { repoRoot, sharedData } from "../../helpers/server.js";

type CandidateInit = MessageInitShape<typeof CandidateSchema>;
type RequestInit = MessageInitShape<typeof ScreenRequestSchema>;

/** The folder of the default policy: data files are relative to it. */
export const policiesDir = path.join(repoRoot, "policies");

/**
 * Decision time of the tables: 2018-05-15 10:00 in Shanghai, the day after
 * the newest Toutiao headline, as in the Toutiao replay.
 */
export const NOW = "2018-05-15T02:00:00Z";

/** What a test says about the request besides its candidates. */
export interface ContextInit {
  readonly request?: RequestInit;
  readonly deliveries?: readonly DeliveryRecord[];
  readonly minor?: boolean;
  /** Complaint counts by item id, as the replica's cache holds them. */
  readonly complaints?: ReadonlyMap<string, number>;
}

/** A decision context for user u-1 at {@link NOW}, the store reachable. */
export function decisionContext(init: ContextInit = {}): DecisionContext {
  const request = screenRequest({
    now: timestampFromMs(Date.parse(NOW)),
    ...init.request,
  } as RequestInit);
  if (init.minor && request.user) request.user.ageBand = AgeBand.MINOR;
  return {
    request,
    userId: "u-1",
    minor: init.minor ?? false,
    timeZone: "Asia/Shanghai",
    nowMs: Date.parse(NOW),
    slots: 3,
    state: {
      deliveries: init.deliveries ?? [],
      dismissalStreak: 0,
      lastDismissalMs: undefined,
      unsubscribed: false,
    },
    stateAvailable: true,
    complaints: bySubject(request.provider?.id ?? "", init.complaints),
  };
}

/** The cache keys complaints by provider and item, as the service does. */
function bySubject(
  providerId: string,
  counts: ReadonlyMap<string, number> = new Map(),
): Map<string, number> {
  return new Map(
    [...counts].map(([itemId, n]) => [complaintSubject(providerId, itemId), n]),
  );
}

/** A push recorded `hoursAgo` before {@link NOW} with these topics. */
export function pushed(topics: string[], hoursAgo: number): DeliveryRecord {
  return {
    itemId: `pushed-${hoursAgo}`,
    atMs: Date.parse(NOW) - hoursAgo * 3_600_000,
    topics,
    classes: [],
    consumption: false,
  };
}

/** Builds a rule of a type as the default policy's folder would. */
export function buildRule(
  type: string,
  params: Record<string, unknown>,
  article: string,
  id = type,
): Rule {
  return buildRuleIn(policiesDir, type, params, { id, article });
}

/** What one rule did: kept ids, and removed ids with code and message. */
export function decide(
  rule: Rule,
  candidates: readonly Candidate[],
  ctx: DecisionContext = decisionContext(),
) {
  const outcome = rule.apply(toItems(candidates), ctx);
  return {
    kept: outcome.kept.map((item) => item.candidate.id),
    removed: outcome.removed.map(({ item, reason }) => [
      item.candidate.id,
      reason.code,
      reason.message,
    ]),
  };
}

let defaultPolicy: Promise<Policy> | undefined;

/** policies/default.yaml, loaded once for the file. */
export function loadDefaultPolicy(): Promise<Policy> {
  defaultPolicy ??= loadPolicy(path.join(policiesDir, "default.yaml"));
  return defaultPolicy;
}

/** The first reason of an item, or "admitted", as a table compares it. */
export type Outcome =
  | "admitted"
  | { ruleId: string; code: string; article: string; message: string };

/**
 * Runs one candidate through every rule of the default policy (labels
 * derived as Screen derives them) and says what became of it.
 */
export async function screenOne(
  item: Candidate,
  init: ContextInit = {},
): Promise<Outcome> {
  const policy = await loadDefaultPolicy();
  const items = toItems([item]);
  for (const one of items) policy.labels.derive(one);
  const verdict = runPipeline(policy.rules, items, decisionContext(init));
  if (verdict.admitted.length === 1) return "admitted";
  const reason = verdict.dropped[0]?.reason;
  if (reason === undefined) throw new Error("neither admitted nor dropped");
  return { ...reason };
}

interface Headline {
  readonly title: string;
  readonly category: string;
  readonly init: CandidateInit;
}

let toutiaoById: Map<string, Headline> | undefined;

function readToutiao(): Map<string, Headline> {
  const file = path.join(sharedData, "toutiao/titles.txt");
  const notAfter = new Date(NOW);
  const byId = new Map<string, Headline>();
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, index) => {
      const headline = parseToutiaoLine(line, index + 1);
      const publishedAt = toutiaoPublishedAt(headline.id, notAfter);
      const init: CandidateInit = {
        title: headline.title,
        kind: toutiaoKind(headline.category),
        topics: toutiaoTopics(headline, true),
        ...(publishedAt === undefined ? {} : { publishedAt }),
      };
      byId.set(headline.id, { ...headline, init });
    });
  return byId;
}

/**
 * A real Toutiao headline (`../shared/data/toutiao/titles.txt`) as a
 * candidate that passes every default rule but the one under test: its
 * title, kind, topics (category, then category/keyword) and publishedAt
 * decoded from the id as the Toutiao importer does, approved, from a CAC
 * source. `init` overrides any of it.
 */
export function toutiao(toutiaoId: string, init: CandidateInit = {}) {
  toutiaoById ??= readToutiao();
  const headline = toutiaoById.get(toutiaoId);
  if (headline === undefined) throw new Error(`no headline ${toutiaoId}`);
  return candidate(toutiaoId, {
    source: { name: "新华网", itemId: toutiaoId },
    ...headline.init,
    ...init,
  } as CandidateInit);
}

let mindById: Map<string, string> | undefined;

/** A real MIND headline (`../shared/data/mind/news.tsv`), by news id. */
export function mindTitle(newsId: string): string {
  mindById ??= new Map(
    readFileSync(path.join(sharedData, "mind/news.tsv"), "utf8")
      .split("\n")
      .map((line) => line.split("\t"))
      .map(([id = "", , , title = ""]) => [id, title]),
  );
  const title = mindById.get(newsId);
  if (title === undefined) throw new Error(`no MIND headline ${newsId}`);
  return title;
}

/** A real MIND headline as an approved candidate with a CAC source. */
export function mind(newsId: string, init: CandidateInit = {}) {
  return candidate(newsId, {
    title: mindTitle(newsId),
    source: { name: "新华网", itemId: newsId },
    ...init,
  } as CandidateInit);
}

/** A real Toutiao title by id, for titles built from it. */
export function toutiaoTitle(toutiaoId: string): string {
  return toutiao(toutiaoId).title;
}

import { isDeepStrictEqual } from "node:util";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type {
  Dropped,
  ScreenRequest,
  ScreenResponse,
} from "../../gen/pushguard/v1/pushguard_pb.js";
import { ServiceError } from "../../service/errors.js";
import { PolicyHolder } from "../../service/policy-holder.js";
import { screen } from "../../service/screen.js";
import { MemoryStore } from "../../store/memory.js";
import { complaintSubject } from "../../store/complaint-id.js";
import type { StateStore } from "../../store/store.js";
import { loadPolicy } from "../loader.js";
import { surfaceRules, type Policy, type RuleInfo } from "../policy.js";
import type {
  Expectation,
  PolicyTestCase,
  PolicyTestFile,
  StatePreload,
} from "./test-file.js";

/** Decision time of a case whose request sends no `now`. */
export const DEFAULT_TEST_NOW_MS = Date.parse("2024-01-01T00:00:00Z");

/** What a case decided, in the shape of its expectation. */
export interface Outcome {
  admitted?: string[];
  dropped?: Record<string, string[]>;
  wouldDrop?: Record<string, string[]>;
  /** RFC 3339 in UTC; absent when a push may go out now. */
  nextAllowedAt?: string;
  error?: string;
}

/** The result of one case. */
export interface CaseResult {
  readonly name: string;
  readonly line: number;
  readonly passed: boolean;
  readonly expected: Outcome;
  readonly actual: Outcome;
  /** Rules that removed or would have removed an item ({@link ruleKey}). */
  readonly firedRules: readonly string[];
}

/** The results of one test file. */
export interface FileResult {
  readonly file: string;
  readonly policy: Policy;
  readonly cases: readonly CaseResult[];
}

/**
 * Runs every case of a file through the real Screen path, each on a fresh
 * in-memory store, so a case sees only its own `state` preload.
 */
export async function runTestFile(
  testFile: PolicyTestFile,
  policies: PolicyCache = new PolicyCache(),
): Promise<FileResult> {
  const policy = await policies.load(testFile.policyPath);
  const cases: CaseResult[] = [];
  for (const testCase of testFile.cases) {
    cases.push(await runCase(policy, testCase));
  }
  return { file: testFile.file, policy, cases };
}

/** Loads each policy once however many files test it. */
export class PolicyCache {
  readonly #loaded = new Map<string, Promise<Policy>>();

  load(file: string): Promise<Policy> {
    let policy = this.#loaded.get(file);
    if (policy === undefined) {
      policy = loadPolicy(file);
      this.#loaded.set(file, policy);
    }
    return policy;
  }
}

async function runCase(
  policy: Policy,
  testCase: PolicyTestCase,
): Promise<CaseResult> {
  const store = new MemoryStore();
  await preload(store, testCase.request, testCase.state);
  const deps = {
    policies: new PolicyHolder(policy),
    store,
    clock: () => DEFAULT_TEST_NOW_MS,
  };
  const decided = await decide(deps, testCase.request);
  const actual = projectOutcome(decided.outcome, testCase.expect);
  const expected = expectedOutcome(testCase.expect);
  return {
    name: testCase.name,
    line: testCase.line,
    passed: isDeepStrictEqual(expected, actual),
    expected,
    actual,
    firedRules: firedKeys(policy, testCase.request, decided.firedRules),
  };
}

async function decide(
  deps: Parameters<typeof screen>[0],
  request: ScreenRequest,
): Promise<{ outcome: Outcome; firedRules: string[] }> {
  try {
    const response = await screen(deps, request);
    return { outcome: outcomeOf(response), firedRules: firedRules(response) };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return { outcome: { error: error.message }, firedRules: [] };
  }
}

function outcomeOf(response: ScreenResponse): Outcome {
  const next = response.budget?.nextAllowedAt;
  return {
    admitted: response.admitted.map((admitted) => admitted.candidateId),
    dropped: codesById(response.dropped),
    wouldDrop: codesById(response.wouldDrop),
    ...(next ? { nextAllowedAt: timestampDate(next).toISOString() } : {}),
  };
}

function codesById(dropped: readonly Dropped[]): Record<string, string[]> {
  return Object.fromEntries(
    dropped.map((item) => [
      item.candidateId,
      item.reasons.map((reason) => reason.code),
    ]),
  );
}

function firedRules(response: ScreenResponse): string[] {
  const all = [...response.dropped, ...response.wouldDrop];
  return [...new Set(all.flatMap((d) => d.reasons.map((r) => r.ruleId)))];
}

/**
 * A rule as it runs: id, type, mode and parameters. A variant's rule that
 * is the same as its parent's has the same key, so cases of the parent
 * cover it; a rule the variant or a surface changed needs its own case.
 */
export function ruleKey(info: RuleInfo): string {
  const { id, type, mode, params } = info;
  return JSON.stringify([id, type, mode, params]);
}

function firedKeys(
  policy: Policy,
  request: ScreenRequest,
  ids: readonly string[],
): string[] {
  const infos = surfaceRules(policy, request.surface).ruleInfos;
  return infos.filter((info) => ids.includes(info.id)).map(ruleKey);
}

/** The expectation with its defaults: no `dropped` means none dropped. */
function expectedOutcome(expect: Expectation): Outcome {
  if (expect.error !== undefined) return { error: expect.error };
  const { wouldDrop, nextAllowedAt } = expect;
  return {
    admitted: expect.admitted ?? [],
    dropped: expect.dropped ?? {},
    ...(wouldDrop === undefined ? {} : { wouldDrop }),
    ...(nextAllowedAt === undefined
      ? {}
      : { nextAllowedAt: new Date(nextAllowedAt).toISOString() }),
  };
}

/** Only the parts of the outcome the expectation checks. */
function projectOutcome(outcome: Outcome, expect: Expectation): Outcome {
  if (outcome.error !== undefined) return { error: outcome.error };
  const { admitted = [], dropped = {} } = outcome;
  if (expect.error !== undefined) return { admitted, dropped };
  return {
    admitted,
    dropped,
    ...(expect.wouldDrop === undefined
      ? {}
      : { wouldDrop: outcome.wouldDrop ?? {} }),
    ...(expect.nextAllowedAt === undefined
      ? {}
      : { nextAllowedAt: outcome.nextAllowedAt ?? "(none)" }),
  };
}

/** Records the case's history for the request's user. */
async function preload(
  store: StateStore,
  request: ScreenRequest,
  state: StatePreload,
): Promise<void> {
  const userId = request.user?.id ?? "";
  for (const [index, delivery] of state.deliveries.entries()) {
    const { at, ...record } = delivery;
    await store.recordDelivery(userId, {
      deliveryId: `preload-delivery-${index}`,
      record: { ...record, atMs: Date.parse(at) },
    });
  }
  for (const [index, feedback] of state.feedback.entries()) {
    await store.recordFeedback(userId, {
      feedbackId: `preload-feedback-${index}`,
      itemId: feedback.itemId,
      event: feedback.event,
      atMs: Date.parse(feedback.at),
    });
  }
  const provider = request.provider?.id ?? "";
  for (const complaint of state.complaints) {
    await complain(store, complaint, provider);
  }
}

/**
 * Records the complaints, about the request's provider's item unless the
 * case names another provider.
 */
async function complain(
  store: StateStore,
  complaint: StatePreload["complaints"][number],
  requestProvider: string,
): Promise<void> {
  const providerId = complaint.providerId || requestProvider;
  for (let reporter = 0; reporter < complaint.reporters; reporter++) {
    await store.addComplaint({
      itemId: complaintSubject(providerId, complaint.itemId),
      providerId,
      reporter: `preload-reporter-${reporter}`,
      reason: "policy test preload",
      details: "",
      atMs: Date.parse(complaint.at),
    });
  }
}

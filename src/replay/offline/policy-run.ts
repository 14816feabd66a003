import { status } from "@grpc/grpc-js";
import type {
  Dropped,
  ScreenRequest,
  ScreenResponse,
} from "../../gen/pushguard/v1/pushguard_pb.js";
import type { Item } from "../../pipeline/item.js";
import type { Policy } from "../../policy/policy.js";
import {
  MeasureTally,
  increment,
  type MeasuredItem,
} from "../../report/measures.js";
import type { PolicyRunReport, RuleRemovals } from "../../report/model.js";
import { ServiceError } from "../../service/errors.js";
import { PolicyHolder } from "../../service/policy-holder.js";
import { screen, type Decision } from "../../service/screen.js";
import { MemoryStore } from "../../store/memory.js";
import type { StatusCount } from "../summary.js";

/** One request as one policy decided it. */
export interface RunDecision {
  readonly response?: ScreenResponse;
  /** Admitted items with their derived labels, in push order. */
  readonly admitted: readonly Item[];
  /** Slots the decision used (request, surface or policy default). */
  readonly slots: number;
}

/**
 * One policy over a replay: its own fresh in-memory store (so caps fill up
 * as in live traffic, independently of the other policy), the real Screen
 * path, and running totals.
 */
export class PolicyRun {
  readonly #deps;
  readonly #tally = new RunTally();

  constructor(readonly policy: Policy) {
    this.#deps = {
      policies: new PolicyHolder(policy),
      store: new MemoryStore(),
    };
  }

  /** Decides one request; a refused request is counted, not thrown. */
  async decide(request: ScreenRequest): Promise<RunDecision> {
    let decision: Decision | undefined;
    const deps = { ...this.#deps, onDecision: (d: Decision) => (decision = d) };
    try {
      const response = await screen(deps, request);
      const admitted = decision?.verdict.admitted ?? [];
      this.#tally.decided(response, admitted);
      return { response, admitted, slots: decision?.ctx.slots ?? 0 };
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      this.#tally.refused(error);
      return { admitted: [], slots: 0 };
    }
  }

  /** The totals so far; coverage is against the topics `offered`. */
  report(offered: ReadonlySet<string>): PolicyRunReport {
    return {
      version: this.policy.version,
      file: this.policy.path,
      ...this.#tally.totals(),
      measures: this.#tally.measures.result(offered),
    };
  }

  /** Releases the run's store. */
  async close(): Promise<void> {
    await this.#deps.store.close();
  }
}

/** What measures read of an item: its candidate and derived labels. */
export function measuredItem(item: Item): MeasuredItem {
  const { candidate } = item;
  return {
    topics: candidate.topics,
    embedding: candidate.embedding,
    score: candidate.score,
    labels: new Set(item.labels.keys()),
  };
}

class RunTally {
  readonly measures = new MeasureTally();
  #ok = 0;
  #admitted = 0;
  #dropped = 0;
  #wouldDrop = 0;
  readonly #errors = new Map<string, StatusCount>();
  readonly #removals = new RemovalTally();
  readonly #shadow = new RemovalTally();

  decided(response: ScreenResponse, admitted: readonly Item[]): void {
    this.#ok++;
    this.#admitted += response.admitted.length;
    this.#dropped += response.dropped.length;
    this.#wouldDrop += response.wouldDrop.length;
    for (const dropped of response.dropped) this.#removals.add(dropped);
    for (const entry of response.wouldDrop) this.#shadow.add(entry);
    this.measures.add(admitted.map(measuredItem));
  }

  refused(error: ServiceError): void {
    const name = status[error.code];
    const seen = this.#errors.get(name);
    this.#errors.set(name, {
      status: name,
      count: (seen?.count ?? 0) + 1,
      firstMessage: seen?.firstMessage ?? error.message,
    });
  }

  totals() {
    return {
      ok: this.#ok,
      errors: [...this.#errors.values()].sort((a, b) => b.count - a.count),
      admitted: this.#admitted,
      dropped: this.#dropped,
      wouldDrop: this.#wouldDrop,
      removalsByRule: this.#removals.result(),
      wouldDropByRule: this.#shadow.result(),
    };
  }
}

/** Removals per rule and code; an item counts once per rule. */
class RemovalTally {
  readonly #rules = new Map<
    string,
    { article: string; codes: Map<string, number> }
  >();

  add(dropped: Dropped): void {
    const seen = new Set<string>();
    for (const reason of dropped.reasons) {
      if (seen.has(reason.ruleId)) continue;
      seen.add(reason.ruleId);
      const rule = this.#rules.get(reason.ruleId) ?? {
        article: reason.article,
        codes: new Map<string, number>(),
      };
      increment(rule.codes, reason.code);
      this.#rules.set(reason.ruleId, rule);
    }
  }

  result(): RuleRemovals[] {
    const rules = [...this.#rules].map(([ruleId, { article, codes }]) => {
      const counts = [...codes].map(([code, count]) => ({ code, count }));
      counts.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
      const count = counts.reduce((sum, c) => sum + c.count, 0);
      return { ruleId, article, count, codes: counts };
    });
    return rules.sort(
      (a, b) => b.count - a.count || a.ruleId.localeCompare(b.ruleId),
    );
  }
}

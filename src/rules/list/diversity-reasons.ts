import type { Item } from "../../pipeline/item.js";
import type { Reason } from "../../pipeline/reason.js";
import { reasonOf } from "../../pipeline/rule.js";
import {
  kindShareId,
  listCapId,
  TOPIC_SHARE,
  windowCapId,
} from "../../rerank/index.js";
import type { RuleIdentity } from "../registry.js";
import { capMessage, type WindowUsage } from "../user/windows.js";
import type { DiversityParams } from "./diversity-params.js";
import { kindName, topLevelTopics } from "./list-items.js";

/** Reason code of a candidate left out because the slots were full. */
export const SLOTS_CODE = "list.slots";

/** Reason code of a candidate the DPP found nothing to gain from. */
export const REDUNDANT_CODE = "diversity.redundant";

/** Default DPP epsilon (rerank/dpp.ts), named in `diversity.redundant`. */
const DEFAULT_EPSILON = 1e-10;

/** One re-ranked list, as the reasons for its removals need it. */
export interface RerankedList {
  readonly items: readonly Item[];
  /** Indices into `items` of the kept candidates, in push order. */
  readonly selected: readonly number[];
  readonly slots: number;
  readonly params: DiversityParams;
  /** Per class with a window cap: how full the user's window was. */
  readonly usages: ReadonlyMap<string, WindowUsage>;
  readonly minor: boolean;
}

type Explain = (item: Item) => string;

/**
 * Words for every removal of one re-ranked list: each message names the
 * limit and its value (`disaster cap 1 per list reached`), so that a
 * reader of the decision log needs no policy file to understand it.
 */
export class RemovalReasons {
  readonly #explain = new Map<string, Explain>();
  #slotsFull: Reason | undefined;
  #redundant: Reason | undefined;

  constructor(
    private readonly rule: RuleIdentity,
    private readonly list: RerankedList,
  ) {
    this.#explainCaps();
    this.#explainShares();
  }

  /** The reason of a candidate a limit refused, by the limit's id. */
  cut(code: string, item: Item): Reason {
    const explain = this.#explain.get(code);
    const message = explain === undefined ? code : explain(item);
    return reasonOf(this.rule, code, message);
  }

  /**
   * The reason of a candidate left out because the slots were full: one
   * object for the list, as most of a long list shares it.
   */
  slotsFull(): Reason {
    this.#slotsFull ??= reasonOf(
      this.rule,
      SLOTS_CODE,
      `list already holds its ${this.list.slots} slots`,
    );
    return this.#slotsFull;
  }

  /** The reason of a candidate the DPP stopped before, gaining nothing. */
  redundant(): Reason {
    this.#redundant ??= this.#redundantReason();
    return this.#redundant;
  }

  #redundantReason(): Reason {
    const { method } = this.list.params;
    const epsilon = method.kind === "dpp" ? method.epsilon : undefined;
    const filled = `${this.list.selected.length} of ${this.list.slots}`;
    return reasonOf(
      this.rule,
      REDUNDANT_CODE,
      `no diversity gain above epsilon ${epsilon ?? DEFAULT_EPSILON} ` +
        `left (${filled} slots filled)`,
    );
  }

  #explainCaps() {
    const { listCaps = {}, windowCaps = {} } = this.list.params;
    for (const [cls, cap] of Object.entries(listCaps)) {
      this.#explain.set(
        listCapId(cls),
        () => `${cls} cap ${cap} per list reached`,
      );
    }
    for (const cls of Object.keys(windowCaps)) {
      const usage = this.list.usages.get(cls);
      if (usage === undefined) continue;
      const message = this.list.minor
        ? minorWindowMessage(cls, usage)
        : capMessage(cls, usage);
      this.#explain.set(windowCapId(cls), () => message);
    }
  }

  #explainShares() {
    const { maxTopicShare, kindShare = {} } = this.list.params;
    const of = `of ${this.list.slots} slots`;
    if (maxTopicShare !== undefined) {
      this.#explain.set(TOPIC_SHARE, (item) => {
        const [topic, kept] = this.#fullestTopic(item);
        const share = `its max share ${maxTopicShare} ${of}`;
        return `topic ${topic} reached ${share} (${kept} kept)`;
      });
    }
    for (const [kind, bounds] of Object.entries(kindShare)) {
      const max = `its max share ${bounds?.max ?? 1} ${of}`;
      const min = `min share ${bounds?.min ?? 0} ${of}`;
      this.#explain.set(kindShareId(kind), (item) =>
        kindName(item.candidate.kind) === kind
          ? `${kind} reached ${max} (${this.#countKind(kind)} kept)`
          : `slots left are kept for ${kind} (${min})`,
      );
    }
  }

  /** The item's top-level topic that the kept items use most. */
  #fullestTopic(item: Item): [string, number] {
    let fullest: [string, number] = ["", -1];
    for (const topic of topLevelTopics(item.candidate.topics)) {
      const count = this.#kept().filter((kept) =>
        topLevelTopics(kept.candidate.topics).includes(topic),
      ).length;
      if (count > fullest[1]) fullest = [topic, count];
    }
    return fullest;
  }

  #countKind(kind: string) {
    return this.#kept().filter((k) => kindName(k.candidate.kind) === kind)
      .length;
  }

  #kept(): Item[] {
    return this.list.selected.flatMap((j) => this.list.items[j] ?? []);
  }
}

/**
 * A minor's record keeps no classes (Art. 5(7)), so every push in the
 * window counted as one of the class.
 */
function minorWindowMessage(cls: string, usage: WindowUsage): string {
  return (
    `${capMessage(cls, usage)}; ` +
    "every push counts for a minor, whose record keeps no classes"
  );
}

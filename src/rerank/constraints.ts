import type { ConstraintRun, SelectionConstraint } from "./select.js";

/** What the Art. 5(4) limits need to know of a candidate. */
export interface ConstrainedItem {
  /** Topic paths; the first segment of each is its top-level topic. */
  readonly topics: readonly string[];
  /** Candidate kind: `news`, `vertical`, `ad`, `promotion`, `service`. */
  readonly kind: string;
  /** Regulation classes, e.g. `disaster` (labels after derivation). */
  readonly classes: Iterable<string>;
}

/** Bounds on the share of one kind among the slots, each in [0, 1]. */
export interface ShareBounds {
  readonly min?: number;
  readonly max?: number;
}

/**
 * The Art. 5(4) limits on one list. Shares are counted against the slots k
 * (the list's length when full), so that every limit is a count fixed
 * before selection starts:
 *
 * - `maxTopicShare`: at most max(1, floor(share * k)) items of one
 *   top-level topic (`sports` for `sports/football`). An item with several
 *   top-level topics counts once for each.
 * - `kindShare[kind].max`: at most floor(max * k) items of that kind.
 * - `kindShare[kind].min`: min(ceil(min * k), the max count) slots are
 *   reserved for that kind: an item of another kind is refused when the
 *   slots left could no longer hold every unmet reservation. When the
 *   candidates cannot fill a reservation, its slots stay empty: the list
 *   comes out shorter rather than breaking a bound, and its share is then
 *   measured against k, not against the shorter list.
 * - `listCaps[class]`: at most that many items of the class per list.
 * - `windowRemaining[class]`: what the user may still receive of the class
 *   in the rolling window, as read from the state store; 0 or less admits
 *   none.
 *
 * Every limit only tightens as items are admitted, so a refused item stays
 * refused. Refusal ids, checked in this order (the first one is reported):
 * `cap.<class>_list`, `cap.<class>_window` (class by class, in the order
 * the classes first appear in `listCaps`, then `windowRemaining`),
 * `diversity.topic_share`, `diversity.<kind>_share`. A reservation names
 * the kind it keeps slots for: a vertical refused to keep two slots for
 * news is `diversity.news_share`. When rounding makes the reservations
 * exceed k (0.5 and 0.5 of 3 slots reserve 2 and 2), only items that fill
 * a reservation are admitted.
 */
export interface ListLimits {
  readonly maxTopicShare?: number;
  readonly kindShare?: Readonly<Record<string, ShareBounds>>;
  readonly listCaps?: Readonly<Record<string, number>>;
  readonly windowRemaining?: Readonly<Record<string, number>>;
}

/** Reason id of a topic-share refusal. */
export const TOPIC_SHARE = "diversity.topic_share";

/** Reason id of a kind-share refusal, e.g. `diversity.news_share`. */
export const kindShareId = (kind: string) => `diversity.${kind}_share`;

/** Reason id of a per-list class cap, e.g. `cap.disaster_list`. */
export const listCapId = (cls: string) => `cap.${cls}_list`;

/** Reason id of a rolling-window class cap, e.g. `cap.disaster_window`. */
export const windowCapId = (cls: string) => `cap.${cls}_window`;

/**
 * Builds the Art. 5(4) constraint of one list. Items are indexed as the
 * candidates given to the re-ranker. Throws a RangeError naming the limit
 * when a bound is out of range or the minimum shares add up to more than 1.
 */
export function listConstraint(
  items: readonly ConstrainedItem[],
  limits: ListLimits,
): SelectionConstraint {
  checkLimits(limits);
  const profile = new ListProfile(items, limits);
  return { begin: (slots) => new ListRun(profile, limits, slots) };
}

function checkLimits(limits: ListLimits) {
  checkShare("maxTopicShare", limits.maxTopicShare);
  let minTotal = 0;
  for (const [kind, bounds] of Object.entries(limits.kindShare ?? {})) {
    checkShare(`kindShare.${kind}.min`, bounds.min);
    checkShare(`kindShare.${kind}.max`, bounds.max);
    const { min = 0, max = 1 } = bounds;
    if (min > max) {
      throw new RangeError(
        `kindShare.${kind}.min ${min} must be <= max ${max}`,
      );
    }
    minTotal += min;
  }
  if (minTotal > 1) {
    throw new RangeError(`kindShare minimums add up to ${minTotal}, over 1`);
  }
}

function checkShare(name: string, share: number | undefined) {
  if (share !== undefined && !(share >= 0 && share <= 1)) {
    throw new RangeError(`${name} ${share} must be in [0, 1]`);
  }
}

/**
 * The items of a list reduced to small integer ids. An item's topics and
 * classes are read when a selection first asks about it: a Screen cuts
 * ~100 candidates to a few slots and the limits see only the few the
 * re-ranker proposes, so parsing every item's topic paths up front was
 * most of the constraint's cost.
 */
class ListProfile {
  /** Top-level topic ids of each item, once built. */
  readonly #topics: (Int32Array | undefined)[];
  readonly #topicNames = new Map<string, number>();
  readonly #topicOfPath = new Map<string, number>();
  /** Kind id of each item; kinds named in the limits come first. */
  readonly kind: Int32Array;
  readonly kinds: string[];
  /** Capped classes of each item, bit c for `cappedClasses[c]`; -1 unread. */
  readonly #classMask: Int32Array;
  readonly cappedClasses: string[];
  readonly #classIds: ReadonlyMap<string, number>;

  constructor(
    private readonly items: readonly ConstrainedItem[],
    limits: ListLimits,
  ) {
    this.#topics = new Array<Int32Array | undefined>(items.length);
    this.kinds = Object.keys(limits.kindShare ?? {});
    const kindIds = new Map(this.kinds.map((kind, id) => [kind, id]));
    this.kind = Int32Array.from(items, (i) => kindIds.get(i.kind) ?? -1);
    this.cappedClasses = cappedClasses(limits);
    this.#classIds = new Map(this.cappedClasses.map((c, id) => [c, id]));
    this.#classMask = new Int32Array(items.length).fill(-1);
  }

  /** Top-level topic ids of item j, without repeats. */
  topicsOf(j: number): Int32Array {
    let ids = this.#topics[j];
    if (ids === undefined) {
      ids = this.#readTopics(this.items[j]?.topics ?? []);
      this.#topics[j] = ids;
    }
    return ids;
  }

  classMaskOf(j: number): number {
    let mask = this.#classMask[j] ?? 0;
    if (mask < 0) {
      mask = maskOf(this.items[j]?.classes ?? [], this.#classIds);
      this.#classMask[j] = mask;
    }
    return mask;
  }

  /** Each distinct path is parsed once per list, since lists repeat. */
  #readTopics(paths: readonly string[]): Int32Array {
    const ids: number[] = [];
    for (const path of paths) {
      let id = this.#topicOfPath.get(path);
      if (id === undefined) {
        id = topLevelId(path, this.#topicNames);
        this.#topicOfPath.set(path, id);
      }
      if (id >= 0 && !ids.includes(id)) ids.push(id);
    }
    return Int32Array.from(ids);
  }
}

/** Id of the first non-empty segment of a path; -1 when it has none. */
function topLevelId(path: string, names: Map<string, number>) {
  const name = topSegment(path);
  if (name === undefined) return -1;
  let id = names.get(name);
  if (id === undefined) names.set(name, (id = names.size));
  return id;
}

/** A path whose first segment needs trimming or skipping. */
const UNTIDY_START = /\s|^\//;

/**
 * The first non-empty segment, trimmed. A tidy path's is a slice of it,
 * with no array of segments to build (one per candidate topic per Screen).
 */
function topSegment(path: string): string | undefined {
  if (UNTIDY_START.test(path)) {
    const top = path.split("/").find((segment) => segment.trim() !== "");
    return top?.trim();
  }
  if (path === "") return undefined;
  const end = path.indexOf("/");
  return end < 0 ? path : path.slice(0, end);
}

/** At most 31, so that an item's capped classes fit one 32-bit mask. */
const MAX_CAPPED_CLASSES = 31;

function cappedClasses(limits: ListLimits) {
  const classes = [
    ...new Set([
      ...Object.keys(limits.listCaps ?? {}),
      ...Object.keys(limits.windowRemaining ?? {}),
    ]),
  ];
  if (classes.length > MAX_CAPPED_CLASSES) {
    throw new RangeError(
      `capped classes ${classes.length} must be <= ${MAX_CAPPED_CLASSES}`,
    );
  }
  return classes;
}

/** Bit c set for each capped class c the item carries. */
function maskOf(names: Iterable<string>, ids: ReadonlyMap<string, number>) {
  let mask = 0;
  for (const name of names) {
    const id = ids.get(name);
    if (id !== undefined) mask |= 1 << id;
  }
  return mask;
}

/** The count limits of one selection and the counts so far. */
class ListRun implements ConstraintRun {
  readonly #topicLimit: number;
  /** Items admitted per top-level topic id; ids grow as items are read. */
  readonly #topicUsed: number[] = [];
  readonly #kindMax: Int32Array;
  readonly #kindReserved: Int32Array;
  readonly #kindUsed: Int32Array;
  readonly #classList: Float64Array;
  readonly #classWindow: Float64Array;
  readonly #classUsed: Int32Array;
  readonly #slackAllowed: number;
  #admitted = 0;

  constructor(
    private readonly profile: ListProfile,
    limits: ListLimits,
    private readonly slots: number,
  ) {
    const share = limits.maxTopicShare;
    this.#topicLimit =
      share === undefined ? Infinity : Math.max(1, floorOf(share * slots));
    const bounds = profile.kinds.map((kind) => limits.kindShare?.[kind]);
    this.#kindMax = Int32Array.from(bounds, (b) => maxCount(b, slots));
    this.#kindReserved = Int32Array.from(bounds, (b) => reserved(b, slots));
    this.#kindUsed = new Int32Array(profile.kinds.length);
    const classes = profile.cappedClasses;
    this.#classList = limitsOf(classes, limits.listCaps);
    this.#classWindow = limitsOf(classes, limits.windowRemaining);
    this.#classUsed = new Int32Array(classes.length);
    // Reservations can exceed the slots by rounding (0.5 + 0.5 of 3 slots):
    // then only items that fill a reservation are admitted.
    this.#slackAllowed = Math.min(0, slots - sum(this.#kindReserved));
  }

  refuse(j: number) {
    return this.#refuseClass(j) ?? this.#refuseTopic(j) ?? this.#refuseKind(j);
  }

  admit(j: number) {
    const { profile } = this;
    const mask = profile.classMaskOf(j);
    for (let bits = mask, c = 0; bits !== 0; bits >>>= 1, c++) {
      if ((bits & 1) !== 0) increment(this.#classUsed, c);
    }
    for (const topic of profile.topicsOf(j)) {
      this.#topicUsed[topic] = (this.#topicUsed[topic] ?? 0) + 1;
    }
    const own = profile.kind[j] ?? -1;
    if (own >= 0) increment(this.#kindUsed, own);
    this.#admitted += 1;
  }

  /** Class by class, in the caps' order: the list cap, then the window. */
  #refuseClass(j: number) {
    const mask = this.profile.classMaskOf(j);
    for (let bits = mask, c = 0; bits !== 0; bits >>>= 1, c++) {
      if ((bits & 1) === 0) continue;
      const used = (this.#classUsed[c] ?? 0) + 1;
      const name = this.profile.cappedClasses[c] ?? "";
      if (used > (this.#classList[c] ?? Infinity)) return listCapId(name);
      if (used > (this.#classWindow[c] ?? Infinity)) return windowCapId(name);
    }
    return undefined;
  }

  #refuseTopic(j: number) {
    for (const topic of this.profile.topicsOf(j)) {
      const used = this.#topicUsed[topic] ?? 0;
      if (used + 1 > this.#topicLimit) return TOPIC_SHARE;
    }
    return undefined;
  }

  #refuseKind(j: number) {
    const kind = this.profile.kind[j] ?? -1;
    const max = this.#kindMax[kind] ?? Infinity;
    if (kind >= 0 && (this.#kindUsed[kind] ?? 0) + 1 > max) {
      return kindShareId(this.profile.kinds[kind] ?? "");
    }
    return this.#refuseReservation(kind);
  }

  /**
   * Slots left after this item must still hold every unmet reservation of
   * the other kinds; an item filling its own kind's reservation is neutral.
   */
  #refuseReservation(kind: number) {
    let unmet = 0;
    let blocking = -1;
    for (let y = 0; y < this.#kindReserved.length; y++) {
      const open = (this.#kindReserved[y] ?? 0) - (this.#kindUsed[y] ?? 0);
      if (open <= 0) continue;
      unmet += y === kind ? open - 1 : open;
      if (y !== kind && blocking < 0) blocking = y;
    }
    const free = this.slots - this.#admitted - 1;
    if (free - unmet >= this.#slackAllowed || blocking < 0) return undefined;
    return kindShareId(this.profile.kinds[blocking] ?? "");
  }
}

function maxCount(bounds: ShareBounds | undefined, slots: number) {
  return bounds?.max === undefined ? slots : floorOf(bounds.max * slots);
}

function reserved(bounds: ShareBounds | undefined, slots: number) {
  const wanted = ceilOf((bounds?.min ?? 0) * slots);
  return Math.min(wanted, maxCount(bounds, slots));
}

function limitsOf(
  classes: readonly string[],
  limits: Readonly<Record<string, number>> | undefined,
) {
  return Float64Array.from(classes, (c) => limits?.[c] ?? Infinity);
}

function sum(values: Int32Array) {
  return values.reduce((total, value) => total + value, 0);
}

function increment(counts: Int32Array, at: number) {
  counts[at] = (counts[at] ?? 0) + 1;
}

/**
 * Floor and ceiling of a share times the slots, forgiving the rounding of
 * binary fractions: 0.29 * 100 is 28.999999999999996, and means 29.
 */
const ROUNDING = 1e-9;
const floorOf = (x: number) => Math.floor(x + ROUNDING);
const ceilOf = (x: number) => Math.ceil(x - ROUNDING);

/**
 * Encodes deliveries for the Redis scripts and decodes their replies.
 *
 * A delivery is a sorted-set member `<seq>:<json>` scored by its time; the
 * JSON holds exactly what the caller gave (item, topics, classes,
 * consumption). The store adds nothing, so a minor's record, which the
 * caller passes with empty topics and classes, holds no topic (Art. 5(7)).
 */
import type { DeliveryRecord, UserState } from "./store.js";

interface Payload {
  readonly i: string;
  readonly t: readonly string[];
  readonly c: readonly string[];
  readonly p: 0 | 1;
}

/** The member payload of one delivery; its time goes in the score. */
export function encodeDelivery(record: DeliveryRecord): string {
  const payload: Payload = {
    i: record.itemId,
    t: record.topics,
    c: record.classes,
    p: record.consumption ? 1 : 0,
  };
  return JSON.stringify(payload);
}

/** Decodes `{streak, lastDismissal, unsubscribed, rows}` from a script. */
export function decodeState(reply: unknown): UserState {
  if (!Array.isArray(reply) || reply.length !== 4) {
    throw new TypeError("redis state reply must be an array of 4");
  }
  const [streak, dismissed, unsub, rows] = reply as unknown[];
  return {
    deliveries: decodeRows(rows),
    dismissalStreak: optionalNumber(streak) ?? 0,
    lastDismissalMs: optionalNumber(dismissed),
    unsubscribed: optionalNumber(unsub) === 1,
  };
}

/** Decodes `[member, score, member, score, ...]`, oldest first. */
function decodeRows(rows: unknown): DeliveryRecord[] {
  if (!Array.isArray(rows)) {
    throw new TypeError("redis delivery rows must be an array");
  }
  const records: DeliveryRecord[] = [];
  for (let k = 0; k + 1 < rows.length; k += 2) {
    records.push(decodeMember(String(rows[k]), Number(rows[k + 1])));
  }
  return records;
}

function decodeMember(member: string, atMs: number): DeliveryRecord {
  const json = member.slice(member.indexOf(":") + 1);
  const payload = JSON.parse(json) as Partial<Payload>;
  if (typeof payload.i !== "string" || !Array.isArray(payload.t)) {
    throw new TypeError(`redis delivery member is malformed: ${json}`);
  }
  return {
    itemId: payload.i,
    atMs,
    topics: payload.t.map(String),
    classes: (payload.c ?? []).map(String),
    consumption: payload.p === 1,
  };
}

function optionalNumber(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

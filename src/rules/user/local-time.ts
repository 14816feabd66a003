import { DateTime } from "luxon";
import { z } from "zod";

/**
 * Wall-clock arithmetic in the user's time zone. Quiet hours and calendar
 * days are local notions: 22:00 in Shanghai is 10:00 in New York, and a New
 * York day is 23 or 25 hours long when daylight saving time starts or ends.
 * luxon does the zone and DST work; this file only names what the rules ask.
 */

/** A time of day as written in a policy, `22:00`. */
export const clockSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time of day must look like 22:00");

/** Minutes after midnight of a `HH:MM` time of day. */
export function clockMinutes(clock: string): number {
  const [hours = 0, minutes = 0] = clock.split(":").map(Number);
  return hours * 60 + minutes;
}

/** A daily span of local time; it crosses midnight when end < start. */
export interface DailySpan {
  readonly startMinute: number;
  readonly endMinute: number;
}

/** The local time of `nowMs` in `zone`. */
function localTime(nowMs: number, zone: string): DateTime {
  return DateTime.fromMillis(nowMs, { zone });
}

/** A local calendar day: its start and the next day's start. */
interface LocalDay {
  readonly startMs: number;
  readonly nextMs: number;
  /**
   * True when the day starts at 00:00 and is 24 hours long at one UTC
   * offset: its clock is then the time since its start.
   */
  readonly uniform: boolean;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Zones whose current day is remembered; past it the memory restarts. */
const MAX_REMEMBERED_ZONES = 1_000;

/** The last local day computed in each zone. */
const daysByZone = new Map<string, LocalDay>();

/**
 * The local day that contains `nowMs` in `zone`. Every luxon DateTime in
 * a named zone costs tens of µs of Intl work, and a Screen asks for the
 * day several times (each calendar window, the commit's caps, the budget,
 * quiet hours), so each zone's current day is remembered: any time inside
 * [startMs, nextMs) belongs to that same day, whichever request asks.
 */
function localDay(nowMs: number, zone: string): LocalDay {
  const known = daysByZone.get(zone);
  if (known !== undefined && nowMs >= known.startMs && nowMs < known.nextMs) {
    return known;
  }
  const start = localTime(nowMs, zone).startOf("day");
  // Where midnight does not exist, luxon starts the day at 01:00, and a
  // day later is 01:00 too: the next day's start is its own start of day.
  const next = start.plus({ days: 1 }).startOf("day");
  const day = {
    startMs: start.toMillis(),
    nextMs: next.toMillis(),
    uniform:
      next.toMillis() - start.toMillis() === DAY_MS &&
      next.offset === start.offset &&
      start.hour === 0 &&
      start.minute === 0,
  };
  if (daysByZone.size >= MAX_REMEMBERED_ZONES) daysByZone.clear();
  daysByZone.set(zone, day);
  return day;
}

/** Start of the local calendar day that contains `nowMs`. */
export function startOfLocalDayMs(nowMs: number, zone: string): number {
  return localDay(nowMs, zone).startMs;
}

/** Start of the next local calendar day: the day window starts afresh. */
export function nextLocalMidnightMs(nowMs: number, zone: string): number {
  return localDay(nowMs, zone).nextMs;
}

/**
 * Minutes since local midnight. On a uniform day the offset is the same
 * all day (no zone has two transitions that cancel within one day), so
 * the clock is the time since midnight. Luxon reads it on any other day:
 * a DST day, or the day whose midnight does not exist (Santiago springs
 * forward at 24:00: that day starts at 01:00 and is 23 hours long).
 */
function minuteOfDay(nowMs: number, zone: string): number {
  const day = localDay(nowMs, zone);
  if (day.uniform) {
    return Math.floor((nowMs - day.startMs) / MINUTE_MS);
  }
  const now = localTime(nowMs, zone);
  return now.hour * 60 + now.minute;
}

/**
 * When `nowMs` falls inside the span in `zone`, the moment the span ends
 * (the next local occurrence of its end time); otherwise undefined. An end
 * time that does not exist on a DST day (02:30 in New York in March) is
 * moved forward by luxon, as a wall clock would.
 */
export function spanEndMs(
  span: DailySpan,
  nowMs: number,
  zone: string,
): number | undefined {
  if (!inSpan(span, minuteOfDay(nowMs, zone))) return undefined;
  const now = localTime(nowMs, zone);
  const hour = Math.floor(span.endMinute / 60);
  const minute = span.endMinute % 60;
  const end = now.set({ hour, minute, second: 0, millisecond: 0 });
  return (end > now ? end : end.plus({ days: 1 })).toMillis();
}

function inSpan(span: DailySpan, minute: number): boolean {
  const { startMinute, endMinute } = span;
  if (startMinute < endMinute) {
    return minute >= startMinute && minute < endMinute;
  }
  return minute >= startMinute || minute < endMinute;
}

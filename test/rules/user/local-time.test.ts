import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  nextLocalMidnightMs,
  spanEndMs,
  startOfLocalDayMs,
  type DailySpan,
} from "../../../src/rules/user/local-time.js";

/*
 * local-time.ts remembers each zone's current day and reads the clock off
 * it on days of 24 hours. These properties hold it to luxon itself, asked
 * afresh every time, over zones with DST (whole and half hours, north and
 * south), without, and with odd offsets, across the years' transitions.
 */

const ZONES = [
  "Asia/Shanghai",
  "America/New_York",
  "Europe/London",
  "Australia/Lord_Howe",
  "America/Santiago",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "UTC",
];

/** Days on which some zone above changes its offset. */
const TRANSITIONS = [
  "2026-03-08T07:00:00Z", // New York springs forward
  "2026-11-01T06:00:00Z", // and falls back
  "2026-03-29T01:00:00Z", // London
  "2026-04-05T15:00:00Z", // Lord Howe, by 30 minutes
  "2026-04-05T03:00:00Z", // Santiago falls back
  "2026-09-06T04:00:00Z", // and springs forward at 24:00
  "2026-04-04T14:00:00Z", // Chatham, at 03:45 local
].map(Date.parse);

const HOUR_MS = 3_600_000;

/** Any time of four years, or one within a day and a half of a change. */
const instant = fc.oneof(
  fc.integer({
    min: Date.parse("2024-01-01T00:00:00Z"),
    max: Date.parse("2027-12-31T00:00:00Z"),
  }),
  fc
    .tuple(
      fc.constantFrom(...TRANSITIONS),
      fc.integer({ min: -36 * HOUR_MS, max: 36 * HOUR_MS }),
    )
    .map(([at, offset]) => at + offset),
);

/** What the functions must answer: luxon, with nothing remembered. */
function luxonDay(nowMs: number, zone: string) {
  const start = DateTime.fromMillis(nowMs, { zone }).startOf("day");
  const next = start.plus({ days: 1 }).startOf("day");
  return [start.toMillis(), next.toMillis()];
}

function luxonSpanEnd(span: DailySpan, nowMs: number, zone: string) {
  const now = DateTime.fromMillis(nowMs, { zone });
  const minute = now.hour * 60 + now.minute;
  const { startMinute: a, endMinute: b } = span;
  const inside = a < b ? minute >= a && minute < b : minute >= a || minute < b;
  if (!inside) return undefined;
  const end = now.set({
    hour: Math.floor(b / 60),
    minute: b % 60,
    second: 0,
    millisecond: 0,
  });
  return (end > now ? end : end.plus({ days: 1 })).toMillis();
}

describe("local days and quiet spans against luxon", () => {
  it("gives luxon's day boundaries for any sequence of times and zones", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(instant, fc.constantFrom(...ZONES)), {
          minLength: 1,
          maxLength: 40,
        }),
        (asks) => {
          for (const [nowMs, zone] of asks) {
            const day = [
              startOfLocalDayMs(nowMs, zone),
              nextLocalMidnightMs(nowMs, zone),
            ];
            expect(day).toEqual(luxonDay(nowMs, zone));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    // Santiago springs forward at 24:00 on 2024-09-07: the 8th starts at
    // 01:00 (-03) and lasts 23 hours, to midnight of the 9th.
    ["a day without midnight", "2024-09-08T12:00:00Z", 4, 27],
    ["the day before it", "2024-09-07T12:00:00Z", 4, 28],
  ])("bounds %s in Santiago", (_, at, startHourUtc, nextHourUtc) => {
    const nowMs = Date.parse(at);
    const zone = "America/Santiago";
    const day = new Date(Date.parse(at.slice(0, 10)));
    expect([
      startOfLocalDayMs(nowMs, zone),
      nextLocalMidnightMs(nowMs, zone),
    ]).toEqual([
      day.getTime() + startHourUtc * HOUR_MS,
      day.getTime() + nextHourUtc * HOUR_MS,
    ]);
  });

  it("ends quiet spans when luxon does, on DST days too", () => {
    const minute = fc.integer({ min: 0, max: 24 * 60 - 1 });
    const span = fc
      .tuple(minute, minute)
      .filter(([a, b]) => a !== b)
      .map(([startMinute, endMinute]) => ({ startMinute, endMinute }));
    fc.assert(
      fc.property(span, instant, fc.constantFrom(...ZONES), (s, now, zone) => {
        expect(spanEndMs(s, now, zone)).toBe(luxonSpanEnd(s, now, zone));
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    // New York springs forward at 02:00 on 2026-03-08: a 23-hour day,
    // and 16:00Z is 12:00 EDT (11 hours after midnight EST).
    ["the spring-forward day", "2026-03-08T16:00:00Z", "America/New_York", 720],
    // Lord Howe goes back 30 minutes at 02:00 on 2026-04-05: 24.5 hours,
    // and 03:00Z is 13:30 (14 hours after midnight at +11).
    ["a half-hour change", "2026-04-05T03:00:00Z", "Australia/Lord_Howe", 780],
    // Santiago springs forward at 24:00 on 2024-09-07: the 8th has no
    // midnight, starts at 01:00 (-03) and lasts 23 hours; 04:40Z is 01:40
    // (the clock since the day's start would say 00:40).
    ["a lost midnight", "2024-09-08T04:40:00Z", "America/Santiago", 90],
  ])("reads the clock of %s from luxon", (_, at, zone, startMinute) => {
    const nowMs = Date.parse(at);
    const span = { startMinute, endMinute: startMinute + 45 };
    const end = spanEndMs(span, nowMs, zone);
    expect(end).toBe(luxonSpanEnd(span, nowMs, zone));
    expect(end).toBeDefined();
  });
});

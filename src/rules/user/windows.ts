import { z } from "zod";
import type { DecisionContext } from "../../pipeline/rule.js";
import {
  countsAgainst,
  type DeliveryRecord,
  type WindowCap,
} from "../../store/store.js";
import { nextLocalMidnightMs, startOfLocalDayMs } from "./local-time.js";

const HOUR_MS = 3_600_000;

/**
 * One cap window as a policy writes it: rolling (`hours`) by default, or
 * `calendar: day` for the user's local day since midnight.
 */
export const windowSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, "window name must be snake_case"),
    hours: z
      .number()
      .min(1 / 60)
      .max(24 * 31)
      .optional(),
    calendar: z.enum(["day"]).optional(),
    limit: z.int().min(0).max(1000),
  })
  .superRefine((window, ctx) => {
    const rolling = window.hours !== undefined;
    if (rolling === (window.calendar !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [rolling ? "calendar" : "hours"],
        message: rolling
          ? "a window is rolling (hours) or calendar: day, not both"
          : "a window needs hours (rolling) or calendar: day",
      });
    }
  });

/** A window as written in the policy. */
export type PolicyWindow = z.output<typeof windowSchema>;

/**
 * A cap as the store checks it, plus what only the rules need. The store
 * knows rolling windows only, so a calendar day is handed to it as the
 * rolling window since local midnight, computed for this decision's time.
 */
export interface CapWindow extends WindowCap {
  /** For a calendar window, the next local midnight: when it empties. */
  readonly resetAtMs?: number;
  /** How a message names the window: `24h`, `calendar day in Asia/...`. */
  readonly span?: string;
}

/** The caps of the given windows at the decision's time and zone. */
export function capsAt(
  windows: readonly PolicyWindow[],
  ctx: Pick<DecisionContext, "nowMs" | "timeZone">,
): CapWindow[] {
  return windows.map((window) => capAt(window, ctx));
}

function capAt(
  window: PolicyWindow,
  ctx: Pick<DecisionContext, "nowMs" | "timeZone">,
): CapWindow {
  const { name, limit } = window;
  if (window.hours !== undefined) {
    return {
      name,
      limit,
      windowMs: window.hours * HOUR_MS,
      span: `${window.hours}h`,
    };
  }
  // The store counts pushes strictly after `now - windowMs`; the extra
  // millisecond makes a push at exactly midnight count for the new day.
  const sinceMs = startOfLocalDayMs(ctx.nowMs, ctx.timeZone);
  return {
    name,
    limit,
    windowMs: ctx.nowMs - sinceMs + 1,
    resetAtMs: nextLocalMidnightMs(ctx.nowMs, ctx.timeZone),
    span: `calendar day in ${ctx.timeZone}`,
  };
}

/** How full one window is, and when it has room again. */
export interface WindowUsage {
  readonly cap: CapWindow;
  readonly used: number;
  readonly remaining: number;
  /** When one more push fits; `nowMs` when it fits already. */
  readonly freeAtMs: number;
}

/** How full one window is now, counting every recorded delivery. */
export function windowUsage(
  cap: CapWindow,
  ctx: Pick<DecisionContext, "nowMs" | "state">,
): WindowUsage {
  return usageOf(cap, ctx.state.deliveries, ctx.nowMs);
}

/** How full one window is, counting the given deliveries only. */
export function usageOf(
  cap: CapWindow,
  deliveries: readonly DeliveryRecord[],
  nowMs: number,
): WindowUsage {
  const sinceMs = nowMs - cap.windowMs;
  const inWindow = deliveries.filter(
    (delivery) => delivery.atMs > sinceMs && countsAgainst(cap, delivery),
  );
  const used = inWindow.length;
  const remaining = Math.max(0, cap.limit - used);
  return { cap, used, remaining, freeAtMs: freeAt(cap, inWindow, nowMs) };
}

/**
 * A rolling window has room once enough of its oldest pushes age out; a
 * calendar window only at the next local midnight.
 */
function freeAt(
  cap: CapWindow,
  inWindow: readonly DeliveryRecord[],
  nowMs: number,
): number {
  if (inWindow.length < cap.limit) return nowMs;
  if (cap.resetAtMs !== undefined) return cap.resetAtMs;
  const leaving = inWindow[inWindow.length - cap.limit];
  return leaving === undefined ? nowMs : leaving.atMs + cap.windowMs;
}

/** The window with the fewest pushes left; the first one on a tie. */
export function tightestOf(usages: readonly WindowUsage[]): WindowUsage {
  const [first, ...rest] = usages;
  if (first === undefined) throw new Error("no cap windows");
  return rest.reduce((a, b) => (b.remaining < a.remaining ? b : a), first);
}

/**
 * `day cap 8 per 24h reached (8 pushed)`: the words of a full window. When
 * the list itself used the room left, it says how much, since the history
 * alone would not explain the removal.
 */
export function capMessage(what: string, usage: WindowUsage): string {
  const { cap, used, remaining } = usage;
  const earlier = remaining > 0 ? `, ${remaining} earlier in this list` : "";
  return (
    `${what} cap ${cap.limit} per ${spanOf(cap)} reached ` +
    `(${used} pushed${earlier})`
  );
}

/** How a message names a window: `24h`, `calendar day in Asia/Shanghai`. */
export function spanOf(cap: CapWindow): string {
  return cap.span ?? `${cap.windowMs / HOUR_MS}h`;
}

import { z } from "zod";
import type { Item } from "../../pipeline/item.js";
import {
  keepAll,
  reasonOf,
  type DecisionContext,
  type RuleOutcome,
} from "../../pipeline/rule.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";
import { clockMinutes, clockSchema, spanEndMs } from "./local-time.js";
import { pauseList } from "./pause.js";

/** Quiet hours as a policy writes them, e.g. 22:00 to 07:00. */
export const quietHoursSchema = z
  .strictObject({
    start: clockSchema,
    end: clockSchema,
    /** `hold` answers `nextAllowedAt` (end of quiet hours); `drop` not. */
    action: z.enum(["hold", "drop"]),
    passServiceMessages: z.boolean().default(true),
  })
  .refine((quiet) => quiet.start !== quiet.end, {
    path: ["end"],
    message: "quiet hours must end at another time than they start",
  });

/** Quiet hours as a policy writes them. */
export type QuietHours = z.output<typeof quietHoursSchema>;

/**
 * Art. 5(6): no pop-ups at night. Quiet hours are the user's local hours
 * (a span may cross midnight); during them the list is held until they
 * end or dropped, as the policy chooses, and service messages may pass.
 * Reads no state, so it keeps working when the store does not.
 */
export const quietHours = defineRuleType({
  type: "quiet-hours",
  summary: "holds or drops pushes during the user's local quiet hours",
  params: quietHoursSchema,
  create(identity, params) {
    return {
      id: identity.id,
      article: identity.article,
      apply: quietStep(identity, params, "quiet_hours"),
    };
  },
});

/**
 * The quiet-hours check as one step, for this rule and for the night hours
 * of minors; `code` prefixes the reason code (`quiet_hours.hold`). Built
 * once per rule, so the clock times are parsed once.
 */
export function quietStep(
  identity: RuleIdentity,
  quiet: QuietHours,
  code: string,
) {
  const span = {
    startMinute: clockMinutes(quiet.start),
    endMinute: clockMinutes(quiet.end),
  };
  return (
    items: readonly Item[],
    ctx: Pick<DecisionContext, "nowMs" | "timeZone">,
  ): RuleOutcome => {
    const endMs = spanEndMs(span, ctx.nowMs, ctx.timeZone);
    if (endMs === undefined) return keepAll(items);
    const hours = `${quiet.start}-${quiet.end} in ${ctx.timeZone}`;
    const held = quiet.action === "hold";
    const reason = reasonOf(
      identity,
      `${code}.${quiet.action}`,
      held
        ? `quiet hours ${hours}; held until ${quiet.end}`
        : `quiet hours ${hours}; dropped`,
    );
    const { passServiceMessages } = quiet;
    return pauseList(items, {
      reason,
      passServiceMessages,
      ...(held ? { holdUntilMs: endMs } : {}),
    });
  };
}

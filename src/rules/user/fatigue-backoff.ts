import { z } from "zod";
import {
  keepAll,
  reasonOf,
  type DecisionContext,
  type Rule,
} from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";
import { pauseList } from "./pause.js";

const MINUTE_MS = 60_000;

/** How a back-off grows, as the policy sets it. */
export interface Backoff {
  /** Dismissals in a row before the first back-off. */
  readonly afterDismissals: number;
  readonly baseMinutes: number;
  readonly factor: number;
  readonly maxMinutes: number;
}

/**
 * Art. 5(7): no pushing at users who keep dismissing. After
 * `afterDismissals` dismissals in a row the user's pushes are held for
 * `baseMinutes`, then `factor` times longer with each further dismissal, up
 * to `maxMinutes` (rounded to whole minutes), counted from the last
 * dismissal. An open resets the
 * streak (the store does that). Service messages may pass.
 */
export const fatigueBackoff = defineRuleType({
  type: "fatigue-backoff",
  summary: "holds pushes after consecutive dismissals, longer each time",
  params: z
    .strictObject({
      afterDismissals: z.int().min(1).max(100),
      baseMinutes: z
        .number()
        .min(1)
        .max(7 * 24 * 60),
      factor: z.number().min(1).max(10),
      maxMinutes: z
        .number()
        .min(1)
        .max(30 * 24 * 60),
      passServiceMessages: z.boolean().default(true),
    })
    .refine((p) => p.maxMinutes >= p.baseMinutes, {
      path: ["maxMinutes"],
      message: "maxMinutes must be >= baseMinutes",
    }),
  create(identity, params): Rule {
    return {
      id: identity.id,
      article: identity.article,
      apply(items, ctx) {
        const hold = backoffOf(params, ctx);
        if (hold === undefined) return keepAll(items);
        const reason = reasonOf(
          identity,
          "fatigue.backoff",
          `${ctx.state.dismissalStreak} dismissals in a row; pushes paused ` +
            `${hold.minutes} minutes after the last one`,
        );
        const { passServiceMessages } = params;
        return pauseList(items, {
          reason,
          holdUntilMs: hold.untilMs,
          passServiceMessages,
        });
      },
      needsState: true,
    };
  },
});

/**
 * The back-off in force now, if any: base * factor^(streak - after),
 * capped, from the last dismissal. A streak without a recorded time
 * cannot be placed in time and holds nothing.
 */
export function backoffOf(
  backoff: Backoff,
  ctx: Pick<DecisionContext, "state" | "nowMs">,
) {
  const { dismissalStreak, lastDismissalMs } = ctx.state;
  const over = dismissalStreak - backoff.afterDismissals;
  if (over < 0 || lastDismissalMs === undefined) return undefined;
  const grown = backoff.baseMinutes * backoff.factor ** over;
  const minutes = Math.round(Math.min(grown, backoff.maxMinutes));
  const untilMs = lastDismissalMs + minutes * MINUTE_MS;
  return untilMs > ctx.nowMs ? { minutes, untilMs } : undefined;
}

import { z } from "zod";

/**
 * The parameters of `diversity-rerank` as a policy writes them. Every
 * number is bounded, and what the re-ranker's list limits would reject at
 * request time (a minimum above its maximum, minimums adding up past 1,
 * more classes than a mask holds) is rejected here, at policy load, with
 * the place it was written.
 */

const share = z.number().min(0).max(1);

const SNAKE_CASE = "class name must be snake_case";

/** Regulation class names as labels are written: `disaster`. */
const className = z.string().regex(/^[a-z][a-z0-9_]*$/, SNAKE_CASE);

/** Values by class name; a bad name is named as such, not "invalid key". */
function byClass<T extends z.ZodType>(value: T) {
  return z.record(className, value, {
    error: (issue) => (issue.code === "invalid_key" ? SNAKE_CASE : undefined),
  });
}

/** MMR: 1 keeps the ranker's order, 0 is pure diversity. */
const mmrSchema = z.strictObject({
  kind: z.literal("mmr"),
  lambda: share,
});

/**
 * Greedy DPP MAP inference. `alpha` weighs the ranker's scores against
 * diversity (log det gains against 2 alpha times the score differences,
 * so it depends on the ranker's score scale); `window` makes each pick
 * diverse against the last `window` picks only; `epsilon` is the smallest
 * gain worth a pick.
 */
const dppSchema = z.strictObject({
  kind: z.literal("dpp"),
  alpha: z.number().min(0).max(100),
  window: z.int().min(1).max(100).optional(),
  epsilon: z.number().min(1e-15).max(0.5).optional(),
});

/** Bounds on one kind's share of the slots. */
const boundsSchema = z
  .strictObject({ min: share.optional(), max: share.optional() })
  .refine((b) => (b.min ?? 0) <= (b.max ?? 1), {
    message: "min must be <= max",
  });

/** Share bounds by candidate kind, as the proto's kinds are written. */
const kindShareSchema = z
  .strictObject({
    news: boundsSchema.optional(),
    vertical: boundsSchema.optional(),
    ad: boundsSchema.optional(),
    promotion: boundsSchema.optional(),
    service: boundsSchema.optional(),
  })
  .refine(
    (kinds) =>
      Object.values(kinds).reduce((sum, b) => sum + (b?.min ?? 0), 0) <= 1,
    { message: "kind minimum shares must add up to at most 1" },
  );

/** A rolling window per user: at most `limit` pushes of the class. */
const windowCapSchema = z.strictObject({
  hours: z
    .number()
    .min(1 / 60)
    .max(24 * 31),
  limit: z.int().min(0).max(1000),
});

/** One bitmask holds the capped classes of an item (rerank/constraints). */
export const MAX_CAPPED_CLASSES = 31;

export const diversityParamsSchema = z
  .strictObject({
    /** The re-ranker; a surface may override it whole. */
    method: z.discriminatedUnion("kind", [mmrSchema, dppSchema]),
    /** Most slots one top-level topic may take, as a share. */
    maxTopicShare: share.optional(),
    /** Bounds on each kind's share of the slots (news vs vertical). */
    kindShare: kindShareSchema.optional(),
    /** Most items of each class in one list. */
    listCaps: byClass(z.int().min(0).max(100)).optional(),
    /** Most items of each class per user over a rolling window. */
    windowCaps: byClass(windowCapSchema).optional(),
  })
  .refine(
    (p) =>
      new Set([
        ...Object.keys(p.listCaps ?? {}),
        ...Object.keys(p.windowCaps ?? {}),
      ]).size <= MAX_CAPPED_CLASSES,
    { message: `at most ${MAX_CAPPED_CLASSES} capped classes` },
  );

/** Parameters after validation. */
export type DiversityParams = z.output<typeof diversityParamsSchema>;

/** A class's window cap after validation. */
export type ClassWindowCap = z.output<typeof windowCapSchema>;

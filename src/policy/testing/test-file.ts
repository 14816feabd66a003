import { access, readFile } from "node:fs/promises";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { z } from "zod";
import {
  ScreenRequestSchema,
  type ScreenRequest,
} from "../../gen/pushguard/v1/pushguard_pb.js";
import { locate, PolicyError } from "../errors.js";
import { besideFile } from "../layers.js";
import {
  checkWith,
  parseSource,
  problemAt,
  type ParsedSource,
} from "../yaml-source.js";

/**
 * A policy test file (`*.test.yaml`): a policy, request defaults, and
 * cases, each a request, an optional state preload and the expected
 * outcome. Like `opa test`, it pins down what a policy decides, so a policy
 * edit that changes a decision fails in CI before it ships.
 */

const timeSchema = z.iso.datetime({ offset: true });
const idsSchema = z.array(z.string().min(1));

const deliverySchema = z.strictObject({
  itemId: z.string().min(1),
  at: timeSchema,
  topics: z.array(z.string()).default([]),
  classes: z.array(z.string()).default([]),
  consumption: z.boolean().default(false),
});

const feedbackSchema = z.strictObject({
  itemId: z.string().min(1),
  event: z.enum(["opened", "dismissed", "closed", "see_less", "unsubscribed"]),
  at: timeSchema,
});

const complaintSchema = z.strictObject({
  itemId: z.string().min(1),
  providerId: z.string().default(""),
  /** Distinct reporters to record for the item. */
  reporters: z.int().min(1).max(10_000),
  at: timeSchema,
});

/** What the store holds for the request's user before the request. */
export const stateSchema = z.strictObject({
  deliveries: z.array(deliverySchema).default([]),
  feedback: z.array(feedbackSchema).default([]),
  complaints: z.array(complaintSchema).default([]),
});

export type StatePreload = z.infer<typeof stateSchema>;

/** Candidate id to the reason codes of its removal, in rule order. */
const removalsSchema = z.record(z.string(), idsSchema.min(1));

/**
 * The expected outcome. `admitted` is the exact push order; `dropped`
 * lists every removed candidate (none when left out); `wouldDrop` is
 * checked only when given, and so is `nextAllowedAt` (when a held or
 * capped list may go out). `error` expects the request to be refused with
 * exactly that message instead.
 */
export const expectSchema = z
  .strictObject({
    admitted: idsSchema.optional(),
    dropped: removalsSchema.optional(),
    wouldDrop: removalsSchema.optional(),
    nextAllowedAt: timeSchema.optional(),
    error: z.string().min(1).optional(),
  })
  .refine((e) => (e.error === undefined) !== (e.admitted === undefined), {
    message: "give either admitted (with dropped) or error",
  });

export type Expectation = z.infer<typeof expectSchema>;

const jsonObject = z.record(z.string(), z.unknown());

const caseSchema = z.strictObject({
  name: z.string().min(1),
  request: jsonObject.default({}),
  state: stateSchema.prefault({}),
  expect: expectSchema,
});

const testFileSchema = z.strictObject({
  /** The policy under test, relative to the test file. */
  policy: z.string().min(1),
  /** Merged under every case: objects key by key, lists replaced. */
  defaults: z
    .strictObject({
      request: jsonObject.default({}),
      candidate: jsonObject.default({}),
    })
    .prefault({}),
  cases: z.array(caseSchema).min(1),
});

/** One case, its request decoded and where it is written. */
export interface PolicyTestCase {
  readonly name: string;
  readonly line: number;
  readonly request: ScreenRequest;
  readonly state: StatePreload;
  readonly expect: Expectation;
}

/** A test file ready to run. */
export interface PolicyTestFile {
  readonly file: string;
  readonly policyPath: string;
  readonly cases: readonly PolicyTestCase[];
}

/** Reads and checks a test file; throws PolicyError naming file and line. */
export async function loadTestFile(file: string): Promise<PolicyTestFile> {
  const parsed = parseSource(file, await readFile(file, "utf8"));
  const body = checkWith(parsed, testFileSchema);
  const cases = body.cases.map((testCase, index) => {
    const request = decodeRequest(
      parsed,
      index,
      body.defaults,
      testCase.request,
    );
    const { line } = locate(parsed.doc, parsed.lines, ["cases", index]);
    return { ...testCase, request, line };
  });
  const policyPath = besideFile(file, body.policy);
  await access(policyPath).catch((error: NodeJS.ErrnoException) => {
    const message = `cannot read ${policyPath} (${error.code ?? "error"})`;
    throw new PolicyError([problemAt(parsed, ["policy"], message)]);
  });
  return { file, policyPath, cases };
}

function decodeRequest(
  parsed: ParsedSource,
  index: number,
  defaults: { request: JsonMap; candidate: JsonMap },
  request: JsonMap,
): ScreenRequest {
  const merged = mergeJson(defaults.request, request);
  const candidates = Array.isArray(merged.candidates) ? merged.candidates : [];
  merged.candidates = candidates.map((candidate) =>
    mergeJson(defaults.candidate, asMap(candidate)),
  );
  try {
    return fromJson(ScreenRequestSchema, merged as JsonValue);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = ["cases", index, "request"];
    throw new PolicyError([problemAt(parsed, at, message)]);
  }
}

type JsonMap = Record<string, unknown>;

/** Objects merge key by key, recursively; anything else is replaced. */
export function mergeJson(base: JsonMap, over: JsonMap): JsonMap {
  const out: JsonMap = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const before = out[key];
    out[key] = isMap(before) && isMap(value) ? mergeJson(before, value) : value;
  }
  return out;
}

function isMap(value: unknown): value is JsonMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asMap(value: unknown): JsonMap {
  return isMap(value) ? value : {};
}

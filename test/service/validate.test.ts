import { describe, expect, it } from "vitest";
import {
  CandidateKind,
  ReviewStatus,
  Targeting,
  type Candidate,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { loadPolicy } from "../../src/policy/loader.js";
import { validateScreenRequest } from "../../src/service/validate.js";
import { candidate, screenRequest } from "../helpers/requests.js";

const policy = await loadPolicy("policies/default.yaml");

type CandidateInit = Parameters<typeof candidate>[1];

/** The message validation gives a list whose second candidate has `init`. */
function refusal(init: CandidateInit): string {
  const candidates: Candidate[] = [candidate("a"), candidate("b", init)];
  try {
    validateScreenRequest(screenRequest({ candidates }), policy);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return "accepted";
}

const long = (n: number) => "长".repeat(n);

describe("a candidate's field problems name the field", () => {
  it.each<[string, CandidateInit, string]>([
    ["an empty id", { id: "" }, "candidates[1].id: required"],
    [
      "a too-long id",
      { id: "x".repeat(257) },
      "candidates[1].id: length 257 exceeds 256",
    ],
    [
      "a missing kind",
      { kind: CandidateKind.UNSPECIFIED },
      "candidates[1].kind: required",
    ],
    [
      "an unknown targeting",
      { targeting: 9 as Targeting },
      "candidates[1].targeting: unknown value 9",
    ],
    [
      "a publication time before 1970",
      { publishedAt: { seconds: -1n } },
      "candidates[1].publishedAt: -1s 0ns is outside 1970-01-01..9999-12-31",
    ],
    [
      "a too-long source title",
      { sourceTitle: long(2001) },
      "candidates[1].sourceTitle: length 2001 exceeds 2000",
    ],
    [
      "a too-long label",
      { labels: ["gossip", "l".repeat(257)] },
      "candidates[1].labels[1]: length 257 exceeds 256",
    ],
    [
      "too many links",
      { links: Array.from({ length: 65 }, (_, i) => `https://a.cn/${i}`) },
      "candidates[1].links: 65 entries exceed 64",
    ],
    [
      "a too-long QR target",
      { qrTarget: `https://a.cn/${"q".repeat(4096)}` },
      "candidates[1].qrTarget: length 4109 exceeds 4096",
    ],
    [
      "a too-long source link",
      { source: { name: "新华社", url: `https://a.cn/${"u".repeat(4096)}` } },
      "candidates[1].source.url: length 4109 exceeds 4096",
    ],
    [
      "an infinite score",
      { score: Number.POSITIVE_INFINITY },
      "candidates[1].score: must be a finite number, got Infinity",
    ],
  ])("%s", (_, init, message) => {
    expect(refusal(init)).toBe(message);
  });

  it.each<[string, CandidateInit, string]>([
    [
      "the id before the kind",
      { id: "x".repeat(257), kind: CandidateKind.UNSPECIFIED },
      "candidates[1].id: length 257 exceeds 256",
    ],
    [
      "the review before the texts",
      { review: { status: 9 as ReviewStatus }, title: long(2001) },
      "candidates[1].review.status: unknown value 9",
    ],
    [
      "the title before the topics",
      { title: long(2001), topics: ["t".repeat(300)] },
      "candidates[1].title: length 2001 exceeds 2000",
    ],
    [
      "a field before a duplicate id",
      { id: "a", score: Number.NaN },
      "candidates[1].score: must be a finite number, got NaN",
    ],
  ])("reports %s", (_, init, message) => {
    expect(refusal(init)).toBe(message);
  });

  it("accepts a list of clean candidates", () => {
    expect(refusal({ topics: ["sports/football"], labels: [] })).toBe(
      "accepted",
    );
  });
});

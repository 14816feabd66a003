import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  CandidateKind,
  CandidateSchema,
  ReviewStatus,
  ScreenRequestSchema,
  type Candidate,
  type ScreenRequest,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";

type CandidateInit = MessageInitShape<typeof CandidateSchema>;
type RequestInit = MessageInitShape<typeof ScreenRequestSchema>;

/** An approved vertical item that every default rule lets through. */
export function candidate(id: string, init: CandidateInit = {}): Candidate {
  return create(CandidateSchema, {
    id,
    kind: CandidateKind.VERTICAL,
    title: `headline ${id}`,
    topics: ["sports"],
    review: { status: ReviewStatus.APPROVED, reviewer: "editor-7" },
    score: 1,
    ...init,
  } as CandidateInit);
}

/** A request from a named provider for user u-1 at a fixed time. */
export function screenRequest(init: RequestInit = {}): ScreenRequest {
  return create(ScreenRequestSchema, {
    requestId: "req-1",
    provider: {
      id: "p-1",
      displayName: "今日快讯",
      newsLicense: "10120170001",
    },
    user: { id: "u-1", timeZone: "Asia/Shanghai" },
    now: { seconds: BigInt(Date.parse("2026-12-01T10:00:00Z") / 1000) },
    ...init,
  } as RequestInit);
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as grpc from "@grpc/grpc-js";
import {
  CandidateKind,
  ReviewStatus,
  type Candidate,
  type ScreenResponse,
} from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { toItems } from "../../../src/pipeline/item.js";
import { runPipeline } from "../../../src/pipeline/pipeline.js";
import { compilePolicy } from "../../../src/policy/loader.js";
import { surfaceRules, type Policy } from "../../../src/policy/policy.js";
import type { RunningPushguard } from "../../../src/app.js";
import { screenRequest } from "../../helpers/requests.js";
import {
  call,
  pushguardClient,
  startTestServer,
} from "../../helpers/server.js";
import {
  decisionContext,
  policiesDir,
  pushed,
  toutiao,
  toutiaoTitle,
  type ContextInit,
} from "./context.js";

/*
 * Every content rule of the default policy can be switched off and set to
 * shadow. A child policy extends the default and, per surface, sets one
 * rule's mode; the same item is then dropped (base), only reported in
 * wouldDrop (shadow) or passed unseen (off).
 */

const BANK = "6534294079335825924";

/** A rule of the default policy and an item only it drops. */
const VIOLATIONS: [string, string, () => Candidate, ContextInit?][] = [
  [
    "content-review",
    "review.pending",
    () => toutiao(BANK, { review: { status: ReviewStatus.PENDING } }),
  ],
  [
    "public-complaints",
    "complaint.threshold",
    () => toutiao(BANK),
    { complaints: new Map([[BANK, 5]]) },
  ],
  ["blocked-labels", "label.gossip", () => toutiao("6553530455583359502")],
  [
    "stale-burst",
    "news.stale_burst",
    () => toutiao("6528544602654245384"),
    { deliveries: [pushed(["tech/马云"], 20)] },
  ],
  [
    "news-license",
    "license.service_missing",
    () => toutiao(BANK, { licensedService: "video" }),
  ],
  [
    "source-traceable",
    "source.untraceable",
    () => toutiao(BANK, { source: { name: "新华网" } }),
  ],
  [
    "cac-source",
    "source.not_listed",
    () => toutiao(BANK, { source: { name: "今日头条", itemId: "a1" } }),
  ],
  [
    "faithful-title",
    "title.sensational",
    () =>
      toutiao(BANK, {
        title: `震惊！${toutiaoTitle(BANK)}`,
        sourceTitle: toutiaoTitle(BANK),
      }),
  ],
  ["engagement-bait", "bait.streak", () => toutiao("6553162691882517006")],
  [
    "ad-marking",
    "ad.unlabelled",
    () =>
      toutiao(BANK, { kind: CandidateKind.AD, ad: { oneClickClose: true } }),
  ],
  [
    "link-check",
    "link.shortener",
    () => toutiao(BANK, { links: ["https://t.cn/A6abcd"] }),
  ],
];

const RULE_IDS = VIOLATIONS.map(([id]) => id);

/** A child of the default policy with a `<id>-shadow`, `<id>-off` surface. */
function modesPolicy(): Policy {
  const surfaces = RULE_IDS.flatMap((id) => [
    `  ${id}-shadow: { rules: { ${id}: { mode: shadow } } }`,
    `  ${id}-off: { rules: { ${id}: { mode: off } } }`,
  ]);
  const text = [
    "name: modes",
    `extends: ${path.join(policiesDir, "default.yaml")}`,
    "surfaces:",
    ...surfaces,
  ].join("\n");
  return compilePolicy(path.join(tmpdir(), "modes.yaml"), text);
}

function decideOn(
  policy: Policy,
  surface: string,
  item: Candidate,
  init?: ContextInit,
) {
  const items = toItems([item]);
  for (const one of items) policy.labels.derive(one);
  const { rules } = surfaceRules(policy, surface);
  const verdict = runPipeline(rules, items, decisionContext(init));
  const codes = (removals: typeof verdict.dropped) =>
    removals.map(({ reason }) => `${reason.ruleId} ${reason.code}`);
  return {
    admitted: verdict.admitted.length,
    dropped: codes(verdict.dropped),
    wouldDrop: codes(verdict.wouldDrop),
  };
}

describe("every content rule can be set to shadow or switched off", () => {
  const policy = modesPolicy();

  it.each(VIOLATIONS)("%s", (id, code, item, init) => {
    const removal = [`${id} ${code}`];
    expect(decideOn(policy, "", item(), init)).toEqual({
      admitted: 0,
      dropped: removal,
      wouldDrop: [],
    });
    expect(decideOn(policy, `${id}-shadow`, item(), init)).toEqual({
      admitted: 1,
      dropped: [],
      wouldDrop: removal,
    });
    expect(decideOn(policy, `${id}-off`, item(), init)).toEqual({
      admitted: 1,
      dropped: [],
      wouldDrop: [],
    });
  });
});

describe("a shadow content rule over gRPC", () => {
  let dir: string;
  let running: RunningPushguard;
  let client: grpc.Client;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pushguard-content-modes-"));
    const file = path.join(dir, "shadow-links.yaml");
    const text = [
      "name: shadow-links",
      `extends: ${path.join(policiesDir, "default.yaml")}`,
      "surfaces:",
      "  banner: { rules: { link-check: { mode: shadow } } }",
    ].join("\n");
    await writeFile(file, text);
    running = await startTestServer({ PUSHGUARD_POLICY: file });
    client = pushguardClient(running.grpcPort);
  });

  afterAll(async () => {
    client.close();
    await running.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("admits the item and reports the link in wouldDrop", async () => {
    const request = screenRequest({
      surface: "banner",
      candidates: [toutiao(BANK, { qrTarget: "https://t.cn/A6abcd" })],
    });
    const res = await call<ScreenResponse>(client, "screen", request);
    expect(res.admitted.map((a) => a.candidateId)).toEqual([BANK]);
    expect(res.wouldDrop[0]?.reasons).toEqual([
      expect.objectContaining({
        ruleId: "link-check",
        code: "qr.shortener",
        article: "Art. 5(9)",
        message: "qrTarget: link host t.cn is a url shortener (t.cn)",
      }),
    ]);
  });
});

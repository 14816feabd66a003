import { create } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPushguard } from "../../src/app.js";
import {
  GetPolicyRequestSchema,
  ReviewStatus,
  RuleMode,
  type GetPolicyResponse,
  type ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import { call, pushguardClient, startTestServer } from "../helpers/server.js";
import { defaultPolicyText, eventually } from "./policy-files.js";

let dir: string;
let file: string;
let running: RunningPushguard;
let client: grpc.Client;

/** The default policy with `blocked-labels` in shadow mode. */
async function ruleShadowPolicy() {
  const text = await defaultPolicyText();
  const entry = "  - id: blocked-labels\n    type: label-blocklist\n";
  return text.replace(entry, `${entry}    mode: shadow\n`);
}

/** The default policy with every rule switched to shadow at once. */
async function globalShadowPolicy() {
  const text = await defaultPolicyText();
  return text.replace(/^name: default\n/m, "name: default\nmode: shadow\n");
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pushguard-shadow-"));
  file = path.join(dir, "default.yaml");
  await writeFile(file, await ruleShadowPolicy());
  running = await startTestServer({
    PUSHGUARD_POLICY: file,
    PUSHGUARD_POLICY_WATCH: "true",
    PUSHGUARD_POLICY_RELOAD_DEBOUNCE_MS: "20",
  });
  client = pushguardClient(running.grpcPort);
});

afterAll(async () => {
  client.close();
  await running.stop();
  await rm(dir, { recursive: true, force: true });
});

async function metricsText() {
  return (await fetch(`http://127.0.0.1:${running.httpPort}/metrics`)).text();
}

describe("a rule in shadow mode", () => {
  it("admits the item, reports it in wouldDrop and counts it", async () => {
    const request = screenRequest({
      candidates: [candidate("g", { topics: ["entertainment"] })],
    });
    const res = await call<ScreenResponse>(client, "screen", request);
    expect(res.admitted.map((a) => a.candidateId)).toEqual(["g"]);
    expect(res.wouldDrop[0]?.reasons[0]).toMatchObject({
      ruleId: "blocked-labels",
      code: "label.gossip",
    });
    const text = await metricsText();
    expect(text).toContain(
      'pushguard_shadow_removals_total{rule="blocked-labels",code="label.gossip"} 1',
    );
    expect(text).not.toMatch(/pushguard_removals_total\{rule="blocked-labels"/);
  });
});

describe("the policy-wide shadow switch", () => {
  beforeAll(async () => {
    const before = running.policies.current().version;
    await writeFile(file, await globalShadowPolicy());
    await eventually(() => running.policies.current().version !== before);
  });

  it("turns every enforced rule into a shadow rule", async () => {
    const request = screenRequest({
      candidates: [
        candidate("unreviewed", {
          review: { status: ReviewStatus.PENDING, reviewer: "" },
        }),
      ],
    });
    const res = await call<ScreenResponse>(client, "screen", request);
    expect(res.admitted.map((a) => a.candidateId)).toEqual(["unreviewed"]);
    expect(res.dropped).toEqual([]);
    expect(res.wouldDrop[0]?.reasons[0]?.ruleId).toBe("content-review");
  });

  it("shows every rule as shadow in GetPolicy", async () => {
    const policy = await call<GetPolicyResponse>(
      client,
      "getPolicy",
      create(GetPolicyRequestSchema),
    );
    expect(new Set(policy.rules.map((rule) => rule.mode))).toEqual(
      new Set([RuleMode.SHADOW]),
    );
  });
});

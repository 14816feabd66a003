import type * as grpc from "@grpc/grpc-js";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPushguard } from "../../src/app.js";
import { create } from "@bufbuild/protobuf";
import {
  GetPolicyRequestSchema,
  type GetPolicyResponse,
  type ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import { call, pushguardClient, startTestServer } from "../helpers/server.js";
import { capturedLog } from "./capture-log.js";
import {
  BROKEN_POLICY,
  eventually,
  revisedPolicyText,
} from "./policy-files.js";

let dir: string;
let file: string;
let running: RunningPushguard;
let client: grpc.Client;
const captured = capturedLog("info");

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pushguard-inflight-"));
  file = path.join(dir, "default.yaml");
  await writeFile(file, await revisedPolicyText("good"));
  running = await startTestServer(
    {
      PUSHGUARD_POLICY: file,
      PUSHGUARD_POLICY_WATCH: "true",
      PUSHGUARD_POLICY_RELOAD_DEBOUNCE_MS: "20",
    },
    { log: captured.log },
  );
  client = pushguardClient(running.grpcPort);
});

afterAll(async () => {
  client.close();
  await running.stop();
  await rm(dir, { recursive: true, force: true });
});

async function failuresCounted(): Promise<number> {
  const { values } = await running.metrics.policyLoads.get();
  return values.find((v) => v.labels.outcome === "failure")?.value ?? 0;
}

/** Screens in a loop on `workers` connections' worth of calls until told. */
function keepCalling(workers: number) {
  let stopping = false;
  const versions: string[] = [];
  const errors: unknown[] = [];
  const request = screenRequest({ candidates: [candidate("a")] });
  const worker = async () => {
    while (!stopping) {
      await call<ScreenResponse>(client, "screen", request).then(
        (res) => versions.push(res.policyVersion),
        (error: unknown) => errors.push(error),
      );
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return {
    versions,
    errors,
    stop: () => {
      stopping = true;
      return done;
    },
  };
}

describe("a broken policy file while calls are in flight", () => {
  it("fails no call, keeps the old version and counts the failure", async () => {
    const good = running.policies.current().version;
    const traffic = keepCalling(4);
    await eventually(() => traffic.versions.length >= 20);
    await writeFile(file, BROKEN_POLICY);
    await eventually(async () => (await failuresCounted()) >= 1);
    const atFailure = traffic.versions.length;
    await eventually(() => traffic.versions.length >= atFailure + 20);
    await traffic.stop();

    expect(traffic.errors).toEqual([]);
    expect(new Set(traffic.versions)).toEqual(new Set([good]));
    const policy = await call<GetPolicyResponse>(
      client,
      "getPolicy",
      create(GetPolicyRequestSchema),
    );
    expect(policy.policyVersion).toBe(good);
  });

  it("shows the failure and the serving version on /metrics", async () => {
    const good = running.policies.current().version;
    const res = await fetch(`http://127.0.0.1:${running.httpPort}/metrics`);
    const text = await res.text();
    expect(text).toMatch(
      /pushguard_policy_loads_total\{outcome="failure"\} [1-9]/,
    );
    expect(text).toContain("pushguard_policy_last_load_successful 0");
    expect(text).toContain(
      `pushguard_policy_info{name="default",version="${good}"} 1`,
    );
  });

  it("logs the broken file once", () => {
    const failures = captured.lines.filter((line) =>
      String(line.msg).startsWith("policy reload failed"),
    );
    expect(failures).toHaveLength(1);
  });
});

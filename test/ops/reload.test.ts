import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Metrics } from "../../src/metrics/metrics.js";
import { loadPolicy } from "../../src/policy/loader.js";
import type { Policy } from "../../src/policy/policy.js";
import { PolicyReloader } from "../../src/policy/reload.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { capturedLog } from "./capture-log.js";
import {
  BROKEN_POLICY,
  configMapFolder,
  eventually,
  revisedPolicyText,
  swapConfigMap,
} from "./policy-files.js";

let dir: string;
let reloader: PolicyReloader | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pushguard-reload-"));
});

afterEach(async () => {
  reloader?.close();
  await rm(dir, { recursive: true, force: true });
});

async function watched(policyPath: string, debounceMs = 30) {
  const policies = new PolicyHolder(await loadPolicy(policyPath));
  const metrics = new Metrics({ processMetrics: false });
  const captured = capturedLog();
  let loads = 0;
  const load = (file: string): Promise<Policy> => {
    loads++;
    return loadPolicy(file);
  };
  reloader = new PolicyReloader(
    { policies, metrics, log: captured.log, load },
    { policyPath, debounceMs },
  ).start();
  const failures = async () =>
    (await metrics.policyLoads.get()).values.find(
      (v) => v.labels.outcome === "failure",
    )?.value ?? 0;
  return { policies, metrics, captured, failures, loads: () => loads };
}

describe("policy hot reload", () => {
  it("reloads a variant when the parent it extends changes", async () => {
    const parentDir = path.join(dir, "base");
    const variantDir = path.join(dir, "variants");
    await mkdir(parentDir);
    await mkdir(variantDir);
    const parent = path.join(parentDir, "default.yaml");
    await writeFile(parent, await revisedPolicyText("1"));
    const variant = path.join(variantDir, "quiet.yaml");
    await writeFile(variant, "name: quiet\nextends: ../base/default.yaml\n");
    const { policies } = await watched(variant);
    const before = policies.current().version;
    await writeFile(parent, await revisedPolicyText("2"));
    await eventually(() => policies.current().version !== before);
    expect(policies.current().version).toMatch(/^quiet@[0-9a-f]{12}$/);
  });

  it("follows a Kubernetes ConfigMap's ..data symlink swap", async () => {
    const file = await configMapFolder(dir, await revisedPolicyText("1"));
    const { policies, metrics } = await watched(file);
    const before = policies.current().version;
    await swapConfigMap(dir, "..v2", await revisedPolicyText("2"));
    await eventually(() => policies.current().version !== before);
    expect(policies.current().version).toMatch(/^default@[0-9a-f]{12}$/);
    expect(await metrics.registry.metrics()).toContain(
      `pushguard_policy_info{name="default",version="${policies.current().version}"} 1`,
    );
  });

  it("keeps the last good policy on a broken file and logs it once", async () => {
    const file = path.join(dir, "default.yaml");
    await writeFile(file, await revisedPolicyText("1"));
    const { policies, captured, failures } = await watched(file);
    const good = policies.current().version;
    await writeFile(file, BROKEN_POLICY);
    await eventually(async () => (await failures()) === 1);
    await writeFile(file, BROKEN_POLICY);
    await eventually(async () => (await failures()) === 2);
    const warnings = captured.lines.filter((l) => l.level === 40);
    expect(policies.current().version).toBe(good);
    expect(warnings.map((w) => [w.msg, w.active])).toEqual([
      ["policy reload failed; the last good policy keeps serving", good],
    ]);
    expect(String(warnings[0]?.problem)).toContain(`${file}:3:1: `);
  });

  it("serves the fixed file once the broken one is repaired", async () => {
    const file = path.join(dir, "default.yaml");
    await writeFile(file, await revisedPolicyText("1"));
    const { policies, metrics, failures } = await watched(file);
    const first = policies.current().version;
    await writeFile(file, BROKEN_POLICY);
    await eventually(async () => (await failures()) === 1);
    await writeFile(file, await revisedPolicyText("2"));
    await eventually(() => policies.current().version !== first);
    expect(await metrics.registry.metrics()).toContain(
      "pushguard_policy_last_load_successful 1",
    );
  });

  it("loads once for a burst of changes", async () => {
    const file = path.join(dir, "default.yaml");
    await writeFile(file, await revisedPolicyText("0"));
    const { policies, loads } = await watched(file, 300);
    const texts = await Promise.all(
      ["1", "2", "3", "4"].map(revisedPolicyText),
    );
    for (const text of texts) await writeFile(file, text);
    const last = (await loadPolicy(file)).version;
    await eventually(() => policies.current().version === last);
    expect(loads()).toBe(1);
  });
});

import { fromJsonString } from "@bufbuild/protobuf";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decisionJson, decisionLine } from "../../src/decision-log/entry.js";
import { userHasher } from "../../src/decision-log/user-hash.js";
import {
  AgeBand,
  ScreenRequestSchema,
  type ScreenRequest,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { loadPolicy } from "../../src/policy/loader.js";
import type { Policy } from "../../src/policy/policy.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { screen, type Decision } from "../../src/service/screen.js";
import { MemoryStore } from "../../src/store/memory.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import { fixture } from "../importers/data.js";
import { decide } from "./decisions.js";
import { defaultPolicyText } from "./policy-files.js";

/*
 * The decision log writes `decisionJson`, a hand-built serialisation; the
 * structure lives in `decisionLine`. They must give the same text: real
 * Toutiao lists for adults and minors, with enforced and shadow removals,
 * committed and not.
 */

const hashUser = userHasher(Buffer.from("decision-json-test-key-0123456"));
let dir: string;
let policies: Policy[];
let requests: ScreenRequest[];

/** The default policy, and one with two content rules in shadow mode. */
async function testPolicies(): Promise<Policy[]> {
  const text = await defaultPolicyText();
  const shadowed = ["blocked-labels", "minor-protection"].reduce(
    (policy, id) => policy.replace(`  - id: ${id}\n`, `$&    mode: shadow\n`),
    text,
  );
  const file = path.join(dir, "shadow.yaml");
  await writeFile(file, shadowed);
  const base = path.join(dir, "default.yaml");
  await writeFile(base, text);
  return [await loadPolicy(base), await loadPolicy(file)];
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pushguard-decision-json-"));
  policies = await testPolicies();
  const lines = await readFile(fixture("toutiao-50.jsonl"), "utf8");
  requests = lines
    .trim()
    .split("\n")
    .slice(0, 20)
    .map((line) => fromJsonString(ScreenRequestSchema, line));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function policyAt(index: number): Policy {
  const policy = policies[index];
  if (policy === undefined) throw new Error(`no test policy ${index}`);
  return policy;
}

async function decisionsOf(policy: Policy, ageBand: AgeBand) {
  const decisions: Decision[] = [];
  const deps = {
    policies: new PolicyHolder(policy),
    store: new MemoryStore(),
    onDecision: (decision: Decision) => decisions.push(decision),
  };
  for (const request of requests) {
    const user = request.user && { ...request.user, ageBand };
    await screen(deps, { ...request, user });
  }
  return decisions;
}

describe("the decision log's JSON", () => {
  it.each([
    ["adults, default policy", 0, AgeBand.ADULT],
    ["minors, default policy", 0, AgeBand.MINOR],
    ["adults, shadow rules", 1, AgeBand.ADULT],
    ["minors, shadow rules", 1, AgeBand.MINOR],
  ])("is decisionLine stringified: %s", async (_, policy, ageBand) => {
    const decisions = await decisionsOf(policyAt(policy), ageBand);
    const texts = decisions.map((d) => decisionJson(d, hashUser));
    const expected = decisions.map((d) =>
      JSON.stringify(decisionLine(d, hashUser)),
    );
    expect(texts).toEqual(expected);
  });

  it("escapes ids as JSON.stringify does", async () => {
    const ids = ['say "hi"', "back\\slash", "tab\there", "头条😀", "\ud800x"];
    const candidates = ids.map((id) => candidate(id));
    const decision = await decide(screenRequest({ candidates }));
    expect(decisionJson(decision, hashUser)).toBe(
      JSON.stringify(decisionLine(decision, hashUser)),
    );
    expect(decisionJson(decision, hashUser)).toContain(
      String.raw`"id":"say \"hi\"","outcome"`,
    );
  });

  it("covers admitted, dropped and shadow outcomes", async () => {
    const decisions = await decisionsOf(policyAt(1), AgeBand.ADULT);
    const text = decisions.map((d) => decisionJson(d, hashUser)).join("\n");
    expect(text).toContain(`"outcome":"admitted","rank":1`);
    expect(text).toContain(`"reasons":[{"ruleId":"diversity-rerank"`);
    expect(text).toContain(`"wouldDrop":[{"ruleId":"blocked-labels"`);
    expect(text).toContain(`"committed":true`);
  });
});

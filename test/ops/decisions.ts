import path from "node:path";
import type { ScreenRequest } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { loadPolicy } from "../../src/policy/loader.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { screen, type Decision } from "../../src/service/screen.js";
import { MemoryStore } from "../../src/store/memory.js";
import { repoRoot } from "../helpers/server.js";

/** Runs one real Screen on the default policy and returns its decision. */
export async function decide(request: ScreenRequest): Promise<Decision> {
  const policy = await loadPolicy(path.join(repoRoot, "policies/default.yaml"));
  let decision: Decision | undefined;
  await screen(
    {
      policies: new PolicyHolder(policy),
      store: new MemoryStore(),
      onDecision: (d) => {
        decision = d;
      },
    },
    request,
  );
  if (decision === undefined) throw new Error("no decision made");
  return decision;
}

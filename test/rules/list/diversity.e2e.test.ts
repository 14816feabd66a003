import { readFileSync } from "node:fs";
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPushguard } from "../../../src/app.js";
import type {
  Candidate,
  ScreenResponse,
} from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { MemoryStore } from "../../../src/store/memory.js";
import type { UserState } from "../../../src/store/store.js";
import {
  parseToutiaoLine,
  toutiaoKind,
  toutiaoTopics,
} from "../../../src/importers/toutiao.js";
import { candidate, screenRequest } from "../../helpers/requests.js";
import {
  call,
  pushguardClient,
  sharedData,
  startTestServer,
} from "../../helpers/server.js";
import { ms } from "../user/context.js";

/**
 * diversity-rerank in policies/default.yaml, through gRPC, on real Toutiao
 * headlines of May 2018, when the tenth anniversary of the Wenchuan
 * earthquake filled the feeds: the policy's disaster word list labels them,
 * and Art. 5(4) caps them at one per list and two per user a day.
 */

/** Lines of titles.txt: six Wenchuan headlines, then two of other news. */
const WENCHUAN = [325, 412, 588, 830, 3190, 5327];
const OTHERS = [1, 2];

const titles = readFileSync(
  path.join(sharedData, "toutiao/titles.txt"),
  "utf8",
).split("\n");

/** A real headline as the ranker sends it, scored by its place. */
function headline(line: number, rank: number): Candidate {
  const parsed = parseToutiaoLine(titles[line - 1] ?? "", line);
  return candidate(parsed.id, {
    kind: toutiaoKind(parsed.category),
    title: parsed.title,
    sourceTitle: parsed.title,
    topics: toutiaoTopics(parsed, true),
    source: { name: "新华网", itemId: parsed.id },
    score: 1 - rank / 10,
  });
}

const wenchuan = WENCHUAN.map((line, rank) => headline(line, rank));
const others = OTHERS.map((line, rank) => headline(line, rank + 6));
const wenchuanIds = new Set(wenchuan.map((c) => c.id));
/** The Wenchuan headline the ranker scores highest. */
const quake = wenchuan[0] as Candidate;

/**
 * The embedded store, able to hold reads until several Screens have read:
 * then every one of them decides on the same stale state, and only the
 * commit's atomic re-check stands between them and a broken cap.
 */
class RacingStore extends MemoryStore {
  #held: (() => void)[] = [];
  #holdUntil = 0;

  /** Holds the next `reads` reads until the last of them arrives. */
  holdReads(reads: number) {
    this.#holdUntil = reads;
  }

  override async readUser(userId: string, nowMs: number): Promise<UserState> {
    const state = await super.readUser(userId, nowMs);
    if (this.#holdUntil === 0) return state;
    await new Promise<void>((resolve) => {
      this.#held.push(resolve);
      if (this.#held.length < this.#holdUntil) return;
      this.#holdUntil = 0;
      for (const release of this.#held.splice(0)) release();
    });
    return state;
  }
}

const store = new RacingStore();
let running: RunningPushguard;
let client: grpc.Client;

beforeAll(async () => {
  running = await startTestServer({}, { store });
  client = pushguardClient(running.grpcPort);
});

afterAll(async () => {
  client.close();
  await running.stop();
});

function screen(user: string, at: string, candidates: Candidate[]) {
  const request = screenRequest({
    user: { id: user, timeZone: "Asia/Shanghai" },
    now: { seconds: BigInt(ms(at) / 1000) },
    commit: true,
    candidates,
  });
  return call<ScreenResponse>(client, "screen", request);
}

const admittedIds = (res: ScreenResponse) =>
  res.admitted.map((a) => a.candidateId);

describe("real Toutiao disaster headlines under the default policy", () => {
  it("pushes one Wenchuan headline per list, citing Art. 5(4)", async () => {
    const res = await screen("u-quake-1", "2026-12-01T02:00:00Z", [
      ...wenchuan,
      ...others,
    ]);
    const pushed = admittedIds(res).filter((id) => wenchuanIds.has(id));
    expect(pushed).toEqual([quake.id]);
    const capped = res.dropped.filter((d) => wenchuanIds.has(d.candidateId));
    expect(capped).toHaveLength(5);
    for (const dropped of capped) {
      expect(dropped.reasons).toEqual([
        expect.objectContaining({
          ruleId: "diversity-rerank",
          code: "cap.disaster_list",
          article: "Art. 5(4)",
          message: "disaster cap 1 per list reached",
        }),
      ]);
    }
  });

  it("holds a user to two disasters a day across lists", async () => {
    const responses: ScreenResponse[] = [];
    for (const time of ["02:00", "03:30", "05:00"]) {
      const at = `2026-12-01T${time}:00Z`;
      responses.push(await screen("u-quake-2", at, [...wenchuan, ...others]));
    }
    const disasters = responses.map(
      (res) => admittedIds(res).filter((id) => wenchuanIds.has(id)).length,
    );
    expect(disasters).toEqual([1, 1, 0]);
    // Those pushed in the first two lists are repeats (Art. 5(7)).
    const capped = responses[2]?.dropped.filter((d) =>
      d.reasons.some((r) => r.ruleId === "diversity-rerank"),
    );
    expect(capped?.map((d) => d.candidateId)).toEqual(
      wenchuan.slice(2).map((c) => c.id),
    );
    expect(capped?.[0]?.reasons[0]).toMatchObject({
      code: "cap.disaster_window",
      article: "Art. 5(4)",
      message: "disaster cap 2 per 24h reached (2 pushed)",
    });
  });

  it("records one disaster when concurrent lists race for the last", async () => {
    await screen("u-quake-3", "2026-12-01T01:00:00Z", [quake]);
    store.holdReads(4);
    const racing = await Promise.all(
      wenchuan
        .slice(1, 5)
        .map((item) => screen("u-quake-3", "2026-12-01T02:00:00Z", [item])),
    );
    // All four read one disaster left; the hour cap would let two through.
    expect(racing.flatMap(admittedIds)).toHaveLength(1);
    const lost = racing.flatMap((res) => res.dropped);
    expect(lost.map((d) => d.reasons[0]?.code)).toEqual([
      "cap.concurrent_commit",
      "cap.concurrent_commit",
      "cap.concurrent_commit",
    ]);
  });

  it("measures each admitted list in /metrics", async () => {
    const url = `http://127.0.0.1:${running.httpPort}/metrics`;
    const text = await (await fetch(url)).text();
    expect(text).toMatch(
      /^pushguard_admitted_list_class_share_ratio_count\{class="disaster"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^pushguard_admitted_list_diversity_ratio_count [1-9]/m,
    );
    expect(text).toMatch(
      /^pushguard_admitted_list_topic_coverage_ratio_count [1-9]/m,
    );
  });
});

/**
 * The bytes every benchmark sends: real Toutiao headlines, encoded once.
 *
 * A ScreenRequest is sent as three concatenated protobuf parts, which a
 * decoder reads as one message (fields may come in any order):
 * - the list: provider, slots and `size` consecutive headlines
 *   from `toutiao/titles.txt` (ids, titles, categories, keywords), built by
 *   the Toutiao importer and encoded once;
 * - the user: one of `users` synthetic users with the importer's shares
 *   (10% minors, 20% members, 2% opted out), encoded once;
 * - per call: `requestId`, `now` and `commit` (true unless asked not to:
 *   a false bool is not encoded, so it cannot sit in the shared part).
 * Call k sends list k mod L to user (k * stride) mod U, so consecutive calls
 * go to different users and the caps of one user fill slowly.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ScreenRequestSchema } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { syntheticUsers } from "../../src/importers/population.js";
import { seededRandom } from "../../src/importers/random.js";
import {
  importToutiao,
  TOUTIAO_DEFAULTS,
} from "../../src/importers/toutiao.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root; shared data sits beside it in `../shared`. */
export const repoRoot = path.resolve(here, "../..");
const sharedData = path.resolve(repoRoot, "../shared/data");

/** Decision time of the first call: 09:00 in Shanghai, after every headline. */
export const CLOCK_ANCHOR_MS = Date.parse("2018-05-15T01:00:00Z");

/** Encoded lists and users of one candidate count. */
export interface Workload {
  readonly size: number;
  readonly lists: readonly Uint8Array[];
  readonly users: readonly Uint8Array[];
}

/** Encodes every full list of `size` headlines and `users` users. */
export async function buildWorkload(
  size: number,
  users: number,
): Promise<Workload> {
  const files = {
    titlesPath: path.join(sharedData, "toutiao/titles.txt"),
    sourcesPath: path.join(sharedData, "cac/news-sources.tsv"),
  };
  const lists: Uint8Array[] = [];
  const requests = importToutiao(files, {
    candidatesPerRequest: size,
    commit: false,
  });
  for await (const request of requests) {
    if (request.candidates.length < size) continue;
    request.user = undefined;
    request.now = undefined;
    request.requestId = "";
    lists.push(toBinary(ScreenRequestSchema, request));
  }
  return { size, lists, users: encodedUsers(users) };
}

function encodedUsers(count: number): Uint8Array[] {
  const population = { ...TOUTIAO_DEFAULTS.population, users: count };
  const people = syntheticUsers(population, seededRandom(7));
  return people.map((user) =>
    toBinary(ScreenRequestSchema, create(ScreenRequestSchema, { user })),
  );
}

/** The bytes of call `k` at decision time `nowMs`. */
export function requestBytes(
  workload: Workload,
  k: number,
  nowMs: number,
  commit = true,
): Buffer {
  const list = workload.lists[k % workload.lists.length];
  const user = workload.users[userIndex(k, workload.users.length)];
  const perCall = toBinary(
    ScreenRequestSchema,
    create(ScreenRequestSchema, {
      requestId: `bench-${k}`,
      now: timestampFromMs(nowMs),
      commit,
    }),
  );
  if (list === undefined || user === undefined) {
    throw new Error(`workload of size ${workload.size} is empty`);
  }
  return Buffer.concat([list, user, perCall]);
}

const strides = new Map<number, number>();

/** A stride coprime with the user count visits every user once per round. */
function userIndex(k: number, users: number): number {
  let stride = strides.get(users);
  if (stride === undefined) {
    stride = 7919;
    while (gcd(stride, users) !== 1) stride += 2;
    strides.set(users, stride);
  }
  return (k * stride) % users;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Writes a workload for a load generator process to read. */
export function writeWorkload(file: string, workload: Workload): void {
  const encode = (parts: readonly Uint8Array[]) =>
    parts.map((part) => Buffer.from(part).toString("base64"));
  const json = {
    size: workload.size,
    lists: encode(workload.lists),
    users: encode(workload.users),
  };
  writeFileSync(file, JSON.stringify(json));
}

/** Reads what {@link writeWorkload} wrote. */
export function readWorkload(file: string): Workload {
  const json = JSON.parse(readFileSync(file, "utf8")) as {
    size: number;
    lists: string[];
    users: string[];
  };
  const decode = (parts: string[]) =>
    parts.map((part) => new Uint8Array(Buffer.from(part, "base64")));
  return {
    size: json.size,
    lists: decode(json.lists),
    users: decode(json.users),
  };
}

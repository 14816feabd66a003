import { readFile } from "node:fs/promises";
import { fromJson } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ScreenRequestSchema } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { toJsonLine } from "../../src/importers/jsonl.js";
import { fixtureRequests, FIXTURES } from "../fixtures/fixture-sources.js";
import { collect, fixture } from "./data.js";

describe.each(Object.keys(FIXTURES) as (keyof typeof FIXTURES)[])(
  "the %s fixture",
  (name) => {
    it("matches what its importer makes from the shared data", async () => {
      const expected = (await collect(fixtureRequests(name)))
        .map((r) => `${toJsonLine(r)}\n`)
        .join("");
      const actual = await readFile(fixture(FIXTURES[name]), "utf8");
      expect(actual === expected, "run test/fixtures/make-fixtures.ts").toBe(
        true,
      );
    });

    it("holds 50 requests that parse as ScreenRequests", async () => {
      const text = await readFile(fixture(FIXTURES[name]), "utf8");
      const lines = text.trimEnd().split("\n");
      const requests = lines.map((l) =>
        fromJson(ScreenRequestSchema, JSON.parse(l)),
      );
      expect(requests.length).toBe(50);
    });
  },
);

import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPushguard } from "../../src/app.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import {
  call,
  pushguardClient,
  repoRoot,
  startTestServer,
} from "../helpers/server.js";

const ALERTS = path.join(repoRoot, "ops/prometheus/pushguard-alerts.yml");
const ALERT_TESTS = path.join(
  repoRoot,
  "ops/prometheus/pushguard-alerts.test.yml",
);
const DASHBOARD = path.join(repoRoot, "ops/grafana/pushguard-dashboard.json");

/**
 * promtool comes with Debian's `prometheus` package, which .ci/run installs.
 * CI must run these checks; a developer machine without it skips them.
 */
const hasPromtool = spawnSync("promtool", ["--version"]).status === 0;
const promtoolTest = it.skipIf(!hasPromtool && !process.env.CI);

function promtool(args: string[], input?: string) {
  const run = spawnSync("promtool", args, { input, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

let running: RunningPushguard;
let exposition: string;

beforeAll(async () => {
  running = await startTestServer();
  const client = pushguardClient(running.grpcPort);
  const gossip = candidate("g", { topics: ["entertainment"] });
  const request = screenRequest({ candidates: [candidate("a"), gossip] });
  await call(client, "screen", request);
  client.close();
  const url = `http://127.0.0.1:${running.httpPort}/metrics`;
  exposition = await (await fetch(url)).text();
});

afterAll(() => running.stop());

/** Metric families the live /metrics exposes, from its TYPE lines. */
function exposedFamilies(): Set<string> {
  const families = exposition.matchAll(/^# TYPE (\S+) /gm);
  return new Set([...families].map((match) => match[1] ?? ""));
}

/** Metric names in a PromQL expression, histogram suffixes removed. */
function metricNames(expr: string): string[] {
  const names = expr.match(/\b(pushguard|process|nodejs)_[a-z0-9_]+/g) ?? [];
  return names.map((name) => name.replace(/_(bucket|count|sum)$/, ""));
}

async function dashboardQueries(): Promise<string[]> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8")) as {
    panels: { targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

async function alertQueries(): Promise<string[]> {
  const file = parse(await readFile(ALERTS, "utf8")) as {
    groups: { rules: { expr: string }[] }[];
  };
  return file.groups.flatMap((g) => g.rules.map((r) => r.expr));
}

describe("the metrics Prometheus scrapes", () => {
  promtoolTest("pass promtool check metrics on the live /metrics", () => {
    const result = promtool(["check", "metrics"], exposition);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("include every metric the dashboard and the alerts query", async () => {
    const queries = [...(await dashboardQueries()), ...(await alertQueries())];
    const used = new Set(queries.flatMap(metricNames));
    const exposed = exposedFamilies();
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
    expect(used.size).toBeGreaterThan(15);
  });
});

describe("the alert rules", () => {
  promtoolTest("pass promtool check rules", () => {
    const result = promtool(["check", "rules", ALERTS]);
    expect(result.output).toContain("SUCCESS: 5 rules found");
    expect(result.status).toBe(0);
  });

  promtoolTest("pass their promtool unit tests", () => {
    const result = promtool(["test", "rules", ALERT_TESTS]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });
});

describe("the Grafana dashboard", () => {
  promtoolTest("has queries that PromQL parses", async () => {
    const rules = (await dashboardQueries()).map((expr, index) => ({
      record: `dashboard:query_${index}`,
      expr: expr
        .replaceAll("$__rate_interval", "5m")
        .replaceAll("$__range", "1h")
        .replaceAll(/\$(job|instance)/g, ".*"),
    }));
    const dir = await mkdtemp(path.join(tmpdir(), "pushguard-dash-"));
    const file = path.join(dir, "dashboard-rules.json");
    await writeFile(file, JSON.stringify({ groups: [{ name: "d", rules }] }));
    const result = promtool(["check", "rules", file]);
    await rm(dir, { recursive: true });
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});

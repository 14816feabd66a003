import { describe, expect, it } from "vitest";
import { readSettings, splitAddress } from "../../src/settings/settings.js";

describe("settings defaults", () => {
  it("serves on 50051 and 9464 with the default policy and memory store", () => {
    const settings = readSettings({});
    expect(settings.grpcAddr).toBe("0.0.0.0:50051");
    expect(settings.httpAddr).toBe("0.0.0.0:9464");
    expect(settings.policyPath).toBe("policies/default.yaml");
    expect(settings.redisUrl).toBeUndefined();
  });

  it("uses a 50 ms Redis timeout, info logs and a 10 s drain", () => {
    const settings = readSettings({});
    expect(settings.redisCommandTimeoutMs).toBe(50);
    expect(settings.logLevel).toBe("info");
    expect(settings.shutdownGraceMs).toBe(10_000);
  });

  it("re-reads the items suppressed by complaints every 2 s", () => {
    expect(readSettings({}).complaintRefreshMs).toBe(2_000);
  });
});

describe("settings from the environment", () => {
  const cases: [
    string,
    string,
    keyof ReturnType<typeof readSettings>,
    unknown,
  ][] = [
    ["PUSHGUARD_GRPC_ADDR", "127.0.0.1:6000", "grpcAddr", "127.0.0.1:6000"],
    ["PUSHGUARD_HTTP_ADDR", "[::1]:9000", "httpAddr", "[::1]:9000"],
    ["PUSHGUARD_POLICY", "/etc/pg/p.yaml", "policyPath", "/etc/pg/p.yaml"],
    ["PUSHGUARD_REDIS_URL", "redis://r:6379", "redisUrl", "redis://r:6379"],
    [
      "PUSHGUARD_REDIS_CLUSTER_NODES",
      "a:7000, b:7001",
      "redisClusterNodes",
      ["a:7000", "b:7001"],
    ],
    ["PUSHGUARD_REDIS_TIMEOUT_MS", "25", "redisCommandTimeoutMs", 25],
    ["PUSHGUARD_COMPLAINT_REFRESH_MS", "500", "complaintRefreshMs", 500],
    ["PUSHGUARD_LOG_LEVEL", "debug", "logLevel", "debug"],
    ["PUSHGUARD_SHUTDOWN_GRACE_MS", "0", "shutdownGraceMs", 0],
  ];

  it.each(cases)("%s=%s sets %s", (name, value, key, expected) => {
    expect(readSettings({ [name]: value })[key]).toEqual(expected);
  });

  it("treats an empty variable as unset", () => {
    expect(readSettings({ PUSHGUARD_REDIS_URL: " " }).redisUrl).toBeUndefined();
  });
});

describe("bad settings stop the start with the variable named", () => {
  const cases: [string, string, string][] = [
    [
      "PUSHGUARD_GRPC_ADDR",
      "50051",
      "PUSHGUARD_GRPC_ADDR 50051 must be host:port",
    ],
    [
      "PUSHGUARD_HTTP_ADDR",
      "host:99999",
      "PUSHGUARD_HTTP_ADDR host:99999 must be host:port",
    ],
    [
      "PUSHGUARD_REDIS_TIMEOUT_MS",
      "0",
      "PUSHGUARD_REDIS_TIMEOUT_MS 0 must be an integer >= 1",
    ],
    [
      "PUSHGUARD_COMPLAINT_REFRESH_MS",
      "50",
      "PUSHGUARD_COMPLAINT_REFRESH_MS 50 must be an integer >= 100",
    ],
    [
      "PUSHGUARD_LOG_LEVEL",
      "loud",
      "PUSHGUARD_LOG_LEVEL loud must be one of fatal, error, warn, info, debug, trace",
    ],
  ];

  it.each(cases)("%s=%s", (name, value, message) => {
    expect(() => readSettings({ [name]: value })).toThrow(message);
  });
});

describe("splitAddress", () => {
  it("splits IPv4 and bracketed IPv6", () => {
    expect(splitAddress("0.0.0.0:50051")).toEqual({
      host: "0.0.0.0",
      port: 50051,
    });
    expect(splitAddress("[::1]:9464")).toEqual({ host: "::1", port: 9464 });
  });
});

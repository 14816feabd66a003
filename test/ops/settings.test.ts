import { describe, expect, it } from "vitest";
import { readSettings } from "../../src/settings/settings.js";

describe("operations settings", () => {
  it("default to stdout decision log, watched policy, no TLS", () => {
    const settings = readSettings({});
    expect(settings).toMatchObject({
      decisionLog: "stdout",
      decisionLogKey: undefined,
      decisionLogBufferBytes: 8 * 1024 * 1024,
      policyWatch: true,
      policyReloadDebounceMs: 200,
      tlsCertPath: undefined,
      tlsKeyPath: undefined,
      tlsClientCaPath: undefined,
    });
  });

  it("read every variable", () => {
    const settings = readSettings({
      PUSHGUARD_DECISION_LOG: "/var/log/pushguard/decisions.jsonl",
      PUSHGUARD_DECISION_LOG_KEY: "k".repeat(32),
      PUSHGUARD_DECISION_LOG_BUFFER_BYTES: "65536",
      PUSHGUARD_POLICY_WATCH: "false",
      PUSHGUARD_POLICY_RELOAD_DEBOUNCE_MS: "50",
      PUSHGUARD_TLS_CERT: "server.crt",
      PUSHGUARD_TLS_KEY: "server.key",
      PUSHGUARD_TLS_CLIENT_CA: "ca.crt",
    });
    expect(settings).toMatchObject({
      decisionLog: "/var/log/pushguard/decisions.jsonl",
      decisionLogKey: "k".repeat(32),
      decisionLogBufferBytes: 65536,
      policyWatch: false,
      policyReloadDebounceMs: 50,
      tlsCertPath: "server.crt",
      tlsKeyPath: "server.key",
      tlsClientCaPath: "ca.crt",
    });
  });

  const rejected: [string, Record<string, string>, string][] = [
    [
      "a short decision log key, without showing it",
      { PUSHGUARD_DECISION_LOG_KEY: "secret" },
      "PUSHGUARD_DECISION_LOG_KEY has 6 characters, must have >= 16",
    ],
    [
      "a certificate without its key",
      { PUSHGUARD_TLS_CERT: "server.crt" },
      "PUSHGUARD_TLS_CERT and PUSHGUARD_TLS_KEY must be set together",
    ],
    [
      "a client CA without a server certificate",
      { PUSHGUARD_TLS_CLIENT_CA: "ca.crt" },
      "PUSHGUARD_TLS_CLIENT_CA needs PUSHGUARD_TLS_CERT and PUSHGUARD_TLS_KEY",
    ],
    [
      "a watch switch that is not a boolean",
      { PUSHGUARD_POLICY_WATCH: "yes" },
      "PUSHGUARD_POLICY_WATCH yes must be true or false",
    ],
    [
      "a decision log buffer under 4 KiB",
      { PUSHGUARD_DECISION_LOG_BUFFER_BYTES: "100" },
      "PUSHGUARD_DECISION_LOG_BUFFER_BYTES 100 must be an integer >= 4096",
    ],
  ];
  it.each(rejected)("reject %s", (_, env, message) => {
    expect(() => readSettings(env)).toThrow(message);
  });
});

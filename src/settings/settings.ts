/**
 * Every environment variable pushguard reads, read here and nowhere else.
 * Each setting has a default so that `npm start` works on a fresh machine,
 * and a bad value stops the process at start with a message naming it.
 */
export interface Settings {
  /** gRPC listen address. Defaults to `0.0.0.0:50051`. */
  readonly grpcAddr: string;
  /** Address of /metrics, /healthz and /readyz. Defaults to `0.0.0.0:9464`. */
  readonly httpAddr: string;
  /** Policy file to serve. Defaults to `policies/default.yaml`. */
  readonly policyPath: string;
  /** Redis URL; unset means the embedded in-memory store. */
  readonly redisUrl: string | undefined;
  /** Redis Cluster seed nodes (`host:port`); set means Cluster mode. */
  readonly redisClusterNodes: readonly string[];
  /** Redis command timeout. Defaults to 50 ms. */
  readonly redisCommandTimeoutMs: number;
  /**
   * Time between two reads of the suppressed items (Art. 6) by each
   * replica: how long another replica's complaint may take to suppress an
   * item here. Defaults to 2 s; at least 100 ms.
   */
  readonly complaintRefreshMs: number;
  /** pino log level. Defaults to `info`. */
  readonly logLevel: string;
  /** Time allowed for calls in flight at shutdown. Defaults to 10 s. */
  readonly shutdownGraceMs: number;
  /** Reload the policy when its folder changes. Defaults to true. */
  readonly policyWatch: boolean;
  /** Quiet time after the last change before a reload. Defaults to 200 ms. */
  readonly policyReloadDebounceMs: number;
  /** Decision log: `stdout`, `off` or a file path. Defaults to `stdout`. */
  readonly decisionLog: string;
  /** HMAC key for user hashes; unset means a random key per process. */
  readonly decisionLogKey: string | undefined;
  /** Decision log bytes waiting for the destination. Defaults to 8 MiB. */
  readonly decisionLogBufferBytes: number;
  /** PEM server certificate chain; set with the key to serve TLS. */
  readonly tlsCertPath: string | undefined;
  /** PEM private key of the server certificate. */
  readonly tlsKeyPath: string | undefined;
  /** PEM CA bundle; set to require client certificates (mutual TLS). */
  readonly tlsClientCaPath: string | undefined;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"];

/** A setting that cannot be used; the message names the variable. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the settings from an environment (process.env by default). */
export function readSettings(env: Env = process.env): Settings {
  return {
    grpcAddr: address(env, "PUSHGUARD_GRPC_ADDR", "0.0.0.0:50051"),
    httpAddr: address(env, "PUSHGUARD_HTTP_ADDR", "0.0.0.0:9464"),
    policyPath: text(env, "PUSHGUARD_POLICY", "policies/default.yaml"),
    redisUrl: optional(env, "PUSHGUARD_REDIS_URL"),
    redisClusterNodes: list(env, "PUSHGUARD_REDIS_CLUSTER_NODES"),
    redisCommandTimeoutMs: integer(env, "PUSHGUARD_REDIS_TIMEOUT_MS", 50, 1),
    complaintRefreshMs: integer(
      env,
      "PUSHGUARD_COMPLAINT_REFRESH_MS",
      2_000,
      100,
    ),
    logLevel: oneOf(env, "PUSHGUARD_LOG_LEVEL", "info", LOG_LEVELS),
    shutdownGraceMs: integer(env, "PUSHGUARD_SHUTDOWN_GRACE_MS", 10_000, 0),
    policyWatch: boolean(env, "PUSHGUARD_POLICY_WATCH", true),
    policyReloadDebounceMs: integer(
      env,
      "PUSHGUARD_POLICY_RELOAD_DEBOUNCE_MS",
      200,
      0,
    ),
    decisionLog: text(env, "PUSHGUARD_DECISION_LOG", "stdout"),
    decisionLogKey: secret(env, "PUSHGUARD_DECISION_LOG_KEY", 16),
    decisionLogBufferBytes: integer(
      env,
      "PUSHGUARD_DECISION_LOG_BUFFER_BYTES",
      8 * 1024 * 1024,
      4096,
    ),
    ...tlsPaths(env),
  };
}

/** TLS needs a certificate and its key; mutual TLS needs both as well. */
function tlsPaths(env: Env) {
  const tlsCertPath = optional(env, "PUSHGUARD_TLS_CERT");
  const tlsKeyPath = optional(env, "PUSHGUARD_TLS_KEY");
  const tlsClientCaPath = optional(env, "PUSHGUARD_TLS_CLIENT_CA");
  if ((tlsCertPath === undefined) !== (tlsKeyPath === undefined)) {
    throw new SettingsError(
      "PUSHGUARD_TLS_CERT and PUSHGUARD_TLS_KEY must be set together",
    );
  }
  if (tlsClientCaPath !== undefined && tlsCertPath === undefined) {
    throw new SettingsError(
      "PUSHGUARD_TLS_CLIENT_CA needs PUSHGUARD_TLS_CERT and PUSHGUARD_TLS_KEY",
    );
  }
  return { tlsCertPath, tlsKeyPath, tlsClientCaPath };
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new SettingsError(`${name} ${value} must be true or false`);
}

/** A secret's value never appears in a message, only its length. */
function secret(env: Env, name: string, minLength: number) {
  const value = optional(env, name);
  if (value !== undefined && value.length < minLength) {
    throw new SettingsError(
      `${name} has ${value.length} characters, must have >= ${minLength}`,
    );
  }
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function text(env: Env, name: string, fallback: string): string {
  return optional(env, name) ?? fallback;
}

function list(env: Env, name: string): string[] {
  const value = optional(env, name);
  if (value === undefined) return [];
  return value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

function address(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback);
  const port = Number(value.slice(value.lastIndexOf(":") + 1));
  const valid = value.includes(":") && Number.isInteger(port);
  if (!valid || port < 0 || port > 65_535) {
    throw new SettingsError(`${name} ${value} must be host:port`);
  }
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number) {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new SettingsError(`${name} ${value} must be an integer >= ${min}`);
  }
  return parsed;
}

function oneOf(env: Env, name: string, fallback: string, allowed: string[]) {
  const value = optional(env, name) ?? fallback;
  if (!allowed.includes(value)) {
    throw new SettingsError(
      `${name} ${value} must be one of ${allowed.join(", ")}`,
    );
  }
  return value;
}

/** Splits `host:port` (IPv6 in brackets allowed) for listeners. */
export function splitAddress(addr: string): { host: string; port: number } {
  const at = addr.lastIndexOf(":");
  const host = addr.slice(0, at).replace(/^\[(.*)\]$/, "$1");
  return { host, port: Number(addr.slice(at + 1)) };
}

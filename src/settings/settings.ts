/**
 * Every environment variable pushguard reads, read here and nowhere else.
 * Each setting has a default so that `npm start` works on a fresh machine,
 * and a bad value stops the process at start with a message naming it.
 */
export interface Settings {
  /** gRPC listen address. Defaults to `0.0.0.0:50051`. */
  readonly grpcAddr: string;
  /** HTTP address for /metrics, /healthz, /readyz. Defaults to `0.0.0.0:9464`. */
  readonly httpAddr: string;
  /** Policy file to serve. Defaults to `policies/default.yaml`. */
  readonly policyPath: string;
  /** Redis URL; unset means the embedded in-memory store. */
  readonly redisUrl: string | undefined;
  /** Redis Cluster seed nodes (`host:port`); set means Cluster mode. */
  readonly redisClusterNodes: readonly string[];
  /** Redis command timeout. Defaults to 50 ms. */
  readonly redisCommandTimeoutMs: number;
  /** pino log level. Defaults to `info`. */
  readonly logLevel: string;
  /** Time allowed for calls in flight at shutdown. Defaults to 10 s. */
  readonly shutdownGraceMs: number;
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
    logLevel: oneOf(env, "PUSHGUARD_LOG_LEVEL", "info", LOG_LEVELS),
    shutdownGraceMs: integer(env, "PUSHGUARD_SHUTDOWN_GRACE_MS", 10_000, 0),
  };
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

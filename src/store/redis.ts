/**
 * The Redis state store, standalone or Cluster, shared by every replica.
 *
 * Round trips: every call is one Lua script call (EVALSHA; ioredis sends
 * EVAL the first time on a connection and on NOSCRIPT). `commit` checks the
 * caps and the minimum gap and records in the same script, and returns the
 * new state, so it needs no second read.
 *
 * Failure behaviour, so that a Screen never waits long on a sick Redis:
 * - every command rejects after `commandTimeoutMs` (ioredis
 *   `commandTimeout`);
 * - while the connection is down, commands fail at once instead of queueing
 *   (`enableOfflineQueue: false`);
 * - a command in flight when the connection drops is not resent
 *   (`maxRetriesPerRequest: 0`), because a commit has no id and a resend
 *   could record it twice;
 * - after `failureThreshold` such failures in a row the circuit opens and
 *   calls are refused without touching the network; after `resetTimeoutMs`
 *   one trial call goes through and closes it again on success;
 * - ioredis reconnects by itself with a backoff capped at
 *   `reconnectMaxDelayMs`, so the store recovers without a restart.
 * All of these reject with `StoreUnavailableError`; the service layer
 * catches it and applies each rule's fail-open or fail-closed choice. A
 * Redis reply error that is not about availability (a script bug, a wrong
 * key type) is passed through unchanged and does not trip the circuit.
 *
 * Bounds: every key gets a TTL of the retention plus up to 10% jitter, so
 * keys written together do not expire together; each user keeps at most
 * `maxDeliveriesPerUser` deliveries and a bounded set of idempotency ids.
 *
 * Complaints: `addComplaint` adds the reporter to the item's set and, in
 * the same script, records the item in an index of two sorted sets (by
 * count, and by when its complaints expire), pruning expired items a batch
 * at a time. `suppressedItems` reads the items at or above a count from the
 * index in one script, bounded by a limit. Screens never read complaints:
 * each replica caches the suppressed set and refreshes it off the request
 * path (`SuppressionCache`), so the `{complaints}` slot sees one read per
 * replica per refresh, not one per Screen. On a Cluster the items' sets
 * carry the `{complaints}` tag too, so a complaint touches one slot;
 * standalone Redis keeps one key per item.
 */
import { Cluster, Redis } from "ioredis";
import type { ClusterNode } from "ioredis";
import { CircuitBreaker, CircuitOpenError } from "./circuit.js";
import type { CircuitOptions, CircuitState } from "./circuit.js";
import { complaintId } from "./complaint-id.js";
import { StoreUnavailableError } from "./errors.js";
import {
  DEFAULT_COMPLAINT_RETENTION_MS,
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_RETENTION_MS,
} from "./memory.js";
import { decodeState, encodeDelivery } from "./redis-codec.js";
import {
  checkKeyPrefix,
  complaintIndexKeys,
  complaintKeys,
  userKeys,
} from "./redis-keys.js";
import * as lua from "./redis-scripts.js";
import type {
  CommitPlan,
  CommitResult,
  ComplaintInput,
  ComplaintResult,
  DeliveryInput,
  FeedbackInput,
  StateStore,
  SuppressedQuery,
  UserState,
} from "./store.js";
import { checkSuppressedQuery } from "./store.js";

export { StoreUnavailableError } from "./errors.js";
export type { CircuitState } from "./circuit.js";

/** Settings of the Redis store. */
export interface RedisStoreOptions {
  /** Standalone Redis, `redis://host:port/db`. */
  readonly url?: string;
  /** Cluster seed nodes, `host:port` or `redis://host:port`; empty: none. */
  readonly clusterNodes?: readonly string[];
  /** Time after which a command rejects; tens of milliseconds. */
  readonly commandTimeoutMs: number;
  /** Prefix of every key, without braces. Defaults to `pg:`. */
  readonly keyPrefix?: string;
  /** How long deliveries and ids are kept. Defaults to 8 days. */
  readonly retentionMs?: number;
  /** Most deliveries kept per user. Defaults to 200. */
  readonly maxDeliveriesPerUser?: number;
  /** How long complaints are kept. Defaults to 30 days. */
  readonly complaintRetentionMs?: number;
  /**
   * False: when Redis is not ready within `connectTimeoutMs`, return the
   * store anyway; it connects when Redis comes up and its calls fail fast
   * with StoreUnavailableError until then. Defaults to true (reject).
   */
  readonly requireReady?: boolean;
  /** Called when `requireReady` is false and Redis was not ready. */
  readonly onNotReadyAtStart?: () => void;
  /** Time `createRedisStore` waits for the first connection. 5 s. */
  readonly connectTimeoutMs?: number;
  /** Longest wait between two reconnection attempts. Defaults to 1 s. */
  readonly reconnectMaxDelayMs?: number;
  /** Circuit breaker settings; see `CircuitOptions` for the defaults. */
  readonly circuit?: Pick<
    CircuitOptions,
    "failureThreshold" | "resetTimeoutMs" | "onStateChange"
  >;
  /** Called with connection errors, for logs; the store never logs. */
  readonly onConnectionError?: (error: Error) => void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_RECONNECT_MAX_DELAY_MS = 1_000;
const TTL_JITTER = 0.1;
const IDS_PER_DELIVERY = 4;
/** Expired items each complaint removes from the index, at most. */
const PRUNE_BATCH = 100;

/** Reply errors that mean "not now" rather than "wrong request". */
const TRANSIENT_REPLY = /^(CLUSTERDOWN|LOADING|TRYAGAIN|MASTERDOWN|BUSY)/;

/** The scripts, as ioredis `defineCommand` adds them to the client. */
interface ScriptCommands {
  pgReadUser(...args: (string | number)[]): Promise<unknown>;
  pgCommit(...args: (string | number)[]): Promise<unknown>;
  pgRecordDelivery(...args: (string | number)[]): Promise<unknown>;
  pgRecordFeedback(...args: (string | number)[]): Promise<unknown>;
  pgAddComplaint(...args: (string | number)[]): Promise<unknown>;
  pgSuppressedItems(...args: (string | number)[]): Promise<unknown>;
}

type Client = (Redis | Cluster) & ScriptCommands;

/** Limits of one store, resolved from the options. */
interface Limits {
  readonly prefix: string;
  readonly retentionMs: number;
  readonly maxDeliveries: number;
  readonly complaintRetentionMs: number;
}

/**
 * Connects to Redis (standalone when `url` is set, Cluster when
 * `clusterNodes` is not empty) and resolves once it is ready. Rejects with
 * `StoreUnavailableError` when it is not ready within `connectTimeoutMs`.
 */
export async function createRedisStore(
  options: RedisStoreOptions,
): Promise<RedisStore> {
  const client = connect(options);
  client.on("error", (error: Error) => options.onConnectionError?.(error));
  defineScripts(client);
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const ready = await waitReady(client, timeoutMs, options.requireReady);
  if (!ready) options.onNotReadyAtStart?.();
  return new RedisStore(client, options);
}

/** The Redis store; build it with `createRedisStore`. See the module doc. */
export class RedisStore implements StateStore {
  readonly kind: "redis" | "redis-cluster";
  private readonly client: Client;
  private readonly limits: Limits;
  private readonly breaker: CircuitBreaker;

  /** Wraps a connected client that has the scripts defined. */
  constructor(client: Client, options: RedisStoreOptions) {
    this.client = client;
    this.kind = client instanceof Cluster ? "redis-cluster" : "redis";
    this.limits = resolveLimits(options);
    this.breaker = new CircuitBreaker({
      ...options.circuit,
      isFailure: isUnavailable,
    });
  }

  /** The circuit breaker's state, for a metrics gauge. */
  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  async readUser(userId: string, nowMs: number): Promise<UserState> {
    const keys = userKeys(this.limits.prefix, userId);
    const sinceMs = nowMs - this.limits.retentionMs;
    const reply = await this.guarded(() =>
      this.client.pgReadUser(keys.deliveries, keys.state, sinceMs),
    );
    return decodeState(reply);
  }

  async commit(userId: string, plan: CommitPlan): Promise<CommitResult> {
    const keys = userKeys(this.limits.prefix, userId);
    const args = [keys.deliveries, keys.state, ...this.commitArgs(plan)];
    const reply = await this.guarded(() => this.client.pgCommit(...args));
    return decodeCommit(reply);
  }

  async recordDelivery(userId: string, input: DeliveryInput): Promise<boolean> {
    const keys = userKeys(this.limits.prefix, userId);
    const { retentionMs, maxDeliveries } = this.limits;
    const args = [keys.deliveries, keys.state, keys.ids, input.deliveryId];
    const { atMs } = input.record;
    const payload = encodeDelivery(input.record);
    const limits = [retentionMs, maxDeliveries, this.ttlMs(), this.maxIds()];
    const reply = await this.guarded(() =>
      this.client.pgRecordDelivery(...args, atMs, payload, ...limits),
    );
    return reply === 1;
  }

  async recordFeedback(
    userId: string,
    feedback: FeedbackInput,
  ): Promise<boolean> {
    const keys = userKeys(this.limits.prefix, userId);
    const { feedbackId, event, atMs } = feedback;
    const args = [keys.state, keys.ids, feedbackId, event, atMs];
    const limits = [this.limits.retentionMs, this.ttlMs(), this.maxIds()];
    const reply = await this.guarded(() =>
      this.client.pgRecordFeedback(...args, ...limits),
    );
    return reply === 1;
  }

  async addComplaint(complaint: ComplaintInput): Promise<ComplaintResult> {
    const { itemId, reporter, atMs } = complaint;
    const { reporters } = this.complaintKeys(itemId);
    const index = complaintIndexKeys(this.limits.prefix);
    const retentionMs = this.limits.complaintRetentionMs;
    const ttls = [withJitter(retentionMs), longestTtl(retentionMs)];
    const args = [reporters, index.byCount, index.byExpiry, reporter, itemId];
    const reply = await this.guarded(() =>
      this.client.pgAddComplaint(...args, atMs, ...ttls, PRUNE_BATCH),
    );
    const [added, count] = asNumbers(reply, 2);
    return {
      complaintId: complaintId(itemId, reporter),
      recorded: added === 1,
      complaints: count ?? 0,
    };
  }

  async suppressedItems(query: SuppressedQuery): Promise<Map<string, number>> {
    checkSuppressedQuery(query);
    const { byCount, byExpiry } = complaintIndexKeys(this.limits.prefix);
    const { minComplaints, nowMs, limit } = query;
    const args = [byCount, byExpiry, minComplaints, nowMs, limit];
    const reply = await this.guarded(() =>
      this.client.pgSuppressedItems(...args),
    );
    return decodeCounts(reply);
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private commitArgs(plan: CommitPlan): (string | number)[] {
    const { retentionMs, maxDeliveries } = this.limits;
    const head = [plan.nowMs, retentionMs, maxDeliveries, this.ttlMs()];
    head.push(plan.minGapMs, plan.caps.length);
    const caps = plan.caps.flatMap((cap) => [
      cap.windowMs,
      cap.limit,
      cap.scope ?? "all",
    ]);
    const planned = plan.deliveries.flatMap((d) => [d.atMs, encodeDelivery(d)]);
    return [...head, ...caps, ...planned];
  }

  private complaintKeys(itemId: string) {
    const oneSlot = this.kind === "redis-cluster";
    return complaintKeys(this.limits.prefix, itemId, oneSlot);
  }

  private ttlMs(): number {
    return withJitter(this.limits.retentionMs);
  }

  private maxIds(): number {
    return this.limits.maxDeliveries * IDS_PER_DELIVERY;
  }

  /**
   * Runs one Redis call through the breaker and maps its failures to one
   * error. Replies are decoded outside, so a decoding bug is not taken for
   * an unavailable Redis.
   */
  private async guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.run(call);
    } catch (error: unknown) {
      throw toStoreError(error);
    }
  }
}

function connect(options: RedisStoreOptions): Client {
  const seeds = options.clusterNodes ?? [];
  if (options.url !== undefined && seeds.length > 0) {
    throw new RangeError("redis store takes url or clusterNodes, not both");
  }
  if (seeds.length > 0) {
    return new Cluster(seeds.map(parseNode), {
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelay(options),
      clusterNodeRetryStrategy: reconnectDelay(options),
      redisOptions: nodeOptions(options),
    }) as Client;
  }
  if (options.url === undefined) {
    throw new RangeError("redis store needs url or clusterNodes");
  }
  const client = new Redis(options.url, {
    ...nodeOptions(options),
    enableOfflineQueue: false,
    retryStrategy: reconnectDelay(options),
  });
  return client as Client;
}

/** Backoff between reconnection attempts: 100 ms, doubling, capped. */
function reconnectDelay(options: RedisStoreOptions) {
  const maxMs = options.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS;
  return (attempt: number): number => Math.min(50 * 2 ** attempt, maxMs);
}

/** Options of each connection to a Redis node. */
function nodeOptions(options: RedisStoreOptions) {
  return {
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
}

/** Parses a seed node written as `host:port` or `redis://host:port`. */
function parseNode(node: string): ClusterNode {
  const url = new URL(node.includes("://") ? node : `redis://${node}`);
  return { host: url.hostname, port: Number(url.port || "6379") };
}

function defineScripts(client: Redis | Cluster): void {
  client.defineCommand("pgReadUser", {
    numberOfKeys: 2,
    lua: lua.READ_USER_LUA,
  });
  client.defineCommand("pgCommit", { numberOfKeys: 2, lua: lua.COMMIT_LUA });
  client.defineCommand("pgRecordDelivery", {
    numberOfKeys: 3,
    lua: lua.RECORD_DELIVERY_LUA,
  });
  client.defineCommand("pgRecordFeedback", {
    numberOfKeys: 2,
    lua: lua.RECORD_FEEDBACK_LUA,
  });
  client.defineCommand("pgAddComplaint", {
    numberOfKeys: 3,
    lua: lua.ADD_COMPLAINT_LUA,
  });
  client.defineCommand("pgSuppressedItems", {
    numberOfKeys: 2,
    lua: lua.SUPPRESSED_ITEMS_LUA,
  });
}

/**
 * Resolves true when the client is ready. On timeout, a required Redis
 * disconnects and rejects; an optional one resolves false and keeps
 * reconnecting in the background, its calls failing fast meanwhile.
 */
function waitReady(
  client: Redis | Cluster,
  timeoutMs: number,
  required = true,
): Promise<boolean> {
  if (client.status === "ready") return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (!required) return resolve(false);
      client.disconnect();
      const message = `redis not ready within ${timeoutMs} ms`;
      reject(new StoreUnavailableError(message));
    }, timeoutMs);
    client.once("ready", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function resolveLimits(options: RedisStoreOptions): Limits {
  return {
    prefix: checkKeyPrefix(options.keyPrefix ?? "pg:"),
    retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
    maxDeliveries: options.maxDeliveriesPerUser ?? DEFAULT_MAX_DELIVERIES,
    complaintRetentionMs:
      options.complaintRetentionMs ?? DEFAULT_COMPLAINT_RETENTION_MS,
  };
}

/** At least `ms`, spread so keys written together expire apart. */
function withJitter(ms: number): number {
  return ms + Math.floor(Math.random() * ms * TTL_JITTER);
}

/** The longest TTL `withJitter` gives: shared keys outlive every member. */
function longestTtl(ms: number): number {
  return Math.ceil(ms * (1 + TTL_JITTER));
}

function decodeCommit(reply: unknown): CommitResult {
  if (!Array.isArray(reply) || reply.length !== 5) {
    throw new TypeError("redis commit reply must be an array of 5");
  }
  return { accepted: Number(reply[0]), state: decodeState(reply.slice(1)) };
}

function asNumbers(reply: unknown, length: number): number[] {
  if (!Array.isArray(reply) || reply.length !== length) {
    throw new TypeError(`redis reply must be an array of ${length}`);
  }
  return reply.map(Number);
}

/** Decodes `[item, count, item, count, ...]`, keeping the order. */
function decodeCounts(reply: unknown): Map<string, number> {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) {
    throw new TypeError("redis suppressed items reply must be pairs");
  }
  const counts = new Map<string, number>();
  for (let k = 0; k < reply.length; k += 2) {
    counts.set(String(reply[k]), Number(reply[k + 1]));
  }
  return counts;
}

/** Whether an error means Redis could not answer, as opposed to a bug. */
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== "ReplyError") return true;
  return TRANSIENT_REPLY.test(error.message);
}

function toStoreError(error: unknown): unknown {
  if (error instanceof CircuitOpenError) {
    return new StoreUnavailableError(`redis ${error.message}`, {
      cause: error,
    });
  }
  if (!isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`redis unavailable: ${reason}`, {
    cause: error,
  });
}

import type * as grpc from "@grpc/grpc-js";
import type http from "node:http";
import { openDecisionLog } from "./decision-log/open.js";
import { decisionObserver } from "./decision-log/observer.js";
import { createLogger, maskUrl, type Logger } from "./log/logger.js";
import { InstrumentedStore } from "./metrics/instrumented-store.js";
import { Metrics } from "./metrics/metrics.js";
import { loadPolicy } from "./policy/loader.js";
import { PolicyReloader } from "./policy/reload.js";
import { startGrpcServer } from "./server/grpc-server.js";
import { startHttpServer } from "./server/http-server.js";
import { serverCredentials, tlsMode } from "./server/tls.js";
import { SuppressionCache } from "./service/complaints.js";
import { PolicyHolder } from "./service/policy-holder.js";
import type { Settings } from "./settings/settings.js";
import { MemoryStore } from "./store/memory.js";
import { createRedisStore } from "./store/redis.js";
import type { StateStore } from "./store/store.js";

/** A running pushguard: its ports and how to stop it. */
export interface RunningPushguard {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly policies: PolicyHolder;
  readonly metrics: Metrics;
  /** Stops taking calls, lets calls in flight finish, then closes. */
  stop(): Promise<void>;
}

/** Optional pieces a test or an embedding program may supply. */
export interface StartOptions {
  readonly log?: Logger;
  readonly store?: StateStore;
  readonly clock?: () => number;
}

/**
 * Starts pushguard: loads the policy (a broken one stops the start), opens
 * the store and the decision log, serves gRPC and HTTP, then watches the
 * policy for reloads.
 */
export async function startPushguard(
  settings: Settings,
  options: StartOptions = {},
): Promise<RunningPushguard> {
  const log = options.log ?? createLogger(settings.logLevel);
  const metrics = new Metrics();
  const policy = await loadPolicy(settings.policyPath);
  const policies = new PolicyHolder(policy);
  metrics.policyLoaded(policy);
  const store = new InstrumentedStore(
    options.store ?? (await openStore(settings, log, metrics)),
    metrics,
  );
  const clock = options.clock ? { clock: options.clock } : {};
  const suppression = await new SuppressionCache({
    ...{ store, policies, log, ...clock },
    refreshMs: settings.complaintRefreshMs,
  }).start();
  const decisionLog = openDecisionLog(settings, { metrics, log });
  const deps = {
    policies,
    store,
    suppression,
    metrics,
    log,
    onDecision: decisionObserver({ metrics, decisionLog, log }),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const grpcServer = await startGrpcServer(
    deps,
    settings.grpcAddr,
    serverCredentials(settings),
  );
  let draining = false;
  const ready = () => !draining && policies.ready();
  const httpServer = await startHttpServer(
    { metrics, ready },
    settings.httpAddr,
  );
  log.info(
    {
      grpcPort: grpcServer.port,
      httpPort: httpServer.port,
      policy: policy.version,
      store: store.kind,
      tls: tlsMode(settings),
      decisionLog: settings.decisionLog,
    },
    "pushguard serving",
  );
  const reloader = settings.policyWatch
    ? new PolicyReloader(
        { policies, metrics, log },
        {
          policyPath: settings.policyPath,
          debounceMs: settings.policyReloadDebounceMs,
        },
      ).start()
    : undefined;
  const stop = async () => {
    draining = true;
    reloader?.close();
    grpcServer.health.setStatus("", "NOT_SERVING");
    await drain(grpcServer.server, settings.shutdownGraceMs, log);
    await closeHttp(httpServer.server);
    await decisionLog.close();
    suppression.stop();
    await store.close();
    log.info("pushguard stopped");
  };
  return {
    grpcPort: grpcServer.port,
    httpPort: httpServer.port,
    policies,
    metrics,
    stop,
  };
}

/**
 * The embedded store unless Redis is configured. A Redis that cannot be
 * reached at start does not stop the start: the replica serves with the
 * store unavailable (rules that need state fail open or closed as the
 * policy says) and connects as soon as Redis answers.
 */
async function openStore(settings: Settings, log: Logger, metrics: Metrics) {
  const clusterNodes = settings.redisClusterNodes;
  if (settings.redisUrl === undefined && clusterNodes.length === 0) {
    return new MemoryStore();
  }
  const target =
    clusterNodes.length > 0
      ? `cluster ${clusterNodes.join(",")}`
      : maskUrl(settings.redisUrl ?? "");
  log.info({ redis: target }, "connecting to redis");
  const kind = clusterNodes.length > 0 ? "redis-cluster" : "redis";
  metrics.setCircuitState(kind, "closed");
  return createRedisStore({
    ...(settings.redisUrl === undefined ? {} : { url: settings.redisUrl }),
    clusterNodes,
    commandTimeoutMs: settings.redisCommandTimeoutMs,
    // A Redis that is down at start is an outage like any other: serve
    // with the documented fail-open/fail-closed outcomes, connect when it
    // comes up, and never crash-loop the replicas.
    requireReady: false,
    onNotReadyAtStart: () =>
      log.warn(
        { redis: target },
        "redis not reachable at start; serving " +
          "with state unavailable until it connects",
      ),
    circuit: {
      onStateChange: (state) => {
        metrics.setCircuitState(kind, state);
        log.warn({ store: kind, state }, "store circuit changed");
      },
    },
  });
}

/** Finishes calls in flight; past the grace period, cuts them off. */
function drain(server: grpc.Server, graceMs: number, log: Logger) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      log.warn({ graceMs }, "calls still in flight after grace; forcing");
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function closeHttp(server: http.Server) {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

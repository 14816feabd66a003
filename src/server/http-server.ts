import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Metrics } from "../metrics/metrics.js";
import { splitAddress } from "../settings/settings.js";

/** What the HTTP listener reports on. */
export interface HttpDeps {
  readonly metrics: Metrics;
  /** Ready: a policy is loaded and the server is not draining. */
  readonly ready: () => boolean;
}

/**
 * The operations listener: `/metrics` for Prometheus, `/healthz` (the
 * process answers) and `/readyz` (send traffic here). Kept apart from gRPC
 * so a scrape never competes with a call for the same connection.
 */
export async function startHttpServer(
  deps: HttpDeps,
  address: string,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    route(deps, req.url ?? "/").then(
      ({ status, type, body }) => {
        res.writeHead(status, { "content-type": type }).end(body);
      },
      () => res.writeHead(500).end("internal error\n"),
    );
  });
  const { host, port } = splitAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function route(deps: HttpDeps, url: string) {
  const pathname = url.split("?")[0];
  const text = "text/plain; charset=utf-8";
  if (pathname === "/metrics") {
    const body = await deps.metrics.registry.metrics();
    return { status: 200, type: deps.metrics.registry.contentType, body };
  }
  if (pathname === "/healthz") return { status: 200, type: text, body: "ok\n" };
  if (pathname === "/readyz") {
    return deps.ready()
      ? { status: 200, type: text, body: "ready\n" }
      : { status: 503, type: text, body: "not ready\n" };
  }
  return { status: 404, type: text, body: "not found\n" };
}

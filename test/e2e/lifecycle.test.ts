import * as grpc from "@grpc/grpc-js";
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { loadSync } from "@grpc/proto-loader";
import { describe, expect, it } from "vitest";
import { MemoryStore as MemoryStoreBase } from "../../src/store/memory.js";
import type { ScreenResponse } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { candidate, screenRequest } from "../helpers/requests.js";
import {
  call,
  pushguardClient,
  repoRoot,
  startTestServer,
} from "../helpers/server.js";

describe("health, readiness and reflection", () => {
  it("reports SERVING over grpc.health.v1 and ready on /readyz", async () => {
    const running = await startTestServer();
    const res = await fetch(`http://127.0.0.1:${running.httpPort}/readyz`);
    expect([res.status, await res.text()]).toEqual([200, "ready\n"]);
    const health = await healthCheck(
      running.grpcPort,
      "pushguard.v1.PushGuard",
    );
    expect(health).toBe("SERVING");
    await running.stop();
  });

  it("lists PushGuard through server reflection", async () => {
    const running = await startTestServer();
    const services = await reflectedServices(running.grpcPort);
    expect(services).toContain("pushguard.v1.PushGuard");
    expect(services).toContain("grpc.health.v1.Health");
    await running.stop();
  });
});

describe("graceful stop", () => {
  it("finishes a call in flight before it stops", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = await startTestServer({}, { store: slowStore(gate) });
    const client = pushguardClient(running.grpcPort);
    const inFlight = call<ScreenResponse>(
      client,
      "screen",
      screenRequest({ candidates: [candidate("a")] }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const stopped = running.stop();
    release();
    const res = await inFlight;
    await stopped;
    client.close();
    expect(res.admitted.map((a) => a.candidateId)).toEqual(["a"]);
  });

  it("exits 0 on SIGTERM when run as the pushguard binary", async () => {
    const child = spawn(
      "node",
      ["--import", "tsx", "src/cli/main.ts", "serve"],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          PUSHGUARD_GRPC_ADDR: "127.0.0.1:0",
          PUSHGUARD_HTTP_ADDR: "127.0.0.1:0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await waitForLine(child.stdout, "pushguard serving");
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});

/** Resolves once `text` appears; keeps reading so the pipe stays open. */
function waitForLine(stream: NodeJS.ReadableStream, text: string) {
  return new Promise<void>((resolve, reject) => {
    let seen = "";
    stream.on("data", (chunk) => {
      seen += String(chunk);
      if (seen.includes(text)) resolve();
    });
    stream.on("end", () => reject(new Error(`no ${text} in: ${seen}`)));
  });
}

/** A memory store whose reads wait for the gate: a call held in flight. */
function slowStore(gate: Promise<void>) {
  return new (class extends MemoryStoreBase {
    override async readUser(userId: string, nowMs: number) {
      await gate;
      return super.readUser(userId, nowMs);
    }
  })();
}

function healthCheck(port: number, service: string): Promise<string> {
  const healthProto = path.join(
    repoRoot,
    "node_modules/grpc-health-check/proto/health/v1/health.proto",
  );
  const definition = loadSync(healthProto, { enums: String });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  const client = new pkg.grpc.health.v1.Health(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  return call<{ status: string }>(client, "Check", { service }).then((res) => {
    client.close();
    return res.status;
  });
}

async function reflectedServices(port: number): Promise<string[]> {
  const definition = loadSync("grpc/reflection/v1/reflection.proto", {
    includeDirs: [
      path.join(repoRoot, "node_modules/@grpc/reflection/build/proto"),
    ],
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: {
      reflection: {
        v1: {
          ServerReflection: grpc.ServiceClientConstructor;
        };
      };
    };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  const stream = (
    client as unknown as {
      ServerReflectionInfo(): grpc.ClientDuplexStream<
        unknown,
        {
          listServicesResponse?: { service: { name: string }[] };
        }
      >;
    }
  ).ServerReflectionInfo();
  stream.write({ listServices: "" });
  const [reply] = await once(stream, "data");
  stream.end();
  client.close();
  return (
    reply as { listServicesResponse: { service: { name: string }[] } }
  ).listServicesResponse.service.map((s) => s.name);
}

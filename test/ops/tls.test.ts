import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPushguard } from "../../src/app.js";
import {
  GetPolicyRequestSchema,
  PushGuard,
  type GetPolicyResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { grpcServiceDefinition } from "../../src/server/service-definition.js";
import { call, startTestServer } from "../helpers/server.js";
import {
  makeCertificates,
  pem,
  type TestCertificates,
} from "./certificates.js";

const Client = grpc.makeGenericClientConstructor(
  grpcServiceDefinition(PushGuard),
  "PushGuard",
);

let dir: string;
let certs: TestCertificates;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pushguard-tls-"));
  certs = makeCertificates(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Calls GetPolicy; resolves with its version or the status code. */
async function getPolicy(port: number, credentials: grpc.ChannelCredentials) {
  const client = new Client(`localhost:${port}`, credentials);
  try {
    const request = create(GetPolicyRequestSchema);
    const res = await call<GetPolicyResponse>(client, "getPolicy", request);
    return res.policyVersion;
  } catch (error) {
    return (error as grpc.ServiceError).code;
  } finally {
    client.close();
  }
}

const trusting = () => grpc.credentials.createSsl(pem(certs.caCert));
const withClientCert = (cert: string, key: string) =>
  grpc.credentials.createSsl(pem(certs.caCert), pem(key), pem(cert));

describe("a server with TLS", () => {
  let running: RunningPushguard;
  beforeAll(async () => {
    running = await startTestServer({
      PUSHGUARD_TLS_CERT: certs.serverCert,
      PUSHGUARD_TLS_KEY: certs.serverKey,
    });
  });
  afterAll(() => running.stop());

  it("answers a client that trusts its CA", async () => {
    const version = await getPolicy(running.grpcPort, trusting());
    expect(version).toBe(running.policies.current().version);
  });

  it("refuses a plaintext client", async () => {
    const code = await getPolicy(
      running.grpcPort,
      grpc.credentials.createInsecure(),
    );
    expect(code).toBe(grpc.status.UNAVAILABLE);
  });
});

describe("a server with mutual TLS", () => {
  let running: RunningPushguard;
  beforeAll(async () => {
    running = await startTestServer({
      PUSHGUARD_TLS_CERT: certs.serverCert,
      PUSHGUARD_TLS_KEY: certs.serverKey,
      PUSHGUARD_TLS_CLIENT_CA: certs.caCert,
    });
  });
  afterAll(() => running.stop());

  it("answers a client whose certificate its CA signed", async () => {
    const credentials = withClientCert(certs.clientCert, certs.clientKey);
    const version = await getPolicy(running.grpcPort, credentials);
    expect(version).toBe(running.policies.current().version);
  });

  it("refuses a client without a certificate", async () => {
    const code = await getPolicy(running.grpcPort, trusting());
    expect(code).toBe(grpc.status.UNAVAILABLE);
  });

  it("refuses a client certificate from another CA", async () => {
    const credentials = withClientCert(certs.rogueCert, certs.rogueKey);
    const code = await getPolicy(running.grpcPort, credentials);
    expect(code).toBe(grpc.status.UNAVAILABLE);
  });
});

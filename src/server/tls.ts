import * as grpc from "@grpc/grpc-js";
import { readFileSync } from "node:fs";
import type { Settings } from "../settings/settings.js";

type TlsSettings = Pick<
  Settings,
  "tlsCertPath" | "tlsKeyPath" | "tlsClientCaPath"
>;

/** How the gRPC listener is secured, for the start log line. */
export type TlsMode = "off" | "tls" | "mutual-tls";

/** The TLS mode the settings ask for. */
export function tlsMode(settings: TlsSettings): TlsMode {
  if (settings.tlsCertPath === undefined) return "off";
  return settings.tlsClientCaPath === undefined ? "tls" : "mutual-tls";
}

/**
 * gRPC server credentials from the settings: plaintext when no certificate
 * is set, TLS with one, and mutual TLS when a client CA is set too, in which
 * case a client without a certificate signed by that CA cannot connect.
 * Files are read once at start; rotating them needs a restart.
 */
export function serverCredentials(
  settings: TlsSettings,
): grpc.ServerCredentials {
  const { tlsCertPath, tlsKeyPath, tlsClientCaPath } = settings;
  if (tlsCertPath === undefined || tlsKeyPath === undefined) {
    return grpc.ServerCredentials.createInsecure();
  }
  const keyPair = {
    cert_chain: readPem(tlsCertPath, "PUSHGUARD_TLS_CERT"),
    private_key: readPem(tlsKeyPath, "PUSHGUARD_TLS_KEY"),
  };
  const clientCa =
    tlsClientCaPath === undefined
      ? null
      : readPem(tlsClientCaPath, "PUSHGUARD_TLS_CLIENT_CA");
  return grpc.ServerCredentials.createSsl(
    clientCa,
    [keyPair],
    clientCa !== null,
  );
}

function readPem(file: string, setting: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new Error(`${setting} ${file} cannot be read: ${code}`, {
      cause: error,
    });
  }
}

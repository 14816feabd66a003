import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** PEM files the TLS tests use, made fresh in a temporary folder. */
export interface TestCertificates {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A client certificate signed by a CA the server does not trust. */
  readonly rogueCert: string;
  readonly rogueKey: string;
}

const EC_KEY = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

/** Runs openssl with space-separated arguments (no argument has spaces). */
function openssl(dir: string, args: string) {
  execFileSync("openssl", args.split(" "), { cwd: dir, stdio: "pipe" });
}

function makeCa(dir: string, name: string) {
  openssl(
    dir,
    `req -x509 ${EC_KEY} -days 1 -subj /CN=${name} ` +
      `-keyout ${name}.key -out ${name}.crt`,
  );
}

function makeLeaf(dir: string, name: string, ca: string, extensions: string) {
  writeFileSync(path.join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(
    dir,
    `req ${EC_KEY} -subj /CN=${name} -keyout ${name}.key -out ${name}.csr`,
  );
  openssl(
    dir,
    `x509 -req -in ${name}.csr -CA ${ca}.crt -CAkey ${ca}.key ` +
      `-CAcreateserial -days 1 -extfile ${name}.ext -out ${name}.crt`,
  );
}

/** Makes a CA, a server and a client certificate, and a rogue client. */
export function makeCertificates(dir: string): TestCertificates {
  makeCa(dir, "ca");
  makeCa(dir, "rogue-ca");
  makeLeaf(dir, "server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1");
  makeLeaf(dir, "client", "ca", "extendedKeyUsage=clientAuth");
  makeLeaf(dir, "rogue", "rogue-ca", "extendedKeyUsage=clientAuth");
  const at = (file: string) => path.join(dir, file);
  return {
    caCert: at("ca.crt"),
    serverCert: at("server.crt"),
    serverKey: at("server.key"),
    clientCert: at("client.crt"),
    clientKey: at("client.key"),
    rogueCert: at("rogue.crt"),
    rogueKey: at("rogue.key"),
  };
}

/** Reads a PEM file for grpc-js, which takes buffers. */
export function pem(file: string): Buffer {
  return readFileSync(file);
}

/**
 * One grpc-js client for the runner's own calls (capturing a typical
 * response, counting Redis commands per Screen): raw bytes in and out, the
 * same path and serialisers as the load generator.
 */
import * as grpc from "@grpc/grpc-js";
import { SCREEN_METHOD } from "./processes.js";

const identity = (bytes: Buffer) => bytes;

/** Sends Screen requests as bytes and returns the response bytes. */
export class RawScreenClient {
  private readonly client: grpc.Client;

  constructor(target: string) {
    this.client = new grpc.Client(target, grpc.credentials.createInsecure());
  }

  screen(bytes: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        SCREEN_METHOD,
        identity,
        identity,
        bytes,
        (error, response) =>
          error || !response
            ? reject(error ?? new Error("no response"))
            : resolve(response),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/server.js";

/*
 * The README's install-and-run command is `npm start`. npm runs a script
 * through `sh -c`, and Debian's sh (dash) does not pass SIGTERM on to its
 * child: without `exec` in the script, stopping `npm start` left the
 * server listening, adopted by PID 1.
 */

const run = promisify(execFile);

beforeAll(async () => {
  // `npm start` serves the build; CI builds before the tests, a fresh
  // clone may not have yet.
  if (!existsSync(path.join(repoRoot, "dist/src/cli/main.js"))) {
    await run("npm", ["run", "build"], { cwd: repoRoot });
  }
}, 120_000);

describe("npm start", () => {
  it("stops the server when npm itself gets SIGTERM", async () => {
    const npm = spawn("npm", ["start", "--ignore-scripts"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PUSHGUARD_GRPC_ADDR: "127.0.0.1:0",
        PUSHGUARD_HTTP_ADDR: "127.0.0.1:0",
        PUSHGUARD_DECISION_LOG: "off",
        PUSHGUARD_POLICY_WATCH: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const serving = await servingLine(npm.stdout);
    const ready = `http://127.0.0.1:${serving.httpPort}/readyz`;
    expect((await fetch(ready)).status).toBe(200);
    npm.kill("SIGTERM");
    await once(npm, "exit");
    await expect(fetch(ready)).rejects.toThrow();
  }, 30_000);
});

/** The server's "pushguard serving" log line, once npm's child prints it. */
function servingLine(stream: NodeJS.ReadableStream) {
  return new Promise<{ httpPort: number }>((resolve, reject) => {
    let seen = "";
    stream.on("data", (chunk) => {
      seen += String(chunk);
      const line = seen
        .split("\n")
        .find((l) => l.includes("pushguard serving"));
      if (line !== undefined) resolve(JSON.parse(line) as { httpPort: number });
    });
    stream.on("end", () => reject(new Error(`not serving: ${seen}`)));
  });
}

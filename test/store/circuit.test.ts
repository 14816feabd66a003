import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../src/store/circuit.js";
import type { CircuitState } from "../../src/store/circuit.js";

const down = () => Promise.reject(new Error("connection refused"));
const up = () => Promise.resolve("pong");

/** A breaker on a clock the test moves, recording its state changes. */
function breakerOnClock(threshold = 3) {
  const clock = { nowMs: 0 };
  const changes: CircuitState[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: threshold,
    resetTimeoutMs: 1_000,
    now: () => clock.nowMs,
    onStateChange: (state) => changes.push(state),
    isFailure: (error) => !String(error).includes("wrong type"),
  });
  return { breaker, clock, changes };
}

async function failTimes(breaker: CircuitBreaker, times: number) {
  for (let i = 0; i < times; i += 1) {
    await expect(breaker.run(down)).rejects.toThrow("connection refused");
  }
}

describe("circuit breaker", () => {
  it("opens after the threshold of failures in a row", async () => {
    const { breaker, changes } = breakerOnClock(3);
    await failTimes(breaker, 2);
    expect(breaker.state).toBe("closed");
    await failTimes(breaker, 1);
    expect(breaker.state).toBe("open");
    expect(changes).toEqual(["open"]);
  });

  it("refuses calls while open without running them", async () => {
    const { breaker } = breakerOnClock(1);
    await failTimes(breaker, 1);
    let ran = false;
    const call = () => ((ran = true), up());
    await expect(breaker.run(call)).rejects.toThrow("circuit open");
    expect(ran).toBe(false);
  });

  it("lets one trial through after the reset timeout", async () => {
    const { breaker, clock, changes } = breakerOnClock(1);
    await failTimes(breaker, 1);
    clock.nowMs = 1_000;
    const trial = breaker.run(up);
    await expect(breaker.run(up)).rejects.toThrow("circuit half-open");
    await expect(trial).resolves.toBe("pong");
    expect(changes).toEqual(["open", "half-open", "closed"]);
  });

  it("opens again when the trial fails", async () => {
    const { breaker, clock, changes } = breakerOnClock(1);
    await failTimes(breaker, 1);
    clock.nowMs = 1_000;
    await failTimes(breaker, 1);
    clock.nowMs = 1_999;
    await expect(breaker.run(up)).rejects.toThrow("circuit open");
    expect(changes).toEqual(["open", "half-open", "open"]);
  });

  it("does not count errors that are not failures", async () => {
    const { breaker } = breakerOnClock(1);
    const bug = () => Promise.reject(new Error("wrong type"));
    await expect(breaker.run(bug)).rejects.toThrow("wrong type");
    expect(breaker.state).toBe("closed");
  });

  it("resets the count of failures after a success", async () => {
    const { breaker } = breakerOnClock(2);
    await failTimes(breaker, 1);
    await breaker.run(up);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe("closed");
  });
});

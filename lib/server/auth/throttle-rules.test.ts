import { describe, expect, it } from "vitest";
import {
  ACCOUNT_RULE,
  ADDRESS_RULE,
  afterFailure,
  blockDelayMs,
  blockedForMs,
  minutesToWait,
  type ThrottleState,
} from "./throttle-rules";

const MIN = 60_000;
const t0 = new Date("2026-11-22T10:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function fail(times: number, rule = ACCOUNT_RULE, start: ThrottleState | null = null, stepMs = 1000) {
  let state = start;
  for (let i = 0; i < times; i++) state = afterFailure(state, rule, at(i * stepMs));
  return state!;
}

describe("throttle rules", () => {
  it("does not block below the threshold", () => {
    const state = fail(4);
    expect(state.failures).toBe(4);
    expect(state.blockedUntil).toBeNull();
  });

  it("blocks for one minute at the fifth failure within the window", () => {
    const state = fail(5);
    expect(state.failures).toBe(5);
    expect(blockedForMs(state, at(4000))).toBe(MIN);
  });

  it("doubles the block with each further failure and caps it at 15 minutes", () => {
    expect([5, 6, 7, 8, 9, 10, 40].map((n) => blockDelayMs(n, ACCOUNT_RULE) / MIN)).toEqual([1, 2, 4, 8, 15, 15, 15]);
    expect(blockDelayMs(19, ADDRESS_RULE)).toBe(0);
    expect(blockDelayMs(20, ADDRESS_RULE)).toBe(MIN);
  });

  it("forgets failures once the window has passed", () => {
    const state = afterFailure(fail(4), ACCOUNT_RULE, at(16 * MIN));
    expect(state).toEqual({ failures: 1, windowStart: at(16 * MIN), blockedUntil: null });
  });

  it("remembers failures for a window after a block ends, so the next failure escalates", () => {
    const blocked = fail(9); // 15-minute block from t≈8s
    const afterBlock = new Date(blocked.blockedUntil!.getTime() + 5 * MIN);
    const next = afterFailure(blocked, ACCOUNT_RULE, afterBlock);
    expect(next.failures).toBe(10);
    expect(blockedForMs(next, afterBlock)).toBe(15 * MIN);
  });

  it("never blocks forever: every block has an end", () => {
    const state = fail(1000, ACCOUNT_RULE, null, 10);
    expect(blockedForMs(state, at(1000 * 10 + 15 * MIN))).toBe(0);
  });

  it("rounds the wait up to whole minutes, at least one", () => {
    expect(minutesToWait(1)).toBe(1);
    expect(minutesToWait(MIN)).toBe(1);
    expect(minutesToWait(MIN + 1)).toBe(2);
    expect(minutesToWait(0)).toBe(1);
  });
});

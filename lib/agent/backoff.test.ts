import { describe, expect, it } from "vitest";
import { backoffCeilingMs, backoffDelayMs, MAX_RETRY_AFTER_SEC, parseRetryAfter } from "./backoff";

describe("backoff schedule", () => {
  it("doubles from the base up to the cap", () => {
    const options = { baseMs: 500, maxMs: 8000 };
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => backoffCeilingMs(n, options))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffCeilingMs(0, options)).toBe(500);
  });

  it("jitters within [ceiling/2, ceiling)", () => {
    const low = { baseMs: 1000, maxMs: 60_000, random: () => 0 };
    const high = { baseMs: 1000, maxMs: 60_000, random: () => 0.999999 };
    expect([1, 2, 3].map((n) => backoffDelayMs(n, low))).toEqual([500, 1000, 2000]);
    expect([1, 2, 3].map((n) => backoffDelayMs(n, high))).toEqual([999, 1999, 3999]);
    expect(backoffDelayMs(30, high)).toBe(59_999);
  });

  it("never retries before Retry-After, and caps absurd values", () => {
    const options = { baseMs: 1000, random: () => 0 };
    expect(backoffDelayMs(1, options, 7)).toBe(7000);
    expect(backoffDelayMs(1, options, 0)).toBe(500);
    expect(backoffDelayMs(1, options, 10 * 86_400)).toBe(MAX_RETRY_AFTER_SEC * 1000);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = new Date("2026-11-22T20:00:00Z");
    expect(parseRetryAfter("12", now)).toBe(12);
    expect(parseRetryAfter(" 3 ", now)).toBe(3);
    expect(parseRetryAfter("Sun, 22 Nov 2026 20:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Sun, 22 Nov 2026 19:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import {
  computeHealth,
  DEFAULT_HEARTBEAT_INTERVAL_SEC,
  effectiveIntervalSec,
  HEALTH_DEGRADED_AFTER_INTERVALS,
  HEALTH_DOWN_AFTER_INTERVALS,
  healthDeadlines,
  worseHealth,
} from "./health";

const LAST = new Date("2026-11-22T20:00:00.000Z");
const after = (ms: number) => new Date(LAST.getTime() + ms);

describe("computeHealth", () => {
  it("is unknown before the first heartbeat, whatever was reported", () => {
    expect(computeHealth({ lastHeartbeatAt: null, intervalSec: 30, now: LAST })).toBe("unknown");
    expect(computeHealth({ lastHeartbeatAt: null, intervalSec: 30, reported: "down", now: LAST })).toBe("unknown");
  });

  it("uses the documented thresholds", () => {
    expect(HEALTH_DEGRADED_AFTER_INTERVALS).toBe(2);
    expect(HEALTH_DOWN_AFTER_INTERVALS).toBe(5);
  });

  it("is healthy until just before 2 intervals, degraded from 2 until just before 5, down from 5", () => {
    const at = (ms: number) => computeHealth({ lastHeartbeatAt: LAST, intervalSec: 30, now: after(ms) });
    expect(at(0)).toBe("healthy");
    expect(at(59_999)).toBe("healthy");
    expect(at(60_000)).toBe("degraded");
    expect(at(149_999)).toBe("degraded");
    expect(at(150_000)).toBe("down");
    expect(at(86_400_000)).toBe("down");
  });

  it("treats a beat stamped ahead of the server clock as just now", () => {
    expect(computeHealth({ lastHeartbeatAt: LAST, intervalSec: 30, now: after(-120_000) })).toBe("healthy");
  });

  it("lets a reported status make things worse, never better", () => {
    expect(computeHealth({ lastHeartbeatAt: LAST, intervalSec: 30, reported: "degraded", now: after(1000) })).toBe("degraded");
    expect(computeHealth({ lastHeartbeatAt: LAST, intervalSec: 30, reported: "down", now: after(1000) })).toBe("down");
    expect(computeHealth({ lastHeartbeatAt: LAST, intervalSec: 30, reported: "healthy", now: after(60_000) })).toBe("degraded");
    expect(computeHealth({ lastHeartbeatAt: LAST, intervalSec: 30, reported: "degraded", now: after(150_000) })).toBe("down");
  });

  it("falls back to the default interval when none is known, and clamps odd ones", () => {
    expect(DEFAULT_HEARTBEAT_INTERVAL_SEC).toBe(60);
    expect(computeHealth({ lastHeartbeatAt: LAST, intervalSec: null, now: after(119_999) })).toBe("healthy");
    expect(computeHealth({ lastHeartbeatAt: LAST, intervalSec: undefined, now: after(120_000) })).toBe("degraded");
    expect(effectiveIntervalSec(Number.NaN)).toBe(60);
    expect(effectiveIntervalSec(0)).toBe(60);
    expect(effectiveIntervalSec(1)).toBe(5);
    expect(effectiveIntervalSec(10_000)).toBe(3600);
  });
});

describe("healthDeadlines and worseHealth", () => {
  it("gives the instants a profile turns degraded and down", () => {
    expect(healthDeadlines(LAST, 30)).toEqual({ degradedAt: after(60_000), downAt: after(150_000) });
  });
  it("orders down > degraded > healthy", () => {
    expect(worseHealth("healthy", "degraded")).toBe("degraded");
    expect(worseHealth("down", "degraded")).toBe("down");
    expect(worseHealth("healthy", "healthy")).toBe("healthy");
  });
});

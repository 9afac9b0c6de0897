/**
 * Profile health from heartbeats. A profile is "unknown" until its first
 * heartbeat; afterwards it is judged by how many heartbeat intervals have
 * passed since the last one, and a host-reported status can only make it
 * worse (a host saying "healthy" does not hide missed beats).
 *
 *   elapsed < 2 intervals            → healthy   (at most one beat missed)
 *   2 intervals ≤ elapsed < 5        → degraded
 *   elapsed ≥ 5 intervals            → down
 */
import type { HealthState, ReportedHealth } from "./types";

/** Missed intervals at which a profile becomes degraded. */
export const HEALTH_DEGRADED_AFTER_INTERVALS = 2;
/** Missed intervals at which a profile becomes down. */
export const HEALTH_DOWN_AFTER_INTERVALS = 5;
/** Interval assumed when a host never said (heartbeat attribute `intervalSec`). */
export const DEFAULT_HEARTBEAT_INTERVAL_SEC = 60;
export const MIN_HEARTBEAT_INTERVAL_SEC = 5;
export const MAX_HEARTBEAT_INTERVAL_SEC = 3600;

const SEVERITY: Record<ReportedHealth, number> = { healthy: 0, degraded: 1, down: 2 };

/** The worse of two health states (down > degraded > healthy). */
export function worseHealth(a: ReportedHealth, b: ReportedHealth): ReportedHealth {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/** A usable interval: the given one clamped to 5–3600 s, or the default when missing or not a number. */
export function effectiveIntervalSec(intervalSec: number | null | undefined): number {
  if (intervalSec === null || intervalSec === undefined || !Number.isFinite(intervalSec) || intervalSec <= 0) {
    return DEFAULT_HEARTBEAT_INTERVAL_SEC;
  }
  return Math.min(MAX_HEARTBEAT_INTERVAL_SEC, Math.max(MIN_HEARTBEAT_INTERVAL_SEC, intervalSec));
}

export function computeHealth(input: {
  lastHeartbeatAt: Date | null;
  intervalSec: number | null | undefined;
  reported?: ReportedHealth | null;
  now: Date;
}): HealthState {
  if (input.lastHeartbeatAt === null) return "unknown";
  const intervalMs = effectiveIntervalSec(input.intervalSec) * 1000;
  // A beat stamped slightly ahead of the server clock counts as just now.
  const elapsedMs = Math.max(0, input.now.getTime() - input.lastHeartbeatAt.getTime());
  const byTime: ReportedHealth =
    elapsedMs >= HEALTH_DOWN_AFTER_INTERVALS * intervalMs
      ? "down"
      : elapsedMs >= HEALTH_DEGRADED_AFTER_INTERVALS * intervalMs
        ? "degraded"
        : "healthy";
  return input.reported ? worseHealth(byTime, input.reported) : byTime;
}

/** The instants at which a profile whose last beat was at `lastHeartbeatAt` turns degraded and down (for SQL or display). */
export function healthDeadlines(lastHeartbeatAt: Date, intervalSec: number | null | undefined): { degradedAt: Date; downAt: Date } {
  const intervalMs = effectiveIntervalSec(intervalSec) * 1000;
  return {
    degradedAt: new Date(lastHeartbeatAt.getTime() + HEALTH_DEGRADED_AFTER_INTERVALS * intervalMs),
    downAt: new Date(lastHeartbeatAt.getTime() + HEALTH_DOWN_AFTER_INTERVALS * intervalMs),
  };
}
